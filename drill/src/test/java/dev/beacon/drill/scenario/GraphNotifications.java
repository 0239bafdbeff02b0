package dev.beacon.drill.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Graph change-notification records as Event Hubs receives them for {@code /users/{id}/chats/getAllMessages}
 * subscriptions: a {@code {"value":[...]}} collection with one rich notification whose chat message is encrypted
 * for the job's certificate. Same shapes as the job's {@code SampleStream}.
 */
public final class GraphNotifications {

    private final ObjectMapper json = new ObjectMapper();
    private final String tenantId;
    private final String clientState;
    private final DrillKeys keys;

    public GraphNotifications(String tenantId, String clientState, DrillKeys keys) {
        this.tenantId = tenantId;
        this.clientState = clientState;
        this.keys = keys;
    }

    /** The security desk's notification of an emergency call, in one desk member's chat with the caller. */
    public byte[] emergency(String subscriptionId, String chatId, String messageId, long createdAtMillis,
            String callerUserId, String callerName, String dialed, String location) {
        String html = "<div><p><b>" + callerName + "</b> has placed an Emergency Call to " + dialed + ".</p>"
                + "<p>Location: " + location + "</p></div>";
        ObjectNode m = message(chatId, messageId, createdAtMillis, html);
        m.put("importance", "high");
        from(m, callerUserId, callerName);
        return record(subscriptionId, chatId, messageId, m);
    }

    /** An ordinary chat message: the job must ignore it and keep nothing of it. */
    public byte[] chatter(String subscriptionId, String chatId, String messageId, long createdAtMillis, String text) {
        ObjectNode m = message(chatId, messageId, createdAtMillis, "<p>" + text + "</p>");
        from(m, "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "Bob Builder");
        return record(subscriptionId, chatId, messageId, m);
    }

    private byte[] record(String subscriptionId, String chatId, String messageId, ObjectNode message) {
        String resource = "chats('" + chatId + "')/messages('" + messageId + "')";
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", subscriptionId).put("changeType", "created").put("clientState", clientState)
                .put("subscriptionExpirationDateTime", "2026-11-25T09:00:00-08:00").put("resource", resource);
        n.putObject("resourceData").put("id", messageId).put("@odata.type", "#Microsoft.Graph.chatMessage")
                .put("@odata.id", resource);
        DrillKeys.Encrypted e = keys.encrypt(message.toString().getBytes(StandardCharsets.UTF_8));
        n.putObject("encryptedContent").put("data", e.data()).put("dataSignature", e.dataSignature())
                .put("dataKey", e.dataKey()).put("encryptionCertificateId", e.certificateId())
                .put("encryptionCertificateThumbprint", e.thumbprint());
        n.put("tenantId", tenantId);
        ObjectNode collection = json.createObjectNode();
        collection.putArray("value").add(n);
        return collection.toString().getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode message(String chatId, String messageId, long createdAtMillis, String html) {
        String at = Instant.ofEpochMilli(createdAtMillis).toString();
        ObjectNode m = json.createObjectNode();
        m.put("id", messageId).put("chatId", chatId).put("messageType", "message")
                .put("createdDateTime", at).put("lastModifiedDateTime", at).putNull("deletedDateTime")
                .put("importance", "normal").putNull("subject");
        m.putObject("body").put("contentType", "html").put("content", html);
        m.putArray("attachments");
        m.putArray("mentions");
        m.putArray("reactions");
        return m;
    }

    private void from(ObjectNode message, String userId, String name) {
        ObjectNode from = message.putObject("from");
        from.putNull("application");
        from.putNull("device");
        from.putObject("user").put("@odata.type", "#microsoft.graph.teamworkUserIdentity").put("id", userId)
                .put("displayName", name).put("userIdentityType", "aadUser").put("tenantId", tenantId);
    }
}
