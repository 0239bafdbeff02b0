package dev.beacon.control.emergency;

import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The emergency calling policies an integration receives Graph emergency call events for (table
 * {@code emergency_policy}). Only app-only integrations may have any: Graph grants
 * {@code CallEvents-Emergency.Read.All} as an application permission only.
 */
public final class EmergencyPolicies {

    private final Sql sql;
    private final IntegrationStore integrations;
    private final Clock clock;

    public EmergencyPolicies(Sql sql, IntegrationStore integrations, Clock clock) {
        this.sql = sql;
        this.integrations = integrations;
        this.clock = clock;
    }

    /** The integration's policy names, sorted. */
    public List<String> list(String integrationId) {
        return sql.query("SELECT policy_name FROM emergency_policy WHERE integration_id = ? ORDER BY policy_name",
                rs -> rs.getString(1), integrationId);
    }

    /**
     * Makes {@code names} the integration's policies (an empty list removes them all), in one transaction; the
     * reconciler then creates and deletes subscriptions to match.
     *
     * @throws IllegalArgumentException for an unknown or delegated integration, or a bad name
     */
    public List<String> replace(String integrationId, Collection<String> names) {
        Integration i = integrations.require(integrationId);
        Set<String> wanted = new LinkedHashSet<>();
        for (String n : names) {
            wanted.add(EmergencyEventResources.checkedName(n));
        }
        if (!wanted.isEmpty()) {
            requireAppOnly(i);
        }
        try (Connection c = sql.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement(
                        "DELETE FROM emergency_policy WHERE integration_id = ?")) {
                    del.setString(1, integrationId);
                    del.executeUpdate();
                }
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO emergency_policy (integration_id, policy_name, created_at) VALUES (?, ?, ?)")) {
                    for (String n : wanted) {
                        ins.setString(1, integrationId);
                        ins.setString(2, n);
                        ins.setTimestamp(3, Timestamp.from(clock.instant()));
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
            throw new Sql.StoreException("replace emergency policies", e);
        }
        return list(integrationId);
    }

    /**
     * @throws IllegalArgumentException for a delegated integration: the message says why (the permission is
     *                                  application-only) and what to do
     */
    public static void requireAppOnly(Integration i) {
        if (i.authMode().delegated()) {
            throw new IllegalArgumentException("integration '" + i.id() + "' signs in as a user ("
                    + i.authMode().dbValue() + "): emergency call events need the application permission "
                    + "CallEvents-Emergency.Read.All, which Graph does not offer delegated; add a client-credentials "
                    + "integration for them");
        }
    }

    /** For callers that check before they store: the names, validated and de-duplicated, in order. */
    public static List<String> checkedNames(Collection<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(EmergencyEventResources.checkedName(n));
        }
        return new ArrayList<>(out);
    }
}
