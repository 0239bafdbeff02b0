package dev.beacon.job.decode;

import dev.beacon.contracts.crypto.EncryptedContent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.ingest.SourceRef;
import java.util.List;

/**
 * One Graph change notification, decoded from a bare Graph collection or from a CloudEvent, but not yet
 * authenticated ({@code clientState} and {@code encryptedContent} are verified by the next stage).
 *
 * <p>Three kinds share this shape: subscription validation records ({@link #isValidation()}), lifecycle
 * notifications ({@link #isLifecycle()}, {@code lifecycleEvent} one of {@link #LIFECYCLE_EVENTS}) and resource
 * notifications (everything else; {@code changeType} one of {@link #CHANGE_TYPES}). Both enumerations are matched
 * ignoring ASCII case only and stored in the canonical spelling; whitespace, control or other characters make the
 * notification invalid. No id or enumerated field holds a control character.
 *
 * @param channel                {@link #GRAPH} or {@link #CLOUDEVENTS}: how the notification was delivered;
 *                               {@link #FETCHED} for a message the control plane fetched (see {@code FetchedRecords})
 * @param clientState            the secret the subscription was created with, as presented; never printed
 * @param tenantId               {@code tenantId}, else {@code organizationId}, else
 *                               {@code resourceData.organizationId}, else the {@code tenants/{id}} segment of
 *                               {@code resource}, else that of the CloudEvent's {@code source}
 *                               ({@code /tenants/{id}/applications/...}); null when none names it
 * @param chatId                 the chat (or channel) id from {@code resource} or {@code resourceData.@odata.id};
 *                               null when the resource is not a chat or channel message
 * @param messageId              the message (or reply) id from the same, else {@code resourceData.id}
 * @param odataType              {@code resourceData.@odata.type} as received; its casing varies
 * @param subscriptionExpiration {@code subscriptionExpirationDateTime} as received
 * @param encryptedContent       present on rich notifications only
 * @param cloudEventId           the CloudEvent's {@code id}; null for the graph channel
 * @param cloudEventType         the CloudEvent's {@code type}; null for the graph channel
 * @param cloudEventTimeMillis   the CloudEvent's {@code time}; 0 when absent or for the graph channel
 * @param node                   the item as received, only for building dead letters; never printed
 */
public record ChangeNotification(
        SourceRef source,
        String channel,
        String subscriptionId,
        String changeType,
        String clientState,
        String tenantId,
        String resource,
        String chatId,
        String messageId,
        String odataType,
        String lifecycleEvent,
        String subscriptionExpiration,
        EncryptedContent encryptedContent,
        String cloudEventId,
        String cloudEventType,
        long cloudEventTimeMillis,
        JsonNode node) {

    public static final String GRAPH = "graph";
    public static final String CLOUDEVENTS = "cloudevents";
    public static final String FETCHED = "fetched";

    public static final List<String> CHANGE_TYPES = List.of("created", "updated", "deleted");
    public static final List<String> LIFECYCLE_EVENTS =
            List.of("reauthorizationRequired", "subscriptionRemoved", "missed");

    /** The {@code subscriptionId} (and most other fields) of the record Graph writes when a subscription starts. */
    public static final String VALIDATION_PLACEHOLDER = "NA";

    public boolean isValidation() {
        return isValidation(subscriptionId, changeType);
    }

    static boolean isValidation(String subscriptionId, String changeType) {
        return VALIDATION_PLACEHOLDER.equals(subscriptionId)
                || (changeType != null && changeType.startsWith("Validation:"));
    }

    public boolean isLifecycle() {
        return lifecycleEvent != null;
    }

    /**
     * Whether the notification carries the resource itself (a rich notification). Without it Beacon cannot judge
     * the message and it needs hydration.
     */
    public boolean hasResourceData() {
        return encryptedContent != null;
    }

    @Override
    public String toString() {
        return "ChangeNotification{" + source + " " + channel + ", subscription=" + subscriptionId + ", "
                + (isLifecycle() ? "lifecycle=" + lifecycleEvent : "changeType=" + changeType) + ", tenant="
                + tenantId + ", chat=" + chatId + ", message=" + messageId + ", encrypted=" + hasResourceData()
                + (cloudEventId == null ? "" : ", cloudEvent=" + cloudEventId) + "}";
    }
}
