package dev.beacon.control.kafka;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * How long an event waits before its next attempt while a dependency is down: exponential from {@code initial},
 * capped at {@code max}, with "equal jitter" (a uniformly random wait in {@code [ceiling/2, ceiling]}). The lower
 * half keeps a replica from hammering a dependency that just failed; the random half keeps replicas (and the
 * partitions of one replica) from retrying in lockstep. There is no attempt limit: the event is never skipped.
 */
public record RetryBackoff(Duration initial, Duration max, Random random) {

    /** 1 s doubling to 5 min: a short blip costs seconds, a long outage one attempt per 2.5..5 min. */
    public static RetryBackoff defaults() {
        return new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SecureRandom());
    }

    public RetryBackoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    /** The ceiling after {@code failures} consecutive failures (1-based), before jitter. */
    public Duration ceiling(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long millis = initial.toMillis() << shift;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    /**
     * The wait after {@code failures} consecutive failures; at least {@code retryAfter} when the dependency named
     * one (Graph's Retry-After is honoured even beyond {@code max}).
     */
    public Duration delay(int failures, Optional<Duration> retryAfter) {
        long ceiling = ceiling(failures).toMillis();
        long half = ceiling / 2;
        double r;
        synchronized (random) {
            r = random.nextDouble();
        }
        Duration jittered = Duration.ofMillis(half + (long) (r * (ceiling - half + 1)));
        return retryAfter.filter(ra -> ra.compareTo(jittered) > 0).orElse(jittered);
    }
}
