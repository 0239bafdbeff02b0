package dev.beacon.control.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * A list of text values an integration owns, in a table of {@code (integration_id, <column>, created_at)} (emergency
 * policies, backfill users): read sorted, replaced whole in one transaction so a reader never sees half of a change.
 * The table and column names are constants of the callers, never input.
 */
public final class IntegrationList {

    private final Sql sql;
    private final String table;
    private final String column;
    private final Clock clock;

    public IntegrationList(Sql sql, String table, String column, Clock clock) {
        this.sql = sql;
        this.table = table;
        this.column = column;
        this.clock = clock;
    }

    /** The integration's values, sorted. */
    public List<String> list(String integrationId) {
        return sql.query("SELECT " + column + " FROM " + table + " WHERE integration_id = ? ORDER BY " + column,
                rs -> rs.getString(1), integrationId);
    }

    /** Makes {@code values} (already checked, no duplicates) the integration's list; returns it as stored. */
    public List<String> replace(String integrationId, Collection<String> values) {
        try (Connection c = sql.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement(
                        "DELETE FROM " + table + " WHERE integration_id = ?")) {
                    del.setString(1, integrationId);
                    del.executeUpdate();
                }
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO " + table + " (integration_id, " + column + ", created_at) VALUES (?, ?, ?)")) {
                    Timestamp now = Timestamp.from(clock.instant());
                    for (String v : values) {
                        ins.setString(1, integrationId);
                        ins.setString(2, v);
                        ins.setTimestamp(3, now);
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new Sql.StoreException("replace " + table + " rows", e);
        }
        return list(integrationId);
    }
}
