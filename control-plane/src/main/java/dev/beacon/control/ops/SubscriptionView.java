package dev.beacon.control.ops;

import java.time.Instant;

/** One Graph subscription as ops see it. No clientState, no keys. */
public record SubscriptionView(
        String subscriptionId,
        String integrationId,
        String resource,
        String changeTypes,
        String notificationUrl,
        String state,
        Instant expiresAt,
        Instant createdAt,
        Instant lastRenewedAt,
        int renewalCount,
        int failureCount,
        String lastError,
        Instant nextAttemptAt,
        String encryptionCertificateId,
        Instant lastNotificationAt) {}
