package dev.beacon.control.lifecycle;

import java.time.Instant;
import java.util.Set;

/**
 * One Graph lifecycle notification, as the job forwards it on {@code graph-lifecycle} (already authenticated by
 * {@code clientState}, which the job removed).
 *
 * @param lifecycleEvent {@code reauthorizationRequired}, {@code subscriptionRemoved} or {@code missed}
 * @param receivedAt     when the job saw it (gap start for removed/missed)
 */
public record LifecycleEvent(String subscriptionId, String tenantId, String lifecycleEvent, Instant receivedAt) {
    public static final String REAUTHORIZATION_REQUIRED = "reauthorizationRequired";
    public static final String SUBSCRIPTION_REMOVED = "subscriptionRemoved";
    public static final String MISSED = "missed";

    /** The events Graph sends and we act on; any other name makes the record poison. */
    public static final Set<String> KNOWN_EVENTS = Set.of(REAUTHORIZATION_REQUIRED, SUBSCRIPTION_REMOVED, MISSED);
}
