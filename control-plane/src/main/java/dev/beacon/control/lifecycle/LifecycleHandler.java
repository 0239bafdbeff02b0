package dev.beacon.control.lifecycle;

/** Acts on a lifecycle event (the subscription reconciler implements it). */
@FunctionalInterface
public interface LifecycleHandler {

    /** @return what was done, for logs and the audit of ops actions (no secrets) */
    String handle(LifecycleEvent event);
}
