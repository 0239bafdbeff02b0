package dev.beacon.control.ops;

import java.time.Instant;

/**
 * An integration's backfill state ({@code backfill_cursor}) for status and {@code beaconctl backfill}.
 *
 * @param listedThrough      messages modified before this were listed and published (null: no run succeeded yet)
 * @param lastOutcome        {@code ok}, {@code throttled}, {@code graph-failed}, {@code sign-in-required},
 *                           {@code publish-failed}, {@code failed}; null before the first run
 * @param messagesPublished  by the last successful run
 * @param nextAttemptAt      after a failure: the retry time
 * @param requestedAt        ops asked for a run that has not happened yet
 * @param gapsAwaiting       delivery gaps not yet backfilled
 */
public record BackfillView(String integrationId, Instant listedThrough, Instant lastRunAt, String lastOutcome,
                           Instant lastSuccessAt, long messagesPublished, int consecutiveFailures,
                           Instant nextAttemptAt, Instant requestedAt, int gapsAwaiting) {}
