package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of {@code emergency-call-facts} as the notifier needs it: a fact revision or a supersede record. The
 * format is the job's (FactCloudEvents: CloudEvents binary mode, {@code ce_type} header, the FactJson document as
 * the value); the control plane does not depend on the job, so this reads the documented fields itself.
 *
 * @param json the whole fact document, as published (ids and fact fields only: the job never publishes content)
 */
public record AlertFact(String factId, String supersededBy, String tenantId, int revision, boolean testCall,
                        Instant detectedAt, List<String> supersedes, ObjectNode json) {

    public static final String TYPE = "dev.beacon.emergency-call.v1";
    public static final String SUPERSEDED_TYPE = "dev.beacon.emergency-call.superseded.v1";
    /** The emergency number Teams uses for test calls in the US ("933" reads back the dispatchable location). */
    static final String TEST_NUMBER = "933";

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean isSupersede() {
        return supersededBy != null;
    }

    /** A field of the fact as text, or null. */
    public String text(String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Why a record is not a fact; the message names a field, never a value. */
    public static final class NotAFact extends Exception {
        NotAFact(String message) {
            super(message);
        }
    }

    /** Reads a record of the facts topic. */
    public static AlertFact read(ConsumerRecord<byte[], byte[]> record) throws NotAFact {
        String type = header(record, "ce_type");
        if (!TYPE.equals(type) && !SUPERSEDED_TYPE.equals(type)) {
            throw new NotAFact(type == null ? "no ce_type header" : "unexpected ce_type");
        }
        if (record.value() == null || record.value().length == 0) {
            throw new NotAFact("no value");
        }
        JsonNode n;
        try {
            n = JSON.readTree(record.value());
        } catch (IOException e) {
            throw new NotAFact("value is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new NotAFact("value is not a JSON object");
        }
        ObjectNode o = (ObjectNode) n;
        String factId = text(o, "fact_id");
        if (factId == null || factId.isBlank() || factId.length() > 200) {
            throw new NotAFact("no fact_id");
        }
        String tenant = text(o, "tenant_id");
        if (SUPERSEDED_TYPE.equals(type)) {
            String by = text(o, "superseded_by");
            if (by == null || by.isBlank() || by.length() > 200) {
                throw new NotAFact("supersede record without superseded_by");
            }
            return new AlertFact(factId, by, tenant, 0, false, null, List.of(), o);
        }
        if (!o.path("revision").canConvertToInt() || !o.path("revision").isIntegralNumber()) {
            throw new NotAFact("no integer revision");
        }
        if (tenant == null) {
            throw new NotAFact("no tenant_id");
        }
        Instant detected;
        try {
            String d = text(o, "detected_at");
            detected = d == null ? null : Instant.parse(d);
        } catch (DateTimeParseException e) {
            throw new NotAFact("detected_at is not an ISO-8601 instant");
        }
        List<String> supersedes = new ArrayList<>();
        o.path("supersedes").forEach(s -> supersedes.add(s.asText()));
        boolean test = o.path("is_test_call").asBoolean(false) || TEST_NUMBER.equals(text(o, "dialed_number"));
        return new AlertFact(factId, null, tenant, o.get("revision").intValue(), test, detected,
                List.copyOf(supersedes), o);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
