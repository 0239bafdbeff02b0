package dev.beacon.control.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads one {@code graph-lifecycle} record, as the job writes it: a JSON object with {@code source, partition,
 * offset, item_index, subscription_id, tenant_id, lifecycle_event, notification}. Only the subscription id and
 * the event are required: {@code tenant_id} may be null (the handler finds the subscription by id), and the
 * embedded Graph item is not needed here.
 */
final class LifecycleRecordParser {

    /** Either an event or why the record is unusable (never quoting its content). */
    record Parsed(LifecycleEvent event, String problem) {
        static Parsed bad(String problem) {
            return new Parsed(null, problem);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Parsed parse(byte[] value, Instant receivedAt) {
        if (value == null || value.length == 0) {
            return Parsed.bad("empty record");
        }
        JsonNode n;
        try {
            n = mapper.readTree(value);
        } catch (IOException e) {
            return Parsed.bad("not JSON");
        }
        if (n == null || !n.isObject()) {
            return Parsed.bad("not a JSON object");
        }
        String subscriptionId = text(n, "subscription_id");
        if (subscriptionId == null) {
            return Parsed.bad("missing subscription_id");
        }
        String event = text(n, "lifecycle_event");
        if (event == null) {
            return Parsed.bad("missing lifecycle_event");
        }
        if (!LifecycleCounters.KNOWN_EVENTS.contains(event)) {
            return Parsed.bad("unknown lifecycle_event");
        }
        return new Parsed(new LifecycleEvent(subscriptionId, text(n, "tenant_id"), event, receivedAt), null);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
