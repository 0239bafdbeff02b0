package dev.beacon.control.backfill;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The time one backfill run may take ({@code BEACON_BACKFILL_MAX_RUN}). The lister asks {@link #spent} at each page
 * boundary; once spent, the run stops there cleanly, publishes what it found and continues next round. Measured on
 * a monotonic clock (not the control plane's wall clock, which tests and the demo move by hand).
 */
public final class RunBudget {

    /** For runs that must finish whatever they take (tests of other behaviour). */
    public static final RunBudget UNBOUNDED = new RunBudget(0L, Long.MAX_VALUE, () -> 0L);

    private final long startNanos;
    private final long budgetNanos;
    private final LongSupplier nanoTime;

    private RunBudget(long startNanos, long budgetNanos, LongSupplier nanoTime) {
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos;
        this.nanoTime = nanoTime;
    }

    /** A budget of {@code max} from now, read on {@code nanoTime} (differences only: it may wrap). */
    public static RunBudget of(Duration max, LongSupplier nanoTime) {
        long nanos;
        try {
            nanos = max.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return new RunBudget(nanoTime.getAsLong(), nanos, nanoTime);
    }

    public boolean spent() {
        return nanoTime.getAsLong() - startNanos >= budgetNanos;
    }
}
