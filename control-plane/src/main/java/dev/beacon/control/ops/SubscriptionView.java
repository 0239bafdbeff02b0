package dev.beacon.control.ops;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.beacon.control.emergency.EmergencyEventResources;
import java.time.Instant;

/**
 * One Graph subscription as ops see it. No clientState, no keys. {@link #policyName()} (derived from the resource,
 * serialized as {@code policyName}) names the emergency calling policy of an emergency-call-event subscription.
 */
@JsonIgnoreProperties(value = "policyName", allowGetters = true)
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
        Instant lastNotificationAt) {

    /** The emergency calling policy of a {@code getEmergencyEventsByPolicy} subscription, else null. */
    @JsonProperty("policyName")
    public String policyName() {
        return EmergencyEventResources.policyOf(resource).orElse(null);
    }
}
