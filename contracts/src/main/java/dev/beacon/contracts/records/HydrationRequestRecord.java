package dev.beacon.contracts.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record on {@code graph-needs-hydration}: an authenticated notification without resource data. The job writes
 * it; the control plane fetches the message ({@code GET /chats/{chat}/messages/{id}}) and publishes it back as a
 * {@link dev.beacon.contracts.fetched.FetchedMessage}.
 *
 * @param source      where the job read the notification (topic, or capture file name); with partition, offset and
 *                    itemIndex it identifies the notification
 * @param resource    Graph's {@code resource}, e.g. {@code chats('19:…')/messages('1700…')}
 */
public record HydrationRequestRecord(
        String source, int partition, long offset, int itemIndex,
        String subscriptionId, String tenantId, String changeType, String resource, String chatId,
        String messageId) {

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("source", source);
        n.put("partition", partition);
        n.put("offset", offset);
        n.put("item_index", itemIndex);
        n.put("subscription_id", subscriptionId);
        n.put("tenant_id", tenantId);
        n.put("change_type", changeType);
        n.put("resource", resource);
        n.put("chat_id", chatId);
        n.put("message_id", messageId);
        return n;
    }

    /** Parses one record; chat and message ids are required (without them there is nothing to fetch). */
    public static HydrationRequestRecord fromJson(JsonNode n) throws ContractFormatException {
        if (n == null || !n.isObject()) {
            throw new ContractFormatException("a hydration request is a JSON object");
        }
        return new HydrationRequestRecord(
                Fields.optionalText(n, "source"),
                (int) Fields.optionalLong(n, "partition", -1),
                Fields.optionalLong(n, "offset", -1),
                (int) Fields.optionalLong(n, "item_index", -1),
                Fields.optionalText(n, "subscription_id"),
                Fields.optionalText(n, "tenant_id"),
                Fields.optionalText(n, "change_type"),
                Fields.optionalText(n, "resource"),
                Fields.requiredText(n, "chat_id"),
                Fields.requiredText(n, "message_id"));
    }
}
