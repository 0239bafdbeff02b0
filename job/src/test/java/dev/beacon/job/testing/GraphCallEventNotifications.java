package dev.beacon.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Graph emergency call event notifications as Graph delivers them (the documented shape, rich: the event encrypted
 * for the test key), for topology tests that send them through triage with the chat notifications.
 */
public final class GraphCallEventNotifications {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphCallEventNotifications() {}

    /** One notification item (for {@link GraphPayloads#collection}) of one emergency call event. */
    public static String item(String subscriptionId, String clientState, String tenantId, String eventId,
            String eventType, long eventAtMillis, String upn, String dialed, TestKeys keys) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", eventId).put("callEventType", eventType).put("policyName", "EmergencyPolicy")
                .put("eventDateTime", Instant.ofEpochMilli(eventAtMillis).toString())
                .put("emergencyNumberDialed", dialed);
        ObjectNode caller = event.putObject("callerInfo");
        caller.put("displayName", "Caller from Graph").put("upn", upn).put("phoneNumber", "+15550100")
                .put("tenantId", tenantId);
        ObjectNode address = caller.putObject("location").putObject("address");
        address.put("street", "Microsoft Way").put("city", "Redmond").put("state", "WA")
                .put("countryOrRegion", "United States").put("postalCode", "98052");
        ObjectNode decrypted = JSON.createObjectNode();
        String resource = "communications/calls/getEmergencyEventsByPolicy(policyName='EmergencyPolicy')";
        decrypted.put("@odata.id", resource).put("@odata.type", "#microsoft.graph.emergencyCallEvent")
                .put("id", eventId).set("emergencyCallEvent", event);

        ObjectNode item = JSON.createObjectNode();
        item.put("subscriptionId", subscriptionId).put("clientState", clientState).put("changeType", "updated")
                .put("tenantId", tenantId).put("resource", resource)
                .put("subscriptionExpirationDateTime", "2030-01-01T00:00:00Z");
        item.putObject("resourceData").put("@odata.id", resource)
                .put("@odata.type", "#microsoft.graph.emergencyCallEvent").put("id", eventId);
        item.put("organizationId", tenantId);
        EncryptedContent c = GraphEncryption.encrypt(decrypted.toString().getBytes(StandardCharsets.UTF_8), keys,
                keys.certificateId());
        item.putObject("encryptedContent").put("data", c.data()).put("dataSignature", c.dataSignature())
                .put("dataKey", c.dataKey()).put("encryptionCertificateId", c.encryptionCertificateId())
                .put("encryptionCertificateThumbprint", c.encryptionCertificateThumbprint());
        return item.toString();
    }
}
