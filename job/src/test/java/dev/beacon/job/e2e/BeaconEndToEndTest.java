package dev.beacon.job.e2e;

import static dev.beacon.job.testing.SampleStream.ADA;
import static dev.beacon.job.testing.SampleStream.GRACE;
import static dev.beacon.job.testing.SampleStream.SUB_ALICE;
import static dev.beacon.job.testing.SampleStream.SUB_BOB;
import static dev.beacon.job.testing.SampleStream.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.sink.FactCloudEvents;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on real components (in-process Kafka broker, embedded PostgreSQL, MiniCluster with RocksDB) over the
 * mixed sample stream: exact rows in all three tables and exact records on every Kafka output. The input topic has
 * one partition, and triage is chained to the source, so that arrival order, and therefore every outcome, is
 * deterministic.
 */
class BeaconEndToEndTest {

    static final String F1 = FactIds.factId(TENANT, ADA, millis(SampleStream.CALL1_AT));
    static final String F2 = FactIds.factId(TENANT, GRACE, millis(SampleStream.CALL2_AT));
    static final String F3 = FactIds.factId(TENANT, ADA, millis(SampleStream.CALL3_AT));

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    static Path dir;

    static LocalStack stack;

    @BeforeAll
    static void runTheJobOverTheSampleStream() throws Exception {
        stack = LocalStack.start(dir, 1);
        stack.publishSampleStream();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Triage chained to the source (not by chat): the assertions pin one order across chats (emitted vs merged,
        // which message names a call first). ParallelTriageTest compares the default topology with this one.
        org.apache.flink.configuration.Configuration conf = stack.jobConfiguration();
        conf.set(dev.beacon.job.config.BeaconOptions.REPARTITION_BY_CHAT, false);
        stack.runJob(env, conf);
    }

    @AfterAll
    static void stopStack() throws Exception {
        stack.close();
    }

    @Test
    void oneRowPerEmergencyCall() {
        List<Map<String, Object>> rows = stack.postgres.query("""
                SELECT fact_id::text AS fact_id, tenant_id, caller_user_id, caller_display_name, dialed_number,
                       is_test_call, location_text, call_started_at, notification_count, deleted_count, revision,
                       array_to_string(sources, ',') AS sources,
                       jsonb_array_length(message_refs) AS refs
                FROM emergency_call ORDER BY call_started_at""");
        assertThat(rows).hasSize(3);
        assertFact(rows.get(0), F1, ADA, "Ada Lovelace", "911", false,
                "Building 4, Floor 2, 1 Microsoft Way, Redmond, WA 98052", SampleStream.CALL1_AT, 2, 1, 3,
                "graph:" + SUB_ALICE + ",graph:" + SUB_BOB);
        assertFact(rows.get(1), F2, GRACE, "Grace Hopper", "933", true,
                "Building 7, Floor 3, Room 301", SampleStream.CALL2_AT, 1, 0, 2, "graph:" + SUB_ALICE);
        assertFact(rows.get(2), F3, ADA, "Ada Lovelace", "112", false,
                "Building 2, Floor 5", SampleStream.CALL3_AT, 2, 0, 2,
                "cloudevents:" + SUB_BOB + ",graph:" + SUB_ALICE); // sorted: the same whatever the arrival order
    }

    @Test
    void oneAuditRowPerNotificationWithItsOutcome() {
        List<String> audit = stack.postgres.query("""
                SELECT source_offset, item_index, outcome, coalesce(fact_id::text, '-') AS fact_id
                FROM notification_audit ORDER BY source_offset, item_index""").stream()
                .map(r -> r.get("source_offset") + "#" + r.get("item_index") + " " + r.get("outcome") + " "
                        + r.get("fact_id"))
                .toList();
        assertThat(audit).containsExactly(
                "0#0 validation -",
                "1#0 ignored -",
                "2#0 emitted " + F1,
                "3#0 merged " + F1,
                "4#0 duplicate -",
                "5#0 unchanged -",
                "5#1 ignored -",
                "6#0 emitted " + F2,
                "7#0 amended " + F2,
                "8#0 lifecycle -",
                "9#-1 invalid -",
                "10#0 invalid -",
                "11#0 invalid -",
                "12#0 invalid -",
                "13#0 needs-hydration -",
                "14#0 emitted " + F3,
                "15#0 merged " + F3,
                "16#0 deleted " + F1,
                "17#-1 invalid -",
                "18#0 ignored -");
    }

    @Test
    void deadLettersCarryTheirReasonAndNoSecrets() {
        List<Map<String, Object>> rows = stack.postgres.query(
                "SELECT source_offset, item_index, reason, raw FROM dead_letter ORDER BY source_offset");
        assertThat(rows).extracting(r -> r.get("source_offset") + "#" + r.get("item_index") + " " + r.get("reason"))
                .containsExactly(
                        "9#-1 malformed_json",
                        "10#0 hmac_mismatch",
                        "11#0 client_state_mismatch",
                        "12#0 unknown_certificate",
                        "17#-1 too_deeply_nested");
        for (Map<String, Object> row : rows) {
            assertThat((String) row.get("raw")).doesNotContain(stack.clientState).doesNotContain("not-the-secret");
        }
    }

    @Test
    void everyFactRevisionIsPublishedAsACloudEvent() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = stack.kafka.readAll(LocalStack.FACTS_TOPIC, false);
        assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + "@"
                        + FactCloudEvents.readFact(r).revision)
                .containsExactlyInAnyOrder(F1 + "@1", F1 + "@2", F1 + "@3", F2 + "@1", F2 + "@2", F3 + "@1", F3 + "@2");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            EmergencyCallFact fact = FactCloudEvents.readFact(r);
            assertThat(header(r, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(r, "ce_type")).isEqualTo("dev.beacon.emergency-call.v1");
            assertThat(header(r, "ce_id")).isEqualTo(fact.factId + ":" + fact.revision);
            assertThat(header(r, "ce_subject")).isEqualTo(fact.factId);
        }
    }

    @Test
    void lifecycleHydrationAndDeadLetterTopics() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<ConsumerRecord<byte[], byte[]>> lifecycle = stack.kafka.readAll(LocalStack.LIFECYCLE_TOPIC, false);
        assertThat(lifecycle).hasSize(1);
        assertThat(new String(lifecycle.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(SUB_ALICE);
        String lifecycleValue = new String(lifecycle.get(0).value(), StandardCharsets.UTF_8);
        assertThat(lifecycleValue).contains("reauthorizationRequired").doesNotContain(stack.clientState);

        List<ConsumerRecord<byte[], byte[]>> hydration = stack.kafka.readAll(LocalStack.HYDRATION_TOPIC, false);
        assertThat(hydration).hasSize(1);
        JsonNode request = json.readTree(hydration.get(0).value());
        assertThat(request.path("chat_id").asText()).isEqualTo("19:bob-dave@thread.v2");
        assertThat(request.path("message_id").asText()).isEqualTo("1763803930000");

        List<ConsumerRecord<byte[], byte[]>> deadLetters = stack.kafka.readAll(LocalStack.DEAD_LETTER_TOPIC, false);
        assertThat(deadLetters).extracting(r -> json.readTree(r.value()).path("reason").asText())
                .containsExactlyInAnyOrder("malformed_json", "hmac_mismatch", "client_state_mismatch",
                        "unknown_certificate", "too_deeply_nested");
    }

    @Test
    void ordinaryChatContentIsStoredNowhere() {
        String everything = stack.postgres.query("SELECT * FROM emergency_call").toString()
                + stack.postgres.query("SELECT * FROM notification_audit")
                + stack.postgres.query("SELECT * FROM dead_letter");
        assertThat(everything).doesNotContain("Lunch at noon").doesNotContain("fire drill").doesNotContain("Coffee?");
    }

    private static void assertFact(Map<String, Object> row, String factId, String caller, String name, String dialed,
            boolean test, String location, String startedAt, int count, int deleted, int revision, String sources) {
        assertThat(row.get("fact_id")).isEqualTo(factId);
        assertThat(row.get("tenant_id")).isEqualTo(TENANT);
        assertThat(row.get("caller_user_id")).isEqualTo(caller);
        assertThat(row.get("caller_display_name")).isEqualTo(name);
        assertThat(row.get("dialed_number")).isEqualTo(dialed);
        assertThat(row.get("is_test_call")).isEqualTo(test);
        assertThat(row.get("location_text")).isEqualTo(location);
        assertThat(((java.sql.Timestamp) row.get("call_started_at")).toInstant()).isEqualTo(Instant.parse(startedAt));
        assertThat(row.get("notification_count")).isEqualTo(count);
        assertThat(row.get("deleted_count")).isEqualTo(deleted);
        assertThat(row.get("revision")).isEqualTo(revision);
        assertThat(row.get("sources")).isEqualTo(sources);
        assertThat(row.get("refs")).isEqualTo(count);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
