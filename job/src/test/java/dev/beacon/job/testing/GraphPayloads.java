package dev.beacon.job.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.ingest.RawRecord;
import java.nio.charset.StandardCharsets;

/** Notification JSON as Graph (or Event Grid) writes it, built with Jackson so every value is escaped correctly. */
public final class GraphPayloads {

    public static final String TOPIC = "graph-notifications";
    public static final long RECORD_OFFSET = 42;
    public static final long RECORD_TIMESTAMP = 1_729_760_713_464L;
    public static final String EXPIRATION = "2024-10-25T13:11:15-08:00";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphPayloads() {}

    /** A Graph notification collection: {@code {"value":[items...]}}. */
    public static String collection(String... itemJson) {
        return "{\"value\":[" + String.join(",", itemJson) + "]}";
    }

    /** The record Graph writes to Event Hubs when a subscription is created. */
    public static String validationRecord() {
        return collection(validationItem());
    }

    /** The single item of {@link #validationRecord()}. */
    public static String validationItem() {
        return "{\"subscriptionId\":\"NA\",\"subscriptionExpirationDateTime\":\"NA\",\"clientState\":\"NA\","
                + "\"changeType\":\"Validation: Testing client application reachability for subscription Request-Id:"
                + " 522a8e7e-3f2b-4b1e-8f5e-2a6b5f0c1d9e\",\"resource\":\"NA\","
                + "\"resourceData\":{\"@odata.type\":\"NA\",\"@odata.id\":\"NA\",\"id\":\"NA\"}}";
    }

    /** A chatMessage notification; {@code encrypted} null makes it a basic (content-less) one. */
    public static String chatMessageItem(String subscriptionId, String changeType, String clientState, String tenantId,
            String chatId, String messageId, EncryptedContent encrypted) {
        String resource = "chats('" + chatId + "')/messages('" + messageId + "')";
        ObjectNode item = JSON.createObjectNode()
                .put("subscriptionId", subscriptionId)
                .put("changeType", changeType)
                .put("clientState", clientState)
                .put("subscriptionExpirationDateTime", EXPIRATION)
                .put("resource", resource);
        item.putObject("resourceData")
                .put("id", messageId)
                .put("@odata.type", "#Microsoft.Graph.chatMessage")
                .put("@odata.id", resource);
        if (encrypted == null) {
            item.putNull("encryptedContent");
        } else {
            item.putObject("encryptedContent")
                    .put("data", encrypted.data())
                    .put("dataSignature", encrypted.dataSignature())
                    .put("dataKey", encrypted.dataKey())
                    .put("encryptionCertificateId", encrypted.encryptionCertificateId())
                    .put("encryptionCertificateThumbprint", encrypted.encryptionCertificateThumbprint());
        }
        item.put("tenantId", tenantId);
        return write(item);
    }

    /** A lifecycle notification: {@code subscriptionRemoved}, {@code missed} or {@code reauthorizationRequired}. */
    public static String lifecycleItem(String subscriptionId, String tenantId, String clientState, String event) {
        return write(JSON.createObjectNode()
                .put("subscriptionId", subscriptionId)
                .put("subscriptionExpirationDateTime", EXPIRATION)
                .put("tenantId", tenantId)
                .put("clientState", clientState)
                .put("lifecycleEvent", event));
    }

    /** A structured-mode CloudEvent as an Event Grid partner topic delivers it, with {@code dataJson} as its data. */
    public static String cloudEvent(String id, String type, String source, String dataJson) {
        try {
            ObjectNode event = JSON.createObjectNode()
                    .put("specversion", "1.0")
                    .put("id", id)
                    .put("type", type)
                    .put("source", source)
                    .put("subject", "chats/messages")
                    .put("time", "2024-10-24T09:05:13.464Z")
                    .put("datacontenttype", "application/json");
            event.set("data", JSON.readTree(dataJson));
            return write(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("dataJson is not JSON", e);
        }
    }

    /** A CloudEvents batch: a JSON array of structured events. */
    public static String cloudEventBatch(String... eventJson) {
        return "[" + String.join(",", eventJson) + "]";
    }

    /** A Kafka record of the notifications topic; headers as {@code name, value, name, value...}. */
    public static RawRecord record(String value, String... headers) {
        return record(value.getBytes(StandardCharsets.UTF_8), headers);
    }

    public static RawRecord record(byte[] value, String... headers) {
        return new RawRecord(TOPIC, 0, RECORD_OFFSET, RECORD_TIMESTAMP, null, headers, value);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
