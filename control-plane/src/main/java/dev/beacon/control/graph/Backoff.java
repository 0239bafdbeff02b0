package dev.beacon.control.graph;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Jitter keeps many replicas or integrations from retrying in lockstep.
 */
public record Backoff(Duration base, Duration max, Random random) {

    public Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max");
        }
    }

    /** The ceiling for attempt {@code n} (1-based), before jitter. */
    public Duration ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long millis = base.toMillis() << shift;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    /** A jittered wait for attempt {@code n} (1-based). */
    public Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toMillis();
        synchronized (random) {
            return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
        }
    }
}
