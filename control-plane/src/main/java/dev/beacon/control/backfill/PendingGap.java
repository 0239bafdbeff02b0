package dev.beacon.control.backfill;

import java.time.Instant;

/** A {@code delivery_gap} row whose messages are not backfilled yet; {@code to} null while the gap is open. */
public record PendingGap(long gapId, Instant from, Instant to, String reason) {

    public boolean open() {
        return to == null;
    }
}
