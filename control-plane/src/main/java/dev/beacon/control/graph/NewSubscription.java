package dev.beacon.control.graph;

import java.time.Instant;

/**
 * The body of {@code POST /subscriptions}. {@code clientState} is a secret: {@code toString} hides it.
 *
 * @param encryptionCertificate base64 DER X.509 (public only); null unless {@code includeResourceData}
 */
public record NewSubscription(
        String resource,
        String changeType,
        String notificationUrl,
        String lifecycleNotificationUrl,
        Instant expirationDateTime,
        String clientState,
        boolean includeResourceData,
        String encryptionCertificate,
        String encryptionCertificateId) {

    @Override
    public String toString() {
        return "NewSubscription[resource=" + resource + ", changeType=" + changeType + ", notificationUrl="
                + notificationUrl + ", expires=" + expirationDateTime + ", includeResourceData=" + includeResourceData
                + ", certificate=" + encryptionCertificateId + "]";
    }
}
