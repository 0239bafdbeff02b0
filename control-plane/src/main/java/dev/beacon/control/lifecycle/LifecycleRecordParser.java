package dev.beacon.control.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads one {@code graph-lifecycle} record, as the job writes it: a JSON object with {@code source, partition,
 * offset, item_index, subscription_id, tenant_id, lifecycle_event, notification}. Only the subscription id and
 * the event are required: {@code tenant_id} may be null (the handler finds the subscription by id), and the
 * embedded Graph item is not needed here.
 */
final class LifecycleRecordParser {

    /** Either an event, or why the record is poison and a detail that never quotes its content. */
    record Parsed(LifecycleEvent event, PoisonReason poison, String detail) {
        static Parsed poison(PoisonReason reason, String detail) {
            return new Parsed(null, reason, detail);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Parsed parse(byte[] value, Instant receivedAt) {
        if (value == null || value.length == 0) {
            return Parsed.poison(PoisonReason.EMPTY_RECORD, "the record has no value");
        }
        JsonNode n;
        try {
            n = mapper.readTree(value);
        } catch (IOException e) {
            // Jackson's message quotes the input; only its position is kept.
            return Parsed.poison(PoisonReason.NOT_JSON, e instanceof JsonProcessingException j
                    && j.getLocation() != null ? "not JSON (line " + j.getLocation().getLineNr() + ", column "
                    + j.getLocation().getColumnNr() + ")" : "not JSON");
        }
        if (n == null || !n.isObject()) {
            return Parsed.poison(PoisonReason.NOT_AN_OBJECT, "JSON, but " + (n == null ? "empty" : n.getNodeType()
                    .name().toLowerCase(Locale.ROOT)) + " instead of an object");
        }
        Field subscriptionId = text(n, "subscription_id");
        if (subscriptionId.problem != null) {
            return subscriptionId.problem;
        }
        Field event = text(n, "lifecycle_event");
        if (event.problem != null) {
            return event.problem;
        }
        if (!LifecycleEvent.KNOWN_EVENTS.contains(event.value)) {
            // The name is Graph's (bounded, not secret) but may be anything in a forged record: keep it short.
            return Parsed.poison(PoisonReason.UNKNOWN_LIFECYCLE_EVENT, "lifecycle_event '"
                    + abbreviate(event.value) + "' is not one of " + LifecycleEvent.KNOWN_EVENTS);
        }
        JsonNode tenant = n.get("tenant_id");
        String tenantId = tenant != null && tenant.isTextual() && !tenant.asText().isBlank() ? tenant.asText() : null;
        return new Parsed(new LifecycleEvent(subscriptionId.value, tenantId, event.value, receivedAt), null, null);
    }

    private record Field(String value, Parsed problem) {}

    private static Field text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isTextual() && v.asText().isBlank()) {
            PoisonReason reason = field.equals("subscription_id") ? PoisonReason.MISSING_SUBSCRIPTION_ID
                    : PoisonReason.MISSING_LIFECYCLE_EVENT;
            return new Field(null, Parsed.poison(reason, field + " is missing or empty"));
        }
        if (!v.isTextual()) {
            return new Field(null, Parsed.poison(PoisonReason.INVALID_FIELD,
                    field + " is a " + v.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a string"));
        }
        return new Field(v.asText(), null);
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }
}
