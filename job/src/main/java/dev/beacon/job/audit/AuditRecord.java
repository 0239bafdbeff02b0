package dev.beacon.job.audit;

import dev.beacon.job.ingest.SourceRef;

/**
 * One row of the audit trail: one per processed notification, keyed by its {@link SourceRef}. It holds ids and
 * the outcome only, never chat content.
 *
 * @param factId            the fact this notification fed, or null
 * @param ingestLatencyMillis processing time minus the record's ingest timestamp; -1 when unknown
 */
public record AuditRecord(
        SourceRef source,
        String tenantId,
        String subscriptionId,
        String changeType,
        String chatId,
        String messageId,
        AuditOutcome outcome,
        String reason,
        String factId,
        long processedAtMillis,
        long ingestLatencyMillis) {}
