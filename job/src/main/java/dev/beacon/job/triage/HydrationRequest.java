package dev.beacon.job.triage;

import dev.beacon.job.ingest.SourceRef;

/**
 * An authenticated notification that carries no resource data, so Beacon cannot yet tell whether it is an
 * emergency. A later stage (the control plane, which holds the Graph credentials) fetches the message.
 */
public record HydrationRequest(
        SourceRef source,
        String subscriptionId,
        String tenantId,
        String changeType,
        String resource,
        String chatId,
        String messageId) {}
