package dev.beacon.control.directory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The directory sync's meters, per integration, registered on first use in the {@link #bind bound} registry:
 * <ul>
 *   <li>{@code beacon_directory_users_published_total}: records (users and tombstones) this replica published</li>
 *   <li>{@code beacon_directory_sync_failures_total}: failed syncs of this replica (not-permitted included)</li>
 *   <li>{@code beacon_directory_last_sync_age_seconds}: seconds since the last successful sync, as the database
 *       recorded it when this replica last led the integration (absent before the first success)</li>
 * </ul>
 */
public final class DirectoryCounters {

    private final Clock clock;
    private final Map<String, Counts> byIntegration = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public DirectoryCounters(Clock clock) {
        this.clock = clock;
    }

    /** Per-integration numbers of this replica. */
    public static final class Counts {
        final AtomicLong published = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
        volatile boolean registered;

        public long published() {
            return published.get();
        }

        public long failures() {
            return failures.get();
        }

        public Instant lastSuccess() {
            return lastSuccess.get();
        }
    }

    /** Registers the meters (those of integrations seen so far now, later ones when first seen). */
    public synchronized DirectoryCounters bind(MeterRegistry registry) {
        this.registry = registry;
        byIntegration.forEach(this::register);
        return this;
    }

    public Counts of(String integrationId) {
        Counts c = byIntegration.computeIfAbsent(integrationId, id -> new Counts());
        if (!c.registered && registry != null) {
            synchronized (this) {
                register(integrationId, c);
            }
        }
        return c;
    }

    /** What the database says about the last success (another replica may have synced since). */
    void lastSyncedAt(String integrationId, Instant at) {
        if (at != null) {
            of(integrationId).lastSuccess.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
    }

    void succeeded(String integrationId, long published, Instant at) {
        Counts c = of(integrationId);
        c.published.addAndGet(published);
        c.lastSuccess.set(at);
    }

    void failed(String integrationId) {
        of(integrationId).failures.incrementAndGet();
    }

    private void register(String integrationId, Counts c) {
        MeterRegistry r = registry;
        if (r == null || c.registered) {
            return;
        }
        FunctionCounter.builder("beacon_directory_users_published", c, x -> x.published.get())
                .description("Directory records (users and tombstones) published by this replica")
                .tag("integration", integrationId).register(r);
        FunctionCounter.builder("beacon_directory_sync_failures", c, x -> x.failures.get())
                .description("Failed directory syncs of this replica (delta link kept, retried)")
                .tag("integration", integrationId).register(r);
        Gauge.builder("beacon_directory_last_sync_age_seconds", c, x -> {
                    Instant at = x.lastSuccess.get();
                    return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
                })
                .description("Seconds since the last successful directory sync (NaN before one)")
                .tag("integration", integrationId).strongReference(true).register(r);
        c.registered = true;
    }
}
