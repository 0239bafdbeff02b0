package dev.beacon.control.directory;

import dev.beacon.control.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * {@code directory_sync} (migration V7). The delta link moves only in {@link #succeeded}, which the sync calls after
 * Kafka acknowledged every record of the round; a failure keeps it.
 */
public final class DirectorySyncStore {

    private static final String COLUMNS = "integration_id, delta_link, last_synced_at, users_published, status, "
            + "detail, last_attempt_at, consecutive_failures, next_attempt_at, requested_at";

    private final Sql sql;

    public DirectorySyncStore(Sql sql) {
        this.sql = sql;
    }

    public DirectorySyncState get(String integrationId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM directory_sync WHERE integration_id = ?",
                DirectorySyncStore::state, integrationId).orElseGet(() -> DirectorySyncState.none(integrationId));
    }

    /** Every integration's row (status). */
    public List<DirectorySyncState> all() {
        return sql.query("SELECT " + COLUMNS + " FROM directory_sync ORDER BY integration_id",
                DirectorySyncStore::state);
    }

    /** Ops asked for a sync: the integration's leader runs one at its next round. */
    public void request(String integrationId, Instant at) {
        sql.update("INSERT INTO directory_sync (integration_id, requested_at) VALUES (?, ?) "
                + "ON CONFLICT (integration_id) DO UPDATE SET requested_at = EXCLUDED.requested_at", integrationId, at);
    }

    /**
     * A sync published everything up to {@code deltaPath}: the next one starts there. Clears the failure state and
     * any request made before this sync started.
     */
    public void succeeded(String integrationId, Instant startedAt, Instant finishedAt, String deltaPath,
                          long published) {
        sql.update("INSERT INTO directory_sync (" + COLUMNS + ") VALUES (?, ?, ?, ?, 'ok', NULL, ?, 0, NULL, NULL) "
                        + "ON CONFLICT (integration_id) DO UPDATE SET delta_link = EXCLUDED.delta_link, "
                        + "last_synced_at = EXCLUDED.last_synced_at, users_published = EXCLUDED.users_published, "
                        + "status = 'ok', detail = NULL, last_attempt_at = EXCLUDED.last_attempt_at, "
                        + "consecutive_failures = 0, next_attempt_at = NULL, "
                        + "requested_at = CASE WHEN directory_sync.requested_at > ? "
                        + "THEN directory_sync.requested_at END",
                integrationId, deltaPath, finishedAt, published, startedAt, startedAt);
    }

    /**
     * A sync did not finish: the delta link stays (or is cleared when {@code forgetDelta}: Graph no longer knows
     * it), the next attempt waits until {@code nextAttemptAt}.
     */
    public void failed(String integrationId, Instant startedAt, String status, String detail, Instant nextAttemptAt,
                       boolean forgetDelta) {
        sql.update("INSERT INTO directory_sync (integration_id, status, detail, last_attempt_at, "
                        + "consecutive_failures, next_attempt_at) VALUES (?, ?, ?, ?, 1, ?) "
                        + "ON CONFLICT (integration_id) DO UPDATE SET status = EXCLUDED.status, "
                        + "detail = EXCLUDED.detail, last_attempt_at = EXCLUDED.last_attempt_at, "
                        + "consecutive_failures = directory_sync.consecutive_failures + 1, "
                        + "next_attempt_at = EXCLUDED.next_attempt_at, "
                        + "delta_link = CASE WHEN ? THEN NULL ELSE directory_sync.delta_link END, "
                        + "requested_at = CASE WHEN directory_sync.requested_at > ? "
                        + "THEN directory_sync.requested_at END",
                integrationId, status, detail, startedAt, nextAttemptAt, forgetDelta, startedAt);
    }

    private static DirectorySyncState state(ResultSet rs) throws SQLException {
        return new DirectorySyncState(rs.getString("integration_id"), rs.getString("delta_link"),
                Sql.instant(rs, "last_synced_at"), rs.getLong("users_published"), rs.getString("status"),
                rs.getString("detail"), Sql.instant(rs, "last_attempt_at"), rs.getInt("consecutive_failures"),
                Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "requested_at"));
    }
}
