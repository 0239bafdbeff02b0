package dev.beacon.job.emergencyevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.ControlCharacters;
import dev.beacon.job.ingest.SourceRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns the decrypted resource of a Graph {@code emergencyCallEvent} notification into an {@link EmergencyCallEvent},
 * or says why it cannot be used. Pure and thread-safe.
 *
 * <p>Accepts both shapes Microsoft documents: the decrypted notification sample, which wraps the event in an
 * {@code emergencyCallEvent} member next to {@code @odata.type} and {@code id}, and the bare resource representation
 * (the event's members at the top level). Tolerant where tolerance loses nothing: unknown members are ignored,
 * {@code eventDateTime} may have up to 9 fraction digits and any offset (none means UTC, as Graph documents),
 * {@code callEventType} values Beacon does not know yet are kept for the correlator to decide, and the location is
 * best effort ({@link CivicLocations}). Strict where a wrong guess would harm: an event with no caller identity or no
 * time, or ids with control characters, is rejected with a reason.
 *
 * <p>Rejection details name members, never their values: the input is decrypted content.
 */
public final class EmergencyCallEventParser {

    /** The resource path prefix of emergency call event subscriptions (Graph beta). */
    static final String RESOURCE_PREFIX = "communications/calls/getemergencyeventsbypolicy";
    private static final String ODATA_TYPE_SUFFIX = "emergencycallevent";
    private static final List<String> KNOWN_TYPES =
            List.of(EmergencyCallEvent.CALL_STARTED, EmergencyCallEvent.CALL_ENDED, EmergencyCallEvent.ROSTER_UPDATED);
    private static final String HASH_VERSION = "beacon-emergency-call-event-v1\n";

    /** ISO 8601 date-time with 0 to 9 fraction digits and an optional offset ({@code Z}, {@code +02:00}). */
    private static final DateTimeFormatter EVENT_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .toFormatter(Locale.ROOT);

    private EmergencyCallEventParser() {}

    /** The parsed event, or why it is a dead letter. */
    public sealed interface Result permits Parsed, Rejected {}

    public record Parsed(EmergencyCallEvent event) implements Result {}

    /** @param detail names the member at fault; never a value */
    public record Rejected(DeadLetterReason reason, String detail) implements Result {}

    /**
     * What the notification around the decrypted resource says.
     *
     * @param tenantId the notification's tenant ({@code tenantId}, else {@code organizationId}); null when it names
     *                 none
     */
    public record Envelope(SourceRef source, String subscriptionId, String tenantId) {}

    /**
     * Whether a Graph notification is about an emergency call event: its resource is
     * {@code communications/calls/getEmergencyEventsByPolicy(...)}, or its {@code resourceData.@odata.type} is
     * {@code #microsoft.graph.emergencyCallEvent}; both compared ignoring case.
     */
    public static boolean isEmergencyCallEvent(String resource, String odataType) {
        String r = resource == null ? "" : resource.strip().toLowerCase(Locale.ROOT);
        if (r.startsWith("/")) {
            r = r.substring(1);
        }
        String t = odataType == null ? "" : odataType.strip().toLowerCase(Locale.ROOT);
        return r.startsWith(RESOURCE_PREFIX) || t.endsWith(ODATA_TYPE_SUFFIX);
    }

    /** @param decrypted the decrypted resource, a JSON object */
    public static Result parse(JsonNode decrypted, Envelope envelope) {
        try {
            return new Parsed(read(decrypted, envelope));
        } catch (Reject r) {
            return new Rejected(r.reason, r.getMessage());
        }
    }

    private static EmergencyCallEvent read(JsonNode root, Envelope envelope) throws Reject {
        if (root == null || !root.isObject()) {
            throw invalid("the decrypted resource is not a JSON object");
        }
        JsonNode event = root;
        JsonNode wrapped = root.get("emergencyCallEvent");
        if (wrapped != null && !wrapped.isNull()) {
            if (!wrapped.isObject()) {
                throw invalid("emergencyCallEvent is " + kind(wrapped) + ", not an object");
            }
            event = wrapped;
        }
        String eventType = identifier(event, "callEventType");
        if (eventType == null) {
            throw invalid("no callEventType");
        }
        eventType = canonical(eventType);
        String eventId = firstPresent(identifier(event, "id"), identifier(root, "id"));
        long eventAt = eventTime(event);

        JsonNode caller = event.get("callerInfo");
        if (caller == null || caller.isNull()) {
            throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CALLER, "no callerInfo");
        }
        if (!caller.isObject()) {
            throw invalid("callerInfo is " + kind(caller) + ", not an object");
        }
        String upn = identifier(caller, "upn", "callerInfo.");
        String callerId = identifier(caller, "id", "callerInfo.");
        if (upn == null && callerId == null) {
            throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CALLER, "callerInfo has no upn and no id");
        }
        String tenantId = firstPresent(envelope.tenantId(), identifier(caller, "tenantId", "callerInfo."));
        if (tenantId == null) {
            throw new Reject(DeadLetterReason.MISSING_TENANT, "neither the notification nor the caller names a tenant");
        }
        return new EmergencyCallEvent(envelope.source(), envelope.subscriptionId(), tenantId, eventId, eventType,
                eventAt, text(event, "policyName"), text(event, "emergencyNumberDialed"),
                text(caller, "displayName"), upn, text(caller, "phoneNumber"), callerId,
                CivicLocations.read(caller.get("location")), contentHash(event));
    }

    /** {@code callStarted} whatever its case; a value Beacon does not know stays as sent. */
    private static String canonical(String eventType) {
        for (String known : KNOWN_TYPES) {
            if (known.equalsIgnoreCase(eventType)) {
                return known;
            }
        }
        return eventType;
    }

    private static long eventTime(JsonNode event) throws Reject {
        JsonNode v = event.get("eventDateTime");
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
            throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME, "no eventDateTime");
        }
        if (!v.isTextual()) {
            throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME,
                    "eventDateTime is " + kind(v) + ", not a string");
        }
        try {
            TemporalAccessor parsed = EVENT_TIME.parse(v.textValue().strip());
            LocalDateTime local = LocalDateTime.from(parsed);
            ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
            long millis = OffsetDateTime.of(local, offset).toInstant().toEpochMilli();
            if (millis <= 0) {
                throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME, "eventDateTime is not after 1970");
            }
            return millis;
        } catch (DateTimeException | ArithmeticException e) {
            throw new Reject(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME,
                    "eventDateTime is not an ISO 8601 date-time");
        }
    }

    /**
     * A digest of the event as decrypted (member order kept), so that a redelivery of the same event is recognised
     * whatever the encryption around it.
     */
    static String contentHash(JsonNode event) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(HASH_VERSION.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(event.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static String identifier(JsonNode node, String field) throws Reject {
        return identifier(node, field, "");
    }

    /**
     * An id-like member: a non-blank string without control characters (it ends up in keys and sinks); null when
     * absent or blank.
     */
    private static String identifier(JsonNode node, String field, String prefix) throws Reject {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(prefix + field + " is " + kind(v) + ", not a string");
        }
        String value = v.textValue().strip();
        String bad = ControlCharacters.describeFirst(value);
        if (bad != null) {
            throw invalid(prefix + field + " contains " + bad);
        }
        return value.isEmpty() ? null : value;
    }

    /** A descriptive member: string or number as text, control characters dropped; null when absent or other. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !(v.isTextual() || v.isNumber())) {
            return null;
        }
        String value = v.asText().strip();
        if (ControlCharacters.describeFirst(value) != null) {
            value = value.codePoints().filter(cp -> Character.getType(cp) != Character.CONTROL)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }
        return value.isEmpty() ? null : value;
    }

    private static String firstPresent(String first, String second) {
        return first != null ? first : second;
    }

    private static Reject invalid(String detail) {
        return new Reject(DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT, detail);
    }

    private static String kind(JsonNode node) {
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

    /** Control flow for a rejection; never escapes the parser. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;

        Reject(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
