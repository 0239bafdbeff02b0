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
        private final AtomicLong cutShort = new AtomicLong();
        private volatile boolean running;
        private volatile Instant lastSuccess;

        /** Runs stopped by their time budget ({@code BEACON_BACKFILL_MAX_RUN}); each is also one of {@link #runs}. */
        public long cutShort() {
            return cutShort.get();
        }

        /** 1 while a run of the integration is in progress in this replica, else 0. */
        public int running() {
            return running ? 1 : 0;
        }

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

    void cutShort(String integrationId, long published, long skipped) {
        Counts c = of(integrationId);
        c.runs.incrementAndGet();
        c.cutShort.incrementAndGet();
        c.published.addAndGet(published);
        c.skipped.addAndGet(skipped);
    }

    void running(String integrationId, boolean running) {
        of(integrationId).running = running;
    }

    void failed(String integrationId) {
        Counts c = of(integrationId);
        c.runs.incrementAndGet();
        c.failures.incrementAndGet();
    }
}
