package dev.beacon.control.ops;

import java.time.Instant;
import java.util.List;

/**
 * @param leader   the replica that currently reconciles it (lease holder), or null
 * @param needsHuman true when an operator must act (sign in again, consent, quota)
 * @param emergencyPolicies the emergency calling policies it receives Graph emergency call events for
 * @param backfillUsers the users whose chats the backfill lists for a tenant-wide subscription (object ids or UPNs)
 * @param flags    conditions ops must see besides the status, e.g. {@code backfill-uncovered} (a tenant-wide
 *                 subscription whose lost notifications nothing recovers)
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
        List<String> emergencyPolicies,
        List<String> backfillUsers,
        List<String> flags) {

    public IntegrationView {
        emergencyPolicies = emergencyPolicies == null ? List.of() : emergencyPolicies;
        backfillUsers = backfillUsers == null ? List.of() : backfillUsers;
        flags = flags == null ? List.of() : flags;
    }

    /** Without backfill users and flags. */
    public IntegrationView(String id, String displayName, String tenantId, String clientId, String authMode,
                           String status, String statusDetail, boolean needsHuman, String leader,
                           List<DesiredSubscriptionView> desired, Instant updatedAt, List<String> emergencyPolicies) {
        this(id, displayName, tenantId, clientId, authMode, status, statusDetail, needsHuman, leader, desired,
                updatedAt, emergencyPolicies, List.of(), List.of());
    }

    /** Without emergency policies. */
    public IntegrationView(String id, String displayName, String tenantId, String clientId, String authMode,
                           String status, String statusDetail, boolean needsHuman, String leader,
                           List<DesiredSubscriptionView> desired, Instant updatedAt) {
        this(id, displayName, tenantId, clientId, authMode, status, statusDetail, needsHuman, leader, desired,
                updatedAt, List.of(), List.of(), List.of());
    }
}
