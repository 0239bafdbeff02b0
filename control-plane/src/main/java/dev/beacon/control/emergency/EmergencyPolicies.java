package dev.beacon.control.emergency;

import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.store.IntegrationList;
import dev.beacon.control.store.Sql;
import java.time.Clock;
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

    private final IntegrationStore integrations;
    private final IntegrationList rows;

    public EmergencyPolicies(Sql sql, IntegrationStore integrations, Clock clock) {
        this.integrations = integrations;
        this.rows = new IntegrationList(sql, "emergency_policy", "policy_name", clock);
    }

    /** The integration's policy names, sorted. */
    public List<String> list(String integrationId) {
        return rows.list(integrationId);
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
        return rows.replace(integrationId, wanted);
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
