package dev.beacon.control.backfill;

import dev.beacon.control.ControlPlaneSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How the backfill runs. Read from the environment ({@link #fromEnv}) so {@code ControlPlaneSettings} keeps its shape.
 *
 * @param interval      scheduled run per integration ({@code BEACON_BACKFILL_INTERVAL}, default 5 min); a gap that
 *                      awaits backfill makes a run due at once
 * @param lookBack      first run (no cursor yet): how far back to list ({@code BEACON_BACKFILL_LOOK_BACK}, 1 h)
 * @param overlap       each window starts this much before the cursor: Graph's lists are eventually consistent
 *                      ({@code BEACON_BACKFILL_OVERLAP}, 2 min); re-published messages are deduplicated by the job
 * @param maxLookBack   never list further back than this, however old a gap is ({@code BEACON_BACKFILL_MAX_LOOK_BACK},
 *                      7 d): bounds the metered cost of one run
 * @param ratePerSecond Graph requests per second per tenant, all backfills of the replica together
 *                      ({@code BEACON_BACKFILL_RATE}, 10; Graph allows 30 for "other GETs")
 * @param retryBase     first wait after a failed run, doubling per consecutive failure up to {@code interval}
 * @param topic         where FetchedMessages go: the job's input ({@code BEACON_INGRESS_TOPIC}, {@code teams-events})
 * @param parallelism   integrations backfilled at the same time ({@code BEACON_BACKFILL_PARALLELISM}, 4): one slow or
 *                      throttled integration never holds up the others' runs
 * @param maxRun        a run's time budget ({@code BEACON_BACKFILL_MAX_RUN}, default twice the interval): past it the
 *                      run stops at the next page boundary, publishes what it found and continues next round
 */
public record BackfillSettings(Duration interval, Duration lookBack, Duration overlap, Duration maxLookBack,
                               double ratePerSecond, Duration retryBase, String topic, int parallelism,
                               Duration maxRun) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOOK_BACK = Duration.ofHours(1);
    public static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(2);
    public static final Duration DEFAULT_MAX_LOOK_BACK = Duration.ofDays(7);
    public static final double DEFAULT_RATE = 10;
    public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(30);
    public static final String DEFAULT_TOPIC = "teams-events";
    public static final int DEFAULT_PARALLELISM = 4;
    /** More threads than this only wait for the same per-tenant request pacer. */
    public static final int MAX_PARALLELISM = 64;

    public BackfillSettings {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("BEACON_BACKFILL_INTERVAL must be positive");
        }
        if (overlap.isNegative() || lookBack.isNegative() || maxLookBack.compareTo(lookBack) < 0) {
            throw new IllegalArgumentException("BEACON_BACKFILL_OVERLAP and BEACON_BACKFILL_LOOK_BACK must not be "
                    + "negative, and BEACON_BACKFILL_MAX_LOOK_BACK not shorter than BEACON_BACKFILL_LOOK_BACK");
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("BEACON_BACKFILL_RATE must be a positive number of requests per second");
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("BEACON_BACKFILL_PARALLELISM must be a whole number from 1 to "
                    + MAX_PARALLELISM);
        }
        if (maxRun.isNegative() || maxRun.isZero()) {
            throw new IllegalArgumentException("BEACON_BACKFILL_MAX_RUN must be positive");
        }
    }

    /** Default parallelism, and a run budget of twice the interval. */
    public BackfillSettings(Duration interval, Duration lookBack, Duration overlap, Duration maxLookBack,
                            double ratePerSecond, Duration retryBase, String topic) {
        this(interval, lookBack, overlap, maxLookBack, ratePerSecond, retryBase, topic, DEFAULT_PARALLELISM,
                interval.multipliedBy(2));
    }

    public BackfillSettings withParallelism(int n) {
        return new BackfillSettings(interval, lookBack, overlap, maxLookBack, ratePerSecond, retryBase, topic, n,
                maxRun);
    }

    public BackfillSettings withMaxRun(Duration d) {
        return new BackfillSettings(interval, lookBack, overlap, maxLookBack, ratePerSecond, retryBase, topic,
                parallelism, d);
    }

    public static BackfillSettings defaults() {
        return new BackfillSettings(DEFAULT_INTERVAL, DEFAULT_LOOK_BACK, DEFAULT_OVERLAP, DEFAULT_MAX_LOOK_BACK,
                DEFAULT_RATE, DEFAULT_RETRY_BASE, DEFAULT_TOPIC);
    }

    /** Reads the {@code BEACON_BACKFILL_*} settings; errors name the variable. */
    public static BackfillSettings fromEnv(Map<String, String> env) {
        Duration interval = duration(env, "BEACON_BACKFILL_INTERVAL", DEFAULT_INTERVAL);
        return new BackfillSettings(
                interval,
                duration(env, "BEACON_BACKFILL_LOOK_BACK", DEFAULT_LOOK_BACK),
                duration(env, "BEACON_BACKFILL_OVERLAP", DEFAULT_OVERLAP),
                duration(env, "BEACON_BACKFILL_MAX_LOOK_BACK", DEFAULT_MAX_LOOK_BACK),
                rate(env),
                duration(env, "BEACON_BACKFILL_RETRY_BASE", DEFAULT_RETRY_BASE),
                plain(env, "BEACON_INGRESS_TOPIC").orElse(DEFAULT_TOPIC),
                parallelism(env),
                duration(env, "BEACON_BACKFILL_MAX_RUN", interval.multipliedBy(2)));
    }

    private static int parallelism(Map<String, String> env) {
        Optional<String> v = plain(env, "BEACON_BACKFILL_PARALLELISM");
        if (v.isEmpty()) {
            return DEFAULT_PARALLELISM;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("BEACON_BACKFILL_PARALLELISM must be a whole number from 1 to "
                    + MAX_PARALLELISM);
        }
    }

    /** The wait before the next attempt after {@code failures} consecutive failed runs (no jitter: one per leader). */
    public Duration retryAfterFailures(int failures) {
        Duration d = retryBase;
        for (int i = 1; i < failures && d.compareTo(interval) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(interval) > 0 ? interval : d;
    }

    private static double rate(Map<String, String> env) {
        Optional<String> v = plain(env, "BEACON_BACKFILL_RATE");
        if (v.isEmpty()) {
            return DEFAULT_RATE;
        }
        try {
            return Double.parseDouble(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("BEACON_BACKFILL_RATE must be a number of requests per second");
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return ControlPlaneSettings.parseDuration(v.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a duration like 5m, 90s or PT5M");
        }
    }

    private static Optional<String> plain(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
