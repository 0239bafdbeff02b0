package dev.beacon.control.backfill;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the backfill did in this replica, per integration; {@code ControlPlaneMetrics} exposes it. */
public final class BackfillCounters {

    /** One integration's counts. */
    public static final class Counts {
        private final AtomicLong runs = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong published = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private volatile Instant lastSuccess;

        public long runs() {
            return runs.get();
        }

        public long failures() {
            return failures.get();
        }

        public long published() {
            return published.get();
        }

        public long skipped() {
            return skipped.get();
        }

        /** Epoch seconds of the last successful run, 0 before one. */
        public double lastSuccessEpochSeconds() {
            Instant t = lastSuccess;
            return t == null ? 0 : t.toEpochMilli() / 1000.0;
        }
    }

    private final ConcurrentHashMap<String, Counts> byIntegration = new ConcurrentHashMap<>();

    public Counts of(String integrationId) {
        return byIntegration.computeIfAbsent(integrationId, k -> new Counts());
    }

    public Set<String> integrations() {
        return new TreeSet<>(byIntegration.keySet());
    }

    void succeeded(String integrationId, long published, long skipped, Instant at) {
        Counts c = of(integrationId);
        c.runs.incrementAndGet();
        c.published.addAndGet(published);
        c.skipped.addAndGet(skipped);
        c.lastSuccess = at;
    }

    void failed(String integrationId) {
        Counts c = of(integrationId);
        c.runs.incrementAndGet();
        c.failures.incrementAndGet();
    }
}
