package dev.beacon.control.backfill;

import java.time.Instant;

/**
 * The outcome of one backfill run.
 *
 * @param outcome        {@code ok} or why it failed ({@link Backfiller} names them)
 * @param from           window start (exclusive)
 * @param to             window end (exclusive); the cursor when {@code ok}
 * @param gapsBackfilled delivery gaps marked backfilled by this run
 */
public record BackfillResult(String integrationId, String outcome, Instant from, Instant to, long published,
                             long skipped, int requests, int gapsBackfilled) {

    public boolean ok() {
        return Backfiller.OK.equals(outcome);
    }
}
