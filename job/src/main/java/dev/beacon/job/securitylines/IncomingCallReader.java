package dev.beacon.job.securitylines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.ControlCharacters;
import dev.beacon.job.ingest.SourceRef;

/**
 * Reads the {@code data} of an Azure Communication Services {@code Microsoft.Communication.IncomingCall} event (same
 * in the Event Grid and the CloudEvents schema) into an {@link IncomingCall}, or says why it cannot be used. Pure.
 *
 * <p>Who was called ({@code data.to}) is required: it decides whether the call is to a security line. The caller
 * may be absent (a withheld number is still a call to the line). Identifiers are the communication identifiers'
 * {@code rawId}, else derived from their kind ({@code phoneNumber.value} gives {@code 4:<number>}). Unknown members
 * are ignored. The opaque {@code incomingCallContext} is never read.
 */
public final class IncomingCallReader {

    /** The Event Grid / CloudEvents type of the events read here. */
    public static final String EVENT_TYPE = "Microsoft.Communication.IncomingCall";

    private IncomingCallReader() {}

    /** The call, or why it is a dead letter. */
    public sealed interface Result permits Read, Rejected {}

    public record Read(IncomingCall call) implements Result {}

    /** @param detail names the member at fault; never its value */
    public record Rejected(DeadLetterReason reason, String detail) implements Result {}

    /**
     * @param eventId     the event's {@code id}
     * @param acsResource the event's {@code topic} (Event Grid) or {@code source} (CloudEvents); may be null
     * @param timeMillis  the event's time; 0 when absent (then the record's timestamp stands in)
     */
    public static Result read(SourceRef source, String eventId, String acsResource, long timeMillis, JsonNode data) {
        try {
            return new Read(call(source, eventId, acsResource, timeMillis, data));
        } catch (Reject r) {
            return new Rejected(DeadLetterReason.INVALID_INCOMING_CALL, r.getMessage());
        }
    }

    private static IncomingCall call(SourceRef source, String eventId, String acsResource, long timeMillis,
            JsonNode data) throws Reject {
        if (data == null || !data.isObject()) {
            throw new Reject("data is " + kind(data) + ", not an object");
        }
        String to = rawId(data, "to");
        if (to == null) {
            throw new Reject("data.to has no rawId and no phone number");
        }
        String from = rawId(data, "from");
        String phone = text(data.path("from").path("phoneNumber"), "value", "data.from.phoneNumber.");
        if (phone == null && from != null && from.startsWith("4:")) {
            phone = from.substring(2);
        }
        long at = timeMillis > 0 ? timeMillis : Math.max(0L, source.ingestedAtMillis());
        if (at <= 0) {
            throw new Reject("no event time and no record timestamp");
        }
        return new IncomingCall(source, eventId, acsResource, to, from, phone,
                displayName(data.get("callerDisplayName")), text(data, "correlationId", "data."),
                text(data, "serverCallId", "data."), at);
    }

    /** {@code data.<party>.rawId}, else {@code 4:} and its phone number, else its ACS user id; null when none. */
    private static String rawId(JsonNode data, String party) throws Reject {
        JsonNode p = data.get(party);
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isObject()) {
            throw new Reject("data." + party + " is " + kind(p) + ", not an object");
        }
        String prefix = "data." + party + ".";
        String raw = text(p, "rawId", prefix);
        if (raw != null) {
            return raw;
        }
        String phone = text(p.path("phoneNumber"), "value", prefix + "phoneNumber.");
        if (phone != null) {
            return "4:" + phone;
        }
        return text(p.path("communicationUser"), "id", prefix + "communicationUser.");
    }

    /** A string member without control characters; null when absent, null or blank. */
    private static String text(JsonNode node, String field, String prefix) throws Reject {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Reject(prefix + field + " is " + kind(v) + ", not a string");
        }
        String value = v.textValue().strip();
        String bad = ControlCharacters.describeFirst(value);
        if (bad != null) {
            throw new Reject(prefix + field + " contains " + bad);
        }
        return value.isEmpty() ? null : value;
    }

    /** A name for people: control characters dropped rather than failing the call over them. */
    private static String displayName(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return null;
        }
        String value = v.textValue().codePoints().filter(cp -> Character.getType(cp) != Character.CONTROL)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return value.isEmpty() ? null : value;
    }

    private static String kind(JsonNode node) {
        if (node == null) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case BINARY -> "binary";
            case NULL, MISSING -> "null";
        };
    }

    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;

        Reject(String detail) {
            super(detail, null, false, false);
        }
    }
}
