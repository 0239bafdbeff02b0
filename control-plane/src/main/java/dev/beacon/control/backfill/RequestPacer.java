package dev.beacon.control.backfill;

import dev.beacon.control.graph.Sleeper;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Spaces Graph requests so that all backfills of this replica stay under a rate per tenant (Graph throttles per app
 * per tenant; "other GETs" allow 30 rps, and a backfill must leave room for subscriptions and hydration). Each request
 * reserves the next free slot of its tenant, {@code 1 / rate} after the previous one, and sleeps until it.
 */
public final class RequestPacer {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final Map<String, Long> nextFree = new HashMap<>();

    public RequestPacer(double ratePerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.intervalNanos = Math.max(1, (long) (1_000_000_000L / ratePerSecond));
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    public static RequestPacer real(double ratePerSecond) {
        return new RequestPacer(ratePerSecond, System::nanoTime, Sleeper.REAL);
    }

    /** Waits for the tenant's next request slot. */
    public void acquire(String tenant) throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            long slot = Math.max(now, nextFree.getOrDefault(tenant, now));
            nextFree.put(tenant, slot + intervalNanos);
            wait = slot - now;
        }
        if (wait > 0) {
            sleeper.sleep(Duration.ofNanos(wait));
        }
    }
}
