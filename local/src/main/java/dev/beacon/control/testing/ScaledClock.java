package dev.beacon.control.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code scale} times faster than real time from the moment it is created. The local demo
 * shares one between the control plane and the emulator's Graph side, so three-day subscriptions are renewed
 * within minutes while you watch.
 */
public final class ScaledClock extends Clock implements dev.beacon.control.RatedClock {

    private final Instant start;
    private final long startNanos = System.nanoTime();
    private final double scale;

    public ScaledClock(double scale) {
        this(scale, Instant.now());
    }

    /** Runs from {@code start}: a restarted demo resumes where its scaled time stopped. */
    public ScaledClock(double scale, Instant start) {
        if (scale < 1) {
            throw new IllegalArgumentException("time scale must be >= 1");
        }
        this.scale = scale;
        this.start = start;
    }

    @Override
    public Instant instant() {
        long realNanos = System.nanoTime() - startNanos;
        return start.plus(Duration.ofNanos((long) (realNanos * scale)));
    }

    @Override
    public double rate() {
        return scale;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
