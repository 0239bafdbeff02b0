package dev.beacon.control.emulator;

import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graph's per-app, per-tenant throttling of one kind of request (here chat message GETs: 20 per second per app per
 * tenant), as the emulator applies it: in any sliding one-second window (real time, not the emulator's clock) at
 * most {@code perSecond} requests of a tenant are served; the others get 429 {@code TooManyRequests} with
 * {@code Retry-After}. Off until {@link #limit} is called. Also counts what it saw, so tests can prove a client
 * stayed under the limit: served, throttled, and the most served in any one-second window.
 */
public final class GraphRateLimit {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private volatile int perSecond;
    private volatile int retryAfterSeconds = 1;
    private final Map<String, Deque<Long>> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> servedCount = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();

    /** From now on at most {@code perSecond} requests per tenant per second; others 429 with this Retry-After. */
    public void limit(int perSecond, int retryAfterSeconds) {
        this.perSecond = perSecond;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** No limit (the default). */
    public void unlimited() {
        this.perSecond = 0;
    }

    /** Requests of {@code tenant} answered (by the endpoint, whatever it answered), not throttled. */
    public int served(String tenant) {
        return get(servedCount, tenant);
    }

    /** Requests of {@code tenant} answered 429 by this limit (not counting injected faults). */
    public int throttled(String tenant) {
        return get(throttled, tenant);
    }

    /** The most requests of {@code tenant} served within any one-second window. */
    public int peakPerSecond(String tenant) {
        return get(peak, tenant);
    }

    /** Null when the request may be served (and counts it), else Graph's 429. */
    Response admit(String tenant) {
        String k = key(tenant);
        long now = System.nanoTime();
        Deque<Long> window = served.computeIfAbsent(k, x -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_NANOS) {
                window.pollFirst();
            }
            int limit = perSecond;
            if (limit > 0 && window.size() >= limit) {
                throttled.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                return GraphEndpoints.error(429, "TooManyRequests", "Too many requests.")
                        .withHeader("Retry-After", String.valueOf(retryAfterSeconds));
            }
            window.addLast(now);
            servedCount.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            peak.computeIfAbsent(k, x -> new AtomicInteger()).accumulateAndGet(window.size(), Math::max);
            return null;
        }
    }

    private static int get(Map<String, AtomicInteger> m, String tenant) {
        AtomicInteger n = m.get(key(tenant));
        return n == null ? 0 : n.get();
    }

    private static String key(String tenant) {
        return tenant == null ? "" : tenant.toLowerCase(Locale.ROOT);
    }
}
