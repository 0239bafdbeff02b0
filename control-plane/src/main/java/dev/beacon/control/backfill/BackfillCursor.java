package dev.beacon.control.backfill;

import java.time.Instant;

/**
 * One integration's row of {@code backfill_cursor}; {@link #none} before the first run.
 *
 * @param listedThrough         everything modified before this was listed and published (null: never)
 * @param gapsConsideredThrough the highest {@code delivery_gap.gap_id} a successful run took into account; newer
 *                              gaps widen the next window back to their start
 */
public record BackfillCursor(String integrationId, Instant listedThrough, Instant lastRunAt, Instant lastSuccessAt,
                             String lastOutcome, long messagesPublished, long messagesSkipped,
                             int consecutiveFailures, Instant nextAttemptAt, Instant requestedAt,
                             long gapsConsideredThrough) {

    public static BackfillCursor none(String integrationId) {
        return new BackfillCursor(integrationId, null, null, null, null, 0, 0, 0, null, null, 0);
    }
}
