package dev.beacon.control.directory;

import java.time.Instant;

/**
 * An integration's directory sync state for {@code status}, {@code beaconctl directory sync} and
 * {@code POST /api/integrations/{id}/directory-sync}.
 *
 * @param status         {@code ok}, {@code not-permitted} (the app lacks {@code User.Read.All}), {@code throttled},
 *                       {@code graph-failed}, {@code sign-in-required}, {@code publish-failed}, {@code failed};
 *                       null before the first attempt
 * @param detail         what went wrong, or null
 * @param lastSyncedAt   end of the last successful sync
 * @param usersPublished records (users and tombstones) the last successful sync published
 * @param nextAttemptAt  after a failure: the retry time
 * @param requestedAt    ops asked for a sync that has not happened yet
 * @param incremental    a delta link is kept: the next sync reads only changes
 */
public record DirectorySyncView(String integrationId, String status, String detail, Instant lastSyncedAt,
                                long usersPublished, Instant lastAttemptAt, int consecutiveFailures,
                                Instant nextAttemptAt, Instant requestedAt, boolean incremental) {}
