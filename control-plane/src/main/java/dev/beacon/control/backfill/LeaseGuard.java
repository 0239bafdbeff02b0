package dev.beacon.control.backfill;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps a long backfill run honest about leadership: before each Graph request the run asks {@link #check}; at most
 * every {@code every} that renews the integration's lease (through {@code renew}, which is
 * {@code IntegrationLeases.tryAcquire}), and throws {@link LeaseLostException} once another replica holds it, so two
 * replicas never backfill (and publish) the same integration at once for longer than one check period.
 */
public final class LeaseGuard {

    /** For runs outside the leader loop (tests): always leading. */
    public static final LeaseGuard ALWAYS = new LeaseGuard(() -> true, Duration.ofDays(365), System::nanoTime);

    private final BooleanSupplier renew;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private long lastCheck;
    private boolean checked;

    public LeaseGuard(BooleanSupplier renew, Duration every, LongSupplier nanoTime) {
        this.renew = renew;
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
    }

    public static LeaseGuard renewing(BooleanSupplier renew, Duration every) {
        return new LeaseGuard(renew, every, System::nanoTime);
    }

    /** @throws LeaseLostException when this replica no longer leads the integration */
    public synchronized void check() throws LeaseLostException {
        long now = nanoTime.getAsLong();
        if (checked && now - lastCheck < everyNanos) {
            return;
        }
        checked = true;
        lastCheck = now;
        boolean leading;
        try {
            leading = renew.getAsBoolean();
        } catch (RuntimeException e) {
            leading = false; // cannot tell (database down): stop rather than risk two leaders
        }
        if (!leading) {
            throw new LeaseLostException();
        }
    }

    /** Another replica leads the integration now; the run stops without moving anything. */
    public static final class LeaseLostException extends Exception {
        public LeaseLostException() {
            super("the integration's lease is held by another replica");
        }
    }
}
