package dev.beacon.control.ops;

import java.time.Instant;
import java.util.List;

/**
 * {@code /api/status} and {@code beaconctl status}: everything ops need to see at a glance, from the database
 * (so every replica reports the same), plus which replica answered.
 */
public record StatusReport(
        Instant generatedAt,
        String replicaId,
        List<IntegrationView> integrations,
        List<TokenView> tokens,
        List<SubscriptionView> subscriptions,
        List<GapView> openGaps,
        List<CertificateView> certificates) {}
