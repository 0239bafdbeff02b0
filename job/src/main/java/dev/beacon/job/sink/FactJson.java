package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.MessageRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;

/**
 * The one place that maps an {@link EmergencyCallFact} to the JSON Beacon publishes (Kafka, JSON Lines) and back.
 * Field names are the snake_case column names of {@code emergency_call}; timestamps are ISO-8601 UTC strings.
 *
 * <p>Optional fields are JSON {@code null}: {@code ended_at} and {@code duration_seconds} until the call ended,
 * {@code location} without a structured location ({@link LocationJson}), caller and security-line fields no feed
 * supplied. {@code kind} is {@code emergency} or {@code security-line}.
 *
 * <p>A supersede record ({@link EmergencyCallFact#isSupersede()}) is a short document: {@code fact_id},
 * {@code superseded_by}, {@code tenant_id}, {@code caller_user_id}, {@code updated_at}.
 *
 * <p>{@code message_refs} deliberately leaves out {@code contentHash}: it is a digest of the chat content, internal
 * to deduplication, and published facts carry ids only.
 */
public final class FactJson {

    private FactJson() {}

    public static ObjectNode toJson(EmergencyCallFact f, ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("fact_id", f.factId);
        if (f.isSupersede()) {
            // "This id was a provisional name of that call": consumers drop the id and follow superseded_by.
            n.put("superseded_by", f.supersededBy);
            n.put("tenant_id", f.tenantId);
            n.put("caller_user_id", f.callerUserId);
            n.put("updated_at", iso(f.updatedAtMillis));
            return n;
        }
        n.put("kind", f.kind == null ? EmergencyCallFact.KIND_EMERGENCY : f.kind);
        n.put("tenant_id", f.tenantId);
        n.put("caller_user_id", f.callerUserId);
        n.put("caller_display_name", f.callerDisplayName);
        n.put("caller_upn", f.callerUpn);
        n.put("caller_phone_number", f.callerPhoneNumber);
        n.put("caller_department", f.callerDepartment);
        n.put("caller_job_title", f.callerJobTitle);
        n.put("caller_office_location", f.callerOfficeLocation);
        n.put("dialed_number", f.dialedNumber);
        n.put("is_test_call", f.testCall);
        n.put("policy_name", f.policyName);
        n.put("location_text", f.locationText);
        n.set("location", LocationJson.toJson(f.location, m));
        n.put("call_started_at", iso(f.callStartedAtMillis));
        n.put("call_started_at_inferred", f.callStartedAtInferred);
        n.put("ended_at", f.endedAtMillis == 0 ? null : iso(f.endedAtMillis));
        n.put("duration_seconds", f.durationSeconds < 0 ? null : f.durationSeconds);
        n.put("called_line", f.calledLine);
        n.put("called_line_name", f.calledLineName);
        n.put("correlation_id", f.correlationId);
        n.put("server_call_id", f.serverCallId);
        n.put("detected_at", iso(f.detectedAtMillis));
        n.put("updated_at", iso(f.updatedAtMillis));
        n.put("notification_count", f.notificationCount);
        n.put("deleted_count", f.deletedCount);
        n.put("revision", f.revision);
        ArrayNode sources = n.putArray("sources");
        if (f.sources != null) {
            f.sources.forEach(sources::add);
        }
        n.set("message_refs", messageRefs(f, m));
        ArrayNode supersedes = n.putArray("supersedes");
        if (f.supersedes != null) {
            f.supersedes.forEach(supersedes::add);
        }
        return n;
    }

    /** The {@code message_refs} array alone; the PostgreSQL sink stores it as jsonb. */
    public static ArrayNode messageRefs(EmergencyCallFact f, ObjectMapper m) {
        ArrayNode refs = m.createArrayNode();
        if (f.messages == null) {
            return refs;
        }
        for (MessageRef r : f.messages) {
            ObjectNode ref = refs.addObject();
            ref.put("chat_id", r.chatId);
            ref.put("message_id", r.messageId);
            ref.put("subscription_id", r.subscriptionId);
            // 0 means "unknown" in the model; the epoch would read as a real (and absurd) time.
            ref.put("created_at", r.createdAtMillis == 0 ? null : iso(r.createdAtMillis));
            ref.put("deleted", r.deleted);
        }
        return refs;
    }

    /**
     * The fact a {@link #toJson} document describes (for tests and replay tooling). {@code contentHash} of each
     * message comes back null because it is never published.
     *
     * @throws IllegalArgumentException if the document is not a fact (missing id or revision, bad timestamp);
     *     the message names the field, never its value
     */
    public static EmergencyCallFact fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("fact JSON must be an object");
        }
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = requiredText(n, "fact_id");
        f.supersededBy = text(n, "superseded_by");
        f.tenantId = text(n, "tenant_id");
        if (f.isSupersede()) {
            f.callerUserId = text(n, "caller_user_id");
            f.updatedAtMillis = millis(n, "updated_at");
            return f;
        }
        // Documents written before issue 10 have no kind: they were all emergency calls.
        String kind = text(n, "kind");
        f.kind = kind == null ? EmergencyCallFact.KIND_EMERGENCY : kind;
        f.callerUserId = text(n, "caller_user_id");
        f.callerDisplayName = text(n, "caller_display_name");
        f.callerUpn = text(n, "caller_upn");
        f.callerPhoneNumber = text(n, "caller_phone_number");
        f.callerDepartment = text(n, "caller_department");
        f.callerJobTitle = text(n, "caller_job_title");
        f.callerOfficeLocation = text(n, "caller_office_location");
        f.dialedNumber = text(n, "dialed_number");
        f.testCall = n.path("is_test_call").asBoolean(false);
        f.policyName = text(n, "policy_name");
        f.locationText = text(n, "location_text");
        f.location = LocationJson.fromJson(n.get("location"));
        f.callStartedAtMillis = millis(n, "call_started_at");
        f.callStartedAtInferred = n.path("call_started_at_inferred").asBoolean(false);
        f.endedAtMillis = millis(n, "ended_at");
        JsonNode duration = n.get("duration_seconds");
        if (duration == null || duration.isNull()) {
            f.durationSeconds = -1;
        } else if (duration.canConvertToLong() && duration.isIntegralNumber()) {
            f.durationSeconds = duration.longValue();
        } else {
            throw new IllegalArgumentException("fact JSON field duration_seconds is not an integer");
        }
        f.calledLine = text(n, "called_line");
        f.calledLineName = text(n, "called_line_name");
        f.correlationId = text(n, "correlation_id");
        f.serverCallId = text(n, "server_call_id");
        f.detectedAtMillis = millis(n, "detected_at");
        f.updatedAtMillis = millis(n, "updated_at");
        f.notificationCount = n.path("notification_count").asInt(0);
        f.deletedCount = n.path("deleted_count").asInt(0);
        if (!n.path("revision").canConvertToInt()) {
            throw new IllegalArgumentException("fact JSON has no integer revision");
        }
        f.revision = n.get("revision").intValue();
        f.sources = new ArrayList<>();
        for (JsonNode s : n.path("sources")) {
            f.sources.add(s.asText());
        }
        f.messages = new ArrayList<>();
        for (JsonNode r : n.path("message_refs")) {
            MessageRef ref = new MessageRef(text(r, "chat_id"), text(r, "message_id"), text(r, "subscription_id"),
                    millis(r, "created_at"), null);
            ref.deleted = r.path("deleted").asBoolean(false);
            f.messages.add(ref);
        }
        f.supersedes = new ArrayList<>();
        for (JsonNode id : n.path("supersedes")) {
            f.supersedes.add(id.asText());
        }
        return f;
    }

    /** Epoch millis as an ISO-8601 UTC string, e.g. {@code 2024-05-01T10:15:30.250Z}. */
    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String requiredText(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null) {
            throw new IllegalArgumentException("fact JSON has no " + field);
        }
        return v;
    }

    /** An ISO timestamp field as epoch millis; absent or null means 0 ("unknown"), as in the model. */
    private static long millis(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null) {
            return 0;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("fact JSON field " + field + " is not an ISO-8601 instant");
        }
    }
}
