package dev.beacon.control.subscriptions;

import dev.beacon.control.graph.Backoff;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Tuning of the {@link SubscriptionReconciler}.
 *
 * @param backoff      waits after failures, by failure count (default 1 min doubling to 1 h, full jitter)
 * @param missedWindow for a {@code missed} event when we know no earlier notification of the subscription: the
 *                     gap is taken to start this long before the event (default 1 h). Graph does not say what
 *                     was missed, so the backfill needs a bounded window rather than "since ever".
 */
public record ReconcilerSettings(Backoff backoff, Duration missedWindow) {
    public static ReconcilerSettings defaults() {
        return new ReconcilerSettings(new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), new SecureRandom()),
                Duration.ofHours(1));
    }
}
