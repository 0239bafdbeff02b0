package dev.beacon.control.subscriptions;

import dev.beacon.control.ops.GapView;
import dev.beacon.control.store.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** {@code delivery_gap}: periods in which notifications may have been lost, for ops and the later backfill. */
public final class GapStore {

    public static final String REMOVED = "subscription-removed";
    public static final String NOT_FOUND = "not-found";
    public static final String MISSED = "missed";
    public static final String EXPIRED = "expired";

    private final Sql sql;
    private final Clock clock;

    public GapStore(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Opens a gap that lasts until the subscription for {@code resource} is back. */
    public long open(String integrationId, String resource, String subscriptionId, Instant from, String reason) {
        return record(integrationId, resource, subscriptionId, from, null, reason);
    }

    /** A gap already over (a {@code missed} event). */
    public long recordClosed(String integrationId, String resource, String subscriptionId, Instant from, Instant to,
                             String reason) {
        return record(integrationId, resource, subscriptionId, from, to, reason);
    }

    /** Closes every open gap of the resource at {@code to}; returns how many. */
    public int closeOpen(String integrationId, String resource, Instant to) {
        return sql.update("UPDATE delivery_gap SET gap_to = GREATEST(gap_from, ?) WHERE integration_id = ? "
                + "AND resource = ? AND gap_to IS NULL", to, integrationId, resource);
    }

    /**
     * @param integrationId null for all
     * @param openOnly only gaps still open
     */
    public List<GapView> list(String integrationId, boolean openOnly) {
        return sql.query("SELECT gap_id, integration_id, resource, subscription_id, gap_from, gap_to, reason "
                        + "FROM delivery_gap WHERE (?::text IS NULL OR integration_id = ?) "
                        + (openOnly ? "AND gap_to IS NULL " : "") + "ORDER BY gap_from, gap_id",
                rs -> new GapView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Sql.instant(rs, "gap_from"), Sql.instant(rs, "gap_to"), rs.getString(7)),
                integrationId, integrationId);
    }

    private long record(String integrationId, String resource, String subscriptionId, Instant from, Instant to,
                        String reason) {
        return sql.queryOne("INSERT INTO delivery_gap (integration_id, resource, subscription_id, gap_from, gap_to, "
                        + "reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING gap_id",
                rs -> rs.getLong(1), integrationId, resource, subscriptionId, from, to, reason, clock.instant())
                .orElseThrow();
    }
}
