package dev.beacon.control.ops;

import java.util.List;

/**
 * A request to connect a tenant.
 *
 * @param authMode       {@code device-code}, {@code auth-code} or {@code client-credentials}
 * @param credentialKind {@code secret} or {@code certificate}; null for device-code
 * @param credential     the client secret, or base64 of a PKCS12 for a certificate (the PKCS12's password is
 *                       {@code credentialPassword}); sealed on arrival and never returned
 * @param subscriptions  the desired subscriptions; empty means the default (all chats of the signed-in user)
 * @param emergencyPolicies Teams emergency calling policies to receive Graph emergency call events for (app-only
 *                       integrations only); null or empty: none
 * @param backfillUsers  users (object ids or UPNs) whose chats the backfill lists for a tenant-wide
 *                       {@code /chats/getAllMessages} subscription (app-only integrations only); null or empty: none
 */
public record NewIntegration(
        String id,
        String displayName,
        String tenantId,
        String clientId,
        String authMode,
        String credentialKind,
        String credential,
        String credentialPassword,
        List<DesiredSubscriptionView> subscriptions,
        List<String> emergencyPolicies,
        List<String> backfillUsers) {

    /** Without backfill users. */
    public NewIntegration(String id, String displayName, String tenantId, String clientId, String authMode,
                          String credentialKind, String credential, String credentialPassword,
                          List<DesiredSubscriptionView> subscriptions, List<String> emergencyPolicies) {
        this(id, displayName, tenantId, clientId, authMode, credentialKind, credential, credentialPassword,
                subscriptions, emergencyPolicies, List.of());
    }

    /** Without emergency policies. */
    public NewIntegration(String id, String displayName, String tenantId, String clientId, String authMode,
                          String credentialKind, String credential, String credentialPassword,
                          List<DesiredSubscriptionView> subscriptions) {
        this(id, displayName, tenantId, clientId, authMode, credentialKind, credential, credentialPassword,
                subscriptions, List.of(), List.of());
    }

    @Override
    public String toString() {
        return "NewIntegration[id=" + id + ", tenant=" + tenantId + ", client=" + clientId + ", mode=" + authMode
                + ", credential=" + (credential == null ? "none" : "(sealed)") + "]";
    }
}
