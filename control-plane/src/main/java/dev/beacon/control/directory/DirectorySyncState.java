package dev.beacon.control.directory;

import java.time.Instant;

/**
 * One integration's {@code directory_sync} row (migration V7); {@link #none} before its first attempt.
 *
 * @param deltaPath where the next round starts (Graph's deltaLink after {@code /v1.0}); null: a full sync
 */
public record DirectorySyncState(String integrationId, String deltaPath, Instant lastSyncedAt, long usersPublished,
                                 String status, String detail, Instant lastAttemptAt, int consecutiveFailures,
                                 Instant nextAttemptAt, Instant requestedAt) {

    public static DirectorySyncState none(String integrationId) {
        return new DirectorySyncState(integrationId, null, null, 0, null, null, null, 0, null, null);
    }

    /** The view ops see: everything but the delta link (opaque, and of no use to a person). */
    public DirectorySyncView view() {
        return new DirectorySyncView(integrationId, status, detail, lastSyncedAt, usersPublished, lastAttemptAt,
                consecutiveFailures, nextAttemptAt, requestedAt, deltaPath != null);
    }
}
