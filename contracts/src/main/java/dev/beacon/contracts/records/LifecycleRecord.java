package dev.beacon.contracts.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record on {@code graph-lifecycle}: a Graph lifecycle notification ({@code reauthorizationRequired},
 * {@code subscriptionRemoved}, {@code missed}) the job received, for the control plane to act on. The job writes it
 * with {@code clientState} already removed from the embedded item.
 *
 * <p>Parsing is strict where the control plane acts ({@code subscription_id}, {@code lifecycle_event}: required
 * strings) and tolerant elsewhere: a {@code tenant_id} that is not a string reads as absent (the subscription is
 * found by its id), a position that is not an integer as -1, and {@code notification} is whatever JSON it holds.
 * Which events are known is the consumer's business, not the format's.
 *
 * @param source         where the job read the notification (topic, or capture file name); with partition, offset
 *                       and itemIndex it identifies the notification (-1 when absent)
 * @param subscriptionId Graph's {@code subscriptionId}
 * @param tenantId       Graph's {@code tenantId}, or null
 * @param lifecycleEvent Graph's {@code lifecycleEvent}
 * @param notification   the notification item as received (minus clientState), as JSON; a text node when the job
 *                       could not parse it; null when absent
 */
public record LifecycleRecord(
        String source, int partition, long offset, int itemIndex,
        String subscriptionId, String tenantId, String lifecycleEvent, JsonNode notification) {

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("source", source);
        n.put("partition", partition);
        n.put("offset", offset);
        n.put("item_index", itemIndex);
        n.put("subscription_id", subscriptionId);
        n.put("tenant_id", tenantId);
        n.put("lifecycle_event", lifecycleEvent);
        n.set("notification", notification == null ? m.nullNode() : notification);
        return n;
    }

    /**
     * Parses one record. {@code subscription_id} is checked before {@code lifecycle_event}, so a record lacking
     * both is reported for the former.
     *
     * @throws ContractFormatException naming the field and its {@link ContractFormatException.Problem}
     */
    public static LifecycleRecord fromJson(JsonNode n) throws ContractFormatException {
        if (n == null || !n.isObject()) {
            throw new ContractFormatException("a lifecycle record is a JSON object");
        }
        String subscriptionId = Fields.requiredText(n, "subscription_id");
        String lifecycleEvent = Fields.requiredText(n, "lifecycle_event");
        JsonNode source = n.get("source");
        JsonNode tenant = n.get("tenant_id");
        JsonNode notification = n.get("notification");
        return new LifecycleRecord(
                source != null && source.isTextual() ? source.asText() : null,
                (int) integer(n, "partition"),
                integer(n, "offset"),
                (int) integer(n, "item_index"),
                subscriptionId,
                tenant != null && tenant.isTextual() && !tenant.asText().isBlank() ? tenant.asText() : null,
                lifecycleEvent,
                notification == null || notification.isNull() ? null : notification);
    }

    /**
     * The notification item the job holds as text, as it is embedded: parsed JSON, or the text itself when it is
     * not JSON (kept rather than dropped).
     */
    public static JsonNode embed(String itemJson, ObjectMapper m) {
        if (itemJson == null) {
            return null;
        }
        try {
            JsonNode parsed = m.readTree(itemJson);
            return parsed == null ? m.getNodeFactory().textNode(itemJson) : parsed;
        } catch (JsonProcessingException e) {
            return m.getNodeFactory().textNode(itemJson);
        }
    }

    private static long integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : -1;
    }
}
