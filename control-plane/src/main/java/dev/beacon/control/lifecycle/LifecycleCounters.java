package dev.beacon.control.lifecycle;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the lifecycle consumer did, for metrics and tests. Thread-safe; counts only grow.
 * Events are counted by name only for the three known ones (unknown events are bad records), so the metric's
 * {@code event} tag has bounded values.
 */
public final class LifecycleCounters {

    public static final Set<String> KNOWN_EVENTS = Set.of(LifecycleEvent.REAUTHORIZATION_REQUIRED,
            LifecycleEvent.SUBSCRIPTION_REMOVED, LifecycleEvent.MISSED);

    private final Map<String, AtomicLong> handled = new ConcurrentHashMap<>();
    private final AtomicLong badRecords = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public LifecycleCounters() {
        KNOWN_EVENTS.forEach(e -> handled.put(e, new AtomicLong()));
    }

    void recordHandled(String event) {
        handled.get(event).incrementAndGet();
    }

    void recordBad() {
        badRecords.incrementAndGet();
    }

    void recordFailed() {
        failed.incrementAndGet();
    }

    /** Events handled successfully, by lifecycle event name (0 for anything but the three known names). */
    public long handledCount(String event) {
        AtomicLong n = handled.get(event);
        return n == null ? 0 : n.get();
    }

    public long handledTotal() {
        return handled.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Records that were not JSON, lacked a field, or named an unknown event; skipped. */
    public long badRecords() {
        return badRecords.get();
    }

    /** Valid events the handler kept failing on after retries; skipped. */
    public long failed() {
        return failed.get();
    }

    @Override
    public String toString() {
        return "LifecycleCounters[handled=" + handledTotal() + ", bad=" + badRecords() + ", failed=" + failed() + "]";
    }
}
