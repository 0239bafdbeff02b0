package dev.beacon.control.subscriptions;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals since start, for metrics (gauges or function counters read these). */
public final class ReconcilerCounters {
    public final AtomicLong creations = new AtomicLong();
    public final AtomicLong recreations = new AtomicLong();
    public final AtomicLong renewals = new AtomicLong();
    public final AtomicLong renewalFailures = new AtomicLong();
    public final AtomicLong creationFailures = new AtomicLong();
    public final AtomicLong deletions = new AtomicLong();
    public final AtomicLong gapsOpened = new AtomicLong();
    public final AtomicLong lifecycleEvents = new AtomicLong();

    @Override
    public String toString() {
        return "ReconcilerCounters[creations=" + creations + ", recreations=" + recreations + ", renewals="
                + renewals + ", renewalFailures=" + renewalFailures + ", creationFailures=" + creationFailures
                + ", deletions=" + deletions + ", gapsOpened=" + gapsOpened + ", lifecycleEvents="
                + lifecycleEvents + "]";
    }
}
