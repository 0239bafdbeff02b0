package dev.beacon.control.lines;

import java.time.Instant;

/** How an integration's resource-account sync last went ({@code ok}, {@code not-permitted}, …). */
public record SyncView(String integrationId, String status, String detail, int accounts, Instant lastAttemptAt,
                       Instant lastSuccessAt) {}
