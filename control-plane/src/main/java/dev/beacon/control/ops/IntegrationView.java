package dev.beacon.control.ops;

import java.time.Instant;
import java.util.List;

/**
 * @param leader   the replica that currently reconciles it (lease holder), or null
 * @param needsHuman true when an operator must act (sign in again, consent, quota)
 * @param emergencyPolicies the emergency calling policies it receives Graph emergency call events for
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
        Instant updatedAt,
        List<String> emergencyPolicies) {

    /** Without emergency policies. */
    public IntegrationView(String id, String displayName, String tenantId, String clientId, String authMode,
                           String status, String statusDetail, boolean needsHuman, String leader,
                           List<DesiredSubscriptionView> desired, Instant updatedAt) {
        this(id, displayName, tenantId, clientId, authMode, status, statusDetail, needsHuman, leader, desired,
                updatedAt, List.of());
    }
}
