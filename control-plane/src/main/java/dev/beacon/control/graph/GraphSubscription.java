package dev.beacon.control.graph;

import java.time.Instant;

/**
 * A subscription as Graph returns it. {@code clientState} is only echoed by some calls (create) and may be null;
 * it is never shown by {@code toString}.
 */
public record GraphSubscription(
        String id,
        String resource,
        String changeType,
        String notificationUrl,
        String lifecycleNotificationUrl,
        Instant expirationDateTime,
        boolean includeResourceData,
        String encryptionCertificateId,
        String applicationId,
        String creatorId,
        String clientState) {

    /** Same resource, change types and notification URL: what Graph treats as a duplicate (409). */
    public boolean sameTarget(String otherResource, String otherChangeType, String otherNotificationUrl) {
        return resource != null && resource.equalsIgnoreCase(otherResource)
                && changeType != null && changeType.equalsIgnoreCase(otherChangeType)
                && notificationUrl != null && notificationUrl.equals(otherNotificationUrl);
    }

    @Override
    public String toString() {
        return "GraphSubscription[id=" + id + ", resource=" + resource + ", changeType=" + changeType
                + ", expires=" + expirationDateTime + ", certificate=" + encryptionCertificateId + "]";
    }
}
