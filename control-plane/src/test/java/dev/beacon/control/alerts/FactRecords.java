package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Fact records as the job publishes them (job's FactCloudEvents and FactJson: CloudEvents binary mode, the fact
 * id as key, the fact document as value). The control plane does not depend on the job; the system module's
 * AlertFactContractTest checks that the job's own writer produces what {@link AlertFact} reads.
 */
final class FactRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    private FactRecords() {}

    /** A fact document with the fields an alert shows; tests change fields with {@link ObjectNode#put}. */
    static ObjectNode fact(String factId, String tenant, int revision, Instant detectedAt) {
        ObjectNode n = JSON.createObjectNode();
        n.put("fact_id", factId);
        n.put("kind", "emergency");
        n.put("tenant_id", tenant);
        n.put("caller_user_id", "u-adele");
        n.put("caller_display_name", "Adele Vance");
        n.put("caller_upn", "adele@contoso.example");
        n.put("caller_phone_number", "+15550101");
        n.put("caller_department", "Facilities");
        n.putNull("caller_job_title");
        n.putNull("caller_office_location");
        n.put("dialed_number", "911");
        n.put("is_test_call", false);
        n.put("policy_name", "HQ");
        n.put("location_text", "Building 1, floor 2");
        ObjectNode loc = n.putObject("location");
        loc.put("source", "teams");
        loc.put("site_id", "site-hq");
        loc.put("site_name", "Redmond HQ");
        loc.put("address", "1 Microsoft Way, Redmond");
        loc.put("building", "Building 1");
        loc.put("floor", "2");
        n.put("call_started_at", detectedAt.minusSeconds(3).toString());
        n.put("call_started_at_inferred", false);
        n.putNull("ended_at");
        n.putNull("duration_seconds");
        n.putNull("called_line");
        n.putNull("called_line_name");
        n.putNull("correlation_id");
        n.putNull("server_call_id");
        n.put("detected_at", detectedAt.toString());
        n.put("updated_at", detectedAt.toString());
        n.put("notification_count", revision);
        n.put("deleted_count", 0);
        n.put("revision", revision);
        n.putArray("sources").add("chat");
        n.putArray("message_refs").addObject().put("chat_id", "19:chat").put("message_id", "m-" + revision)
                .put("subscription_id", "s-1").put("created_at", detectedAt.toString()).put("deleted", false);
        n.putArray("supersedes");
        return n;
    }

    static ObjectNode supersedes(ObjectNode fact, List<String> ids) {
        var a = fact.putArray("supersedes");
        ids.forEach(a::add);
        return fact;
    }

    /** Publishes a revision as the job does (binary-mode CloudEvent; key = fact id). */
    static void publish(KafkaFixture kafka, String topic, ObjectNode fact) {
        String id = fact.get("fact_id").asText();
        kafka.send(topic, null, id, fact.toString().getBytes(StandardCharsets.UTF_8),
                "ce_specversion", "1.0",
                "ce_id", id + ":" + fact.get("revision").asInt(),
                "ce_source", "urn:beacon:job",
                "ce_type", AlertFact.TYPE,
                "ce_subject", id,
                "ce_time", fact.get("updated_at").asText(),
                "content-type", "application/json");
    }

    /** Publishes a supersede record: {@code provisional} now names {@code live}. */
    static void publishSupersede(KafkaFixture kafka, String topic, String provisional, String live, String tenant) {
        ObjectNode n = JSON.createObjectNode();
        n.put("fact_id", provisional);
        n.put("superseded_by", live);
        n.put("tenant_id", tenant);
        n.put("caller_user_id", "u-adele");
        n.put("updated_at", Instant.now().toString());
        kafka.send(topic, null, provisional, n.toString().getBytes(StandardCharsets.UTF_8),
                "ce_specversion", "1.0",
                "ce_id", provisional + ":superseded-by:" + live,
                "ce_source", "urn:beacon:job",
                "ce_type", AlertFact.SUPERSEDED_TYPE,
                "ce_subject", provisional,
                "ce_time", n.get("updated_at").asText(),
                "content-type", "application/json");
    }
}
