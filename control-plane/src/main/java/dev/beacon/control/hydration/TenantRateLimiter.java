package dev.beacon.control.hydration;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps Graph calls of one tenant under a rate: at most one call per {@code 1 / perSecond}, measured from the moment
 * the previous call was actually let through. Graph documents 20 requests per second per app per tenant for chat
 * message GETs; calls spaced at least one interval apart put at most {@code perSecond + 1} calls into any one-second
 * window (16 at the default 15). {@link #holdOff} moves a tenant's next slot past a {@code Retry-After}, so no call of
 * that tenant goes out before Graph said it may.
 *
 * <p>Concurrent callers of one tenant wait their turn one after another (a per-tenant lock held while waiting), and
 * the next slot is counted from when the waiting caller really woke: a caller that wakes late (a busy machine) does
 * not let the ones behind it catch up and bunch their calls. Thread-safe; tenants do not wait for each other.
 */
public final class TenantRateLimiter {

    /** How the limiter waits; tests record instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }

    /** One tenant: the lock its callers queue on, and (guarded by the limiter) its next slot. */
    private static final class Tenant {
        final Object turn = new Object();
        boolean called;
        long nextSlot;
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    /** Per tenant (lower case); guarded by {@code this}. */
    private final Map<String, Tenant> tenants = new HashMap<>();

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
        Tenant t = tenant(tenant);
        synchronized (t.turn) {
            while (true) {
                long wait = take(t);
                if (wait <= 0) {
                    return;
                }
                try {
                    sleeper.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    take(t, true);
                    return;
                }
            }
        }
    }

    /** Graph asked this tenant's calls to wait {@code retryAfter}: no slot before then. */
    public synchronized void holdOff(String tenant, Duration retryAfter) {
        Tenant t = tenants.computeIfAbsent(key(tenant), k -> new Tenant());
        long until = nanoTime.getAsLong() + retryAfter.toNanos();
        if (!t.called || until - t.nextSlot > 0) {
            t.nextSlot = until;
            t.called = true;
        }
    }

    private synchronized Tenant tenant(String tenant) {
        return tenants.computeIfAbsent(key(tenant), k -> new Tenant());
    }

    private long take(Tenant t) {
        return take(t, false);
    }

    /** Lets the call through now (returns 0) if its slot came, else returns how long until it comes. */
    private synchronized long take(Tenant t, boolean anyway) {
        long now = nanoTime.getAsLong();
        long wait = t.called ? t.nextSlot - now : 0;
        if (wait > 0 && !anyway) {
            return wait;
        }
        // From now, not from the slot: a late wake-up does not shorten the next interval.
        t.nextSlot = now + intervalNanos;
        t.called = true;
        return 0;
    }

    private static String key(String tenant) {
        return tenant == null ? "" : tenant.toLowerCase(Locale.ROOT);
    }
}
