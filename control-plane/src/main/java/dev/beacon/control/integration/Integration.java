package dev.beacon.control.integration;

import java.time.Instant;

/**
 * One connected tenant. The credential (client secret or PKCS12) is not part of this record: it stays sealed in
 * the database and is opened only by sign-in code ({@link IntegrationStore#credential}).
 *
 * @param id           slug, also the {@code org_id} in {@code /api/org/{org_id}/ms-teams/callback}
 * @param tenantId     Entra tenant id or verified domain
 * @param clientId     the app registration's application id
 * @param credentialKind {@code secret}, {@code certificate}, or null (public client)
 */
public record Integration(
        String id,
        String displayName,
        String tenantId,
        String clientId,
        AuthMode authMode,
        String credentialKind,
        IntegrationStatus status,
        String statusDetail,
        Instant createdAt,
        Instant updatedAt) {}
