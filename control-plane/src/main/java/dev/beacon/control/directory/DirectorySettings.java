package dev.beacon.control.directory;

import dev.beacon.control.ControlPlaneSettings;
import java.time.Duration;
import java.util.Map;

/**
 * How the directory sync runs. Read from the environment ({@link #fromEnv}) so {@code ControlPlaneSettings} keeps its
 * shape.
 *
 * @param interval      scheduled sync per integration ({@code BEACON_DIRECTORY_SYNC_INTERVAL}, default 1 h);
 *                      zero turns the schedule off (ops can still ask for a sync)
 * @param ratePerSecond Graph requests per second per tenant of the sync ({@code BEACON_DIRECTORY_SYNC_RATE}, 5):
 *                      leaves room under Graph's per-tenant budget for subscriptions, hydration and backfill
 * @param retryBase     first wait after a failed sync, doubling per consecutive failure up to the interval (1 h
 *                      when the schedule is off)
 */
public record DirectorySettings(Duration interval, double ratePerSecond, Duration retryBase) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final double DEFAULT_RATE = 5;
    public static final Duration DEFAULT_RETRY_BASE = Duration.ofMinutes(1);

    public DirectorySettings {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("BEACON_DIRECTORY_SYNC_INTERVAL must not be negative");
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("BEACON_DIRECTORY_SYNC_RATE must be a positive number of requests "
                    + "per second");
        }
    }

    public static DirectorySettings defaults() {
        return new DirectorySettings(DEFAULT_INTERVAL, DEFAULT_RATE, DEFAULT_RETRY_BASE);
    }

    /** Reads {@code BEACON_DIRECTORY_SYNC_INTERVAL} and {@code BEACON_DIRECTORY_SYNC_RATE}; errors name them. */
    public static DirectorySettings fromEnv(Map<String, String> env) {
        Duration interval = DEFAULT_INTERVAL;
        String v = plain(env, "BEACON_DIRECTORY_SYNC_INTERVAL");
        if (v != null) {
            try {
                interval = v.equals("0") ? Duration.ZERO : ControlPlaneSettings.parseDuration(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("BEACON_DIRECTORY_SYNC_INTERVAL must be a duration like 1h, "
                        + "30m or PT1H (0 turns the schedule off)");
            }
        }
        double rate = DEFAULT_RATE;
        String r = plain(env, "BEACON_DIRECTORY_SYNC_RATE");
        if (r != null) {
            try {
                rate = Double.parseDouble(r);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("BEACON_DIRECTORY_SYNC_RATE must be a number of requests per "
                        + "second");
            }
        }
        return new DirectorySettings(interval, rate, DEFAULT_RETRY_BASE);
    }

    /** Whether syncs run on a schedule (else only when ops ask). */
    public boolean scheduled() {
        return !interval.isZero();
    }

    /** The wait before the next attempt after {@code failures} consecutive failed syncs. */
    public Duration retryAfterFailures(int failures) {
        Duration cap = scheduled() ? interval : DEFAULT_INTERVAL;
        Duration d = retryBase;
        for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private static String plain(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
