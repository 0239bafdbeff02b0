package dev.beacon.job.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Azure events in the Event Grid schema ({@code id}, {@code topic}, {@code subject}, {@code eventType},
 * {@code eventTime}, {@code data}, {@code dataVersion}, {@code metadataVersion}), what Azure Communication Services
 * writes to Event Hubs by default, and how Azure events are told apart from Graph's notifications: by their type.
 */
final class EventGridEvents {

    private static final String GRAPH_TYPE_PREFIX = "Microsoft.Graph.";
    private static final String ACS_TYPE_PREFIX = "Microsoft.Communication.";

    private EventGridEvents() {}

    /** The members Beacon uses; {@code topic} may be null, {@code data} never is. */
    record Envelope(String id, String type, String topic, long timeMillis, JsonNode data) {}

    /** An event that breaks the schema; the message names the member, never its value. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String detail) {
            super(detail, null, false, false);
        }
    }

    /** An object with {@code eventType} and neither {@code specversion} (CloudEvents) nor {@code value} (Graph). */
    static boolean isEventGridEvent(JsonNode node) {
        return node.isObject() && node.has("eventType") && !node.has("specversion") && !node.has("value");
    }

    /** {@code Microsoft.Graph.*}: the data is a Graph change notification. */
    static boolean isGraphType(String type) {
        return type != null && type.regionMatches(true, 0, GRAPH_TYPE_PREFIX, 0, GRAPH_TYPE_PREFIX.length());
    }

    /** {@code Microsoft.Communication.*}: an Azure Communication Services event, not a Graph notification. */
    static boolean isAzureCommunicationType(String type) {
        return type != null && type.regionMatches(true, 0, ACS_TYPE_PREFIX, 0, ACS_TYPE_PREFIX.length());
    }

    /** Checks the members Beacon relies on: {@code id}, {@code eventType}, {@code eventTime}, {@code data}. */
    static Envelope read(JsonNode event) throws Invalid {
        String id = text(event, "id", true);
        String type = text(event, "eventType", true);
        String topic = text(event, "topic", false);
        text(event, "subject", false); // optional, but a string when present
        String time = text(event, "eventTime", true);
        long timeMillis;
        try {
            timeMillis = Math.max(0L, OffsetDateTime.parse(time).toInstant().toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new Invalid("eventTime is not an RFC 3339 timestamp");
        }
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            throw new Invalid("event has no data");
        }
        return new Envelope(id, type, topic, timeMillis, data);
    }

    private static String text(JsonNode event, String name, boolean required) throws Invalid {
        JsonNode node = event.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new Invalid("missing " + name);
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new Invalid(name + " is " + kind(node) + ", not a string");
        }
        String value = node.textValue();
        if (required && value.isBlank()) {
            throw new Invalid("empty " + name);
        }
        // Ids and types end up in keys, audit rows and the database, where a control character does harm.
        String bad = ControlCharacters.describeFirst(value);
        if (bad != null) {
            throw new Invalid(name + " contains " + bad);
        }
        return value;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> "not text";
        };
    }
}
