package dev.beacon.control.ops;

import java.time.Instant;
import java.util.List;

/**
 * @param leader   the replica that currently reconciles it (lease holder), or null
 * @param needsHuman true when an operator must act (sign in again, consent, quota)
 */
public record IntegrationView(
        String id,
        String displayName,
        String tenantId,
        String clientId,
        String authMode,
        String status,
        String statusDetail,
        boolean needsHuman,
        String leader,
        List<DesiredSubscriptionView> desired,
        Instant updatedAt) {}
