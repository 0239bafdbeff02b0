package dev.beacon.control.ha;

import dev.beacon.control.store.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-integration leadership in {@code integration_lease}: one replica at a time reconciles an integration.
 *
 * <p>Every comparison uses the database clock ({@code now()}), never this replica's: replicas may disagree on the
 * time, the database is the one referee. A lease is taken over only when it has expired, so a replica that dies
 * (stops renewing) loses its integrations after at most {@link #duration()}.
 */
public final class IntegrationLeases {

    // One statement, so two replicas racing for the same row cannot both win: the upsert takes the row lock, and
    // the WHERE only lets the current holder renew or anyone take an expired lease.
    private static final String ACQUIRE = """
            INSERT INTO integration_lease (integration_id, holder, acquired_at, expires_at)
            VALUES (?, ?, now(), now() + make_interval(secs => ?))
            ON CONFLICT (integration_id) DO UPDATE SET
                holder = EXCLUDED.holder,
                acquired_at = CASE WHEN integration_lease.holder = EXCLUDED.holder
                                   THEN integration_lease.acquired_at ELSE now() END,
                expires_at = EXCLUDED.expires_at
            WHERE integration_lease.holder = EXCLUDED.holder OR integration_lease.expires_at <= now()""";

    private final Sql sql;
    private final String replicaId;
    private final Duration duration;

    public IntegrationLeases(Sql sql, String replicaId, Duration duration) {
        this.sql = Objects.requireNonNull(sql);
        this.replicaId = Objects.requireNonNull(replicaId);
        if (duration.toMillis() < 1000) {
            throw new IllegalArgumentException("lease duration must be at least 1s, got " + duration);
        }
        this.duration = duration;
    }

    public String replicaId() {
        return replicaId;
    }

    public Duration duration() {
        return duration;
    }

    /**
     * Takes the lease if it is free, expired or already ours, and (re)sets its expiry to now + duration.
     *
     * @return true when this replica holds the lease afterwards
     */
    public boolean tryAcquire(String integrationId) {
        return sql.update(ACQUIRE, integrationId, replicaId, duration.toMillis() / 1000.0) == 1;
    }

    /** Gives the lease up (if ours), so another replica can take over at once instead of after expiry. */
    public boolean release(String integrationId) {
        return sql.update("DELETE FROM integration_lease WHERE integration_id = ? AND holder = ?",
                integrationId, replicaId) == 1;
    }

    /** On shutdown: gives up every lease this replica holds. */
    public int releaseAll() {
        return sql.update("DELETE FROM integration_lease WHERE holder = ?", replicaId);
    }

    /** The replica holding an unexpired lease on the integration, if any. */
    public Optional<String> holder(String integrationId) {
        return sql.queryOne("SELECT holder FROM integration_lease WHERE integration_id = ? AND expires_at > now()",
                rs -> rs.getString(1), integrationId);
    }

    /** The integrations this replica holds an unexpired lease on, by the database clock. */
    public List<String> held() {
        return sql.query("SELECT integration_id FROM integration_lease WHERE holder = ? AND expires_at > now() "
                + "ORDER BY integration_id", rs -> rs.getString(1), replicaId);
    }
}
