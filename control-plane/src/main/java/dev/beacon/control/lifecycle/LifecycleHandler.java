package dev.beacon.control.lifecycle;

/**
 * Acts on a lifecycle event (the subscription reconciler implements it). Must be idempotent: an event handled
 * just before a crash or a rebalance, but not yet committed, is handed over again.
 *
 * <p>Returning means handled: the consumer commits the event. Throwing means not handled: the consumer keeps the
 * event and retries it with backoff until it succeeds, so throw only when a retry can help (a dependency is down;
 * {@link RetryLaterException} can carry the dependency's Retry-After). When the event cannot be acted on for a
 * reason retries will not fix (unknown subscription, a person must sign in first and that is flagged), record
 * what is needed for later and return.
 */
@FunctionalInterface
public interface LifecycleHandler {

    /** @return what was done, for logs (no secrets) */
    String handle(LifecycleEvent event);
}
