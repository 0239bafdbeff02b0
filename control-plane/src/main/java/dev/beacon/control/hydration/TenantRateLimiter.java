package dev.beacon.control.hydration;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps Graph calls of one tenant under a rate: a token bucket per tenant holding at most one token, refilled at
 * {@code perSecond}. Graph documents 20 requests per second per app per tenant for chat message GETs; with one token
 * of burst, any one-second window sees at most {@code perSecond + 1} calls from this replica (16 at the default 15).
 * {@link #holdOff} moves a tenant's next slot past a {@code Retry-After}, so no call of that tenant goes out before
 * Graph said it may. Callers reserve their slot under the lock and sleep outside it, so concurrent callers queue in
 * order. Thread-safe.
 */
public final class TenantRateLimiter {

    /** How the limiter waits; tests record instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    /** Per tenant (lower case), the earliest time the next call may go out. */
    private final Map<String, Long> nextSlot = new HashMap<>();

    public TenantRateLimiter(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number per second");
        }
        this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    public static TenantRateLimiter perSecond(double perSecond) {
        return new TenantRateLimiter(perSecond, System::nanoTime, Sleeper.REAL);
    }

    /** Waits until {@code tenant} may make its next call. An interrupt ends the wait early (flag kept). */
    public void acquire(String tenant) {
        long wait = reserve(tenant);
        if (wait > 0) {
            try {
                sleeper.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Graph asked this tenant's calls to wait {@code retryAfter}: no slot before then. */
    public synchronized void holdOff(String tenant, Duration retryAfter) {
        long until = nanoTime.getAsLong() + retryAfter.toNanos();
        nextSlot.merge(key(tenant), until, (a, b) -> a - b >= 0 ? a : b);
    }

    /** Reserves the tenant's next slot; returns how long until it comes (0: now). */
    synchronized long reserve(String tenant) {
        long now = nanoTime.getAsLong();
        String k = key(tenant);
        long slot = nextSlot.getOrDefault(k, now);
        if (slot - now < 0) {
            slot = now;
        }
        nextSlot.put(k, slot + intervalNanos);
        return slot - now;
    }

    private static String key(String tenant) {
        return tenant == null ? "" : tenant.toLowerCase(Locale.ROOT);
    }
}
