package dev.beacon.drill.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bounded waiting: the drill never sleeps to synchronise, it polls an observable condition (REST state, database
 * counts, topic contents) until it holds or a deadline passes, and then fails with what it last saw.
 */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {}

    /** Thrown by a probe that sees a state nothing will recover from: polling stops at once. */
    public static final class GiveUp extends RuntimeException {
        public GiveUp(String message) {
            super(message);
        }
    }

    /** What a probe saw: done, with a value, or not yet, with a description for the timeout message. */
    public record Probe<T>(T value, String seen) {
        public static <T> Probe<T> done(T value) {
            return new Probe<>(value, null);
        }

        public static <T> Probe<T> notYet(String seen) {
            return new Probe<>(null, seen);
        }

        boolean isDone() {
            return seen == null;
        }
    }

    /**
     * Calls {@code probe} until it is done and returns its value.
     *
     * @throws IllegalStateException after {@code timeout}, naming {@code what} and the probe's last observation
     * @throws GiveUp as soon as the probe does
     */
    public static <T> T until(String what, Duration timeout, Supplier<Probe<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastSeen = "nothing yet";
        RuntimeException lastError = null;
        while (true) {
            try {
                Probe<T> p = probe.get();
                if (p.isDone()) {
                    return p.value();
                }
                lastSeen = p.seen();
                lastError = null;
            } catch (GiveUp e) {
                throw e;
            } catch (RuntimeException e) {
                // A service that is (re)starting may refuse connections for a moment; keep polling.
                lastError = e;
                lastSeen = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last saw: " + lastSeen,
                        lastError);
            }
            pause();
        }
    }

    /** Like {@link #until} for a yes/no condition; {@code seen} describes the state when it is not met. */
    public static void until(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> seen) {
        until(what, timeout, () -> condition.get() ? Probe.done(Boolean.TRUE) : Probe.notYet(seen.get()));
    }

    /** The probe's value as soon as it is present, or empty at the deadline (for "eventually, else report"). */
    public static <T> Optional<T> within(Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent() || System.nanoTime() > deadline) {
                return v;
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
