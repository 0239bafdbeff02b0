package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.CALL_STARTED;
import static dev.beacon.job.sink.SinkTestData.FACT_A;
import static dev.beacon.job.sink.SinkTestData.FACT_B;
import static dev.beacon.job.sink.SinkTestData.ODD_TEXT;
import static dev.beacon.job.sink.SinkTestData.audit;
import static dev.beacon.job.sink.SinkTestData.deadLetter;
import static dev.beacon.job.sink.SinkTestData.fact;
import static dev.beacon.job.sink.SinkTestData.fullFact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PGobject;

/**
 * The PostgreSQL sinks in a Flink MiniCluster against a real PostgreSQL: at-least-once redeliveries and
 * out-of-order revisions must leave exactly the rows a single, ordered delivery would.
 */
class PostgresSinksTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path secrets;

    private JdbcTarget target;

    @BeforeEach
    void cleanTablesAndPasswordFile() {
        PG.truncateAll();
        // The password reaches the sink only as a file path, resolved when the sink connects.
        target = new JdbcTarget(PG.jdbcUrl(), PG.user(), null, PG.writePasswordFile(secrets).toString());
    }

    @SafeVarargs
    private static <T> void run(Sink<T> sink, Class<T> type, T... records) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(type, records).sinkTo(sink);
        env.execute();
    }

    /** A row as {@link PostgresFixture#query} returns it; unlike Map.of, it takes SQL NULLs. */
    private static Map<String, Object> row(Object... columnsAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    private static Instant instant(Object timestamptz) {
        return ((Timestamp) timestamptz).toInstant();
    }

    /**
     * A provisional id, superseded, then replayed after a recovery (an at-least-once sink sees the old revision
     * again): the row stays gone and the alias points at the live id, re-pointed when the live id moves again.
     */
    @Test
    void aSupersededIdLosesItsRowForGoodAndItsAliasFollowsTheLiveId() throws Exception {
        String facC = "0b5e8f2c-1d3a-5e6f-8a9b-0c1d2e3f4a5b";
        EmergencyCallFact provisional = fact(FACT_A, 1, CALL_STARTED + 3_000);
        EmergencyCallFact live = fact(FACT_B, 2, CALL_STARTED);
        EmergencyCallFact earliest = fact(facC, 3, CALL_STARTED - 1_000);
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                provisional, live, EmergencyCallFact.supersede(FACT_A, live, CALL_STARTED + 10_000),
                provisional, // replayed after a recovery
                earliest, EmergencyCallFact.supersede(FACT_A, earliest, CALL_STARTED + 20_000),
                EmergencyCallFact.supersede(FACT_B, earliest, CALL_STARTED + 20_000),
                live); // replayed again

        assertThat(PG.query("SELECT fact_id::text AS id, revision FROM emergency_call"))
                .containsExactly(row("id", facC, "revision", 3));
        assertThat(PG.query("SELECT alias_id::text AS alias, fact_id::text AS id FROM fact_alias ORDER BY 1"))
                .containsExactly(row("alias", FACT_B, "id", facC), row("alias", FACT_A, "id", facC));
    }

    @Test
    void outOfOrderAndRepeatedRevisionsLeaveTheHighest() throws Exception {
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                fact(FACT_A, 3, CALL_STARTED), fact(FACT_A, 1, CALL_STARTED), fact(FACT_A, 2, CALL_STARTED),
                fact(FACT_A, 3, CALL_STARTED), fact(FACT_A, 1, CALL_STARTED), fact(FACT_B, 1, CALL_STARTED + 5));

        assertThat(PG.queryValue("SELECT count(*) FROM emergency_call")).isEqualTo(2L);
        Map<String, Object> row = PG.query("SELECT * FROM emergency_call WHERE fact_id = ?", UUID.fromString(FACT_A))
                .get(0);
        assertThat(row.get("fact_id")).isEqualTo(UUID.fromString(FACT_A));
        assertThat(row.get("tenant_id")).isEqualTo("tenant-1");
        assertThat(row.get("caller_user_id")).isEqualTo("user-6f1c");
        assertThat(row.get("caller_display_name")).isEqualTo("Ada Lovelace");
        assertThat(row.get("dialed_number")).isEqualTo("911");
        assertThat(row.get("is_test_call")).isEqualTo(false);
        assertThat(row.get("location_text")).isEqualTo("Building 4, floor 2");
        assertThat(instant(row.get("call_started_at"))).isEqualTo(Instant.parse("2024-05-01T10:15:30.250Z"));
        assertThat(instant(row.get("detected_at"))).isEqualTo(Instant.parse("2024-05-01T10:15:31Z"));
        assertThat(instant(row.get("updated_at"))).isEqualTo(Instant.parse("2024-05-01T10:15:34Z"));
        assertThat(row.get("notification_count")).isEqualTo(3);
        assertThat(row.get("deleted_count")).isEqualTo(1);
        assertThat(row.get("revision")).isEqualTo(3);
        assertThat((Object[]) row.get("sources")).containsExactly("graph:sub-1", "graph:sub-2");
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(((PGobject) row.get("message_refs")).getValue())).isEqualTo(mapper.readTree("""
                [{"chat_id":"chat-1","message_id":"msg-1","subscription_id":"sub-1",
                  "created_at":"2024-05-01T10:15:30.251Z","deleted":true},
                 {"chat_id":"chat-2","message_id":"msg-2","subscription_id":"sub-2",
                  "created_at":"2024-05-01T10:15:30.252Z","deleted":false},
                 {"chat_id":"chat-3","message_id":"msg-3","subscription_id":"sub-2",
                  "created_at":"2024-05-01T10:15:30.253Z","deleted":false}]"""));
        assertThat(((PGobject) row.get("message_refs")).getType()).isEqualTo("jsonb");
    }

    @Test
    void aLaterRunMovesTheRevisionForwardOnly() throws Exception {
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                fact(FACT_A, 2, CALL_STARTED));
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                fact(FACT_A, 4, CALL_STARTED), fact(FACT_A, 3, CALL_STARTED));

        assertThat(PG.query("SELECT revision, notification_count, cardinality(sources) AS n_sources,"
                + " jsonb_array_length(message_refs) AS n_refs FROM emergency_call"))
                .containsExactly(Map.of("revision", 4, "notification_count", 4, "n_sources", 2, "n_refs", 4));
    }

    /** Every V9 column, as the fully-populated fact and a fact without any of the new fields leave them. */
    @Test
    void writesTheSourcesOfTruthColumnsExactly() throws Exception {
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                fullFact(FACT_A, 2, CALL_STARTED), fact(FACT_B, 1, CALL_STARTED));

        List<Map<String, Object>> rows = PG.query("""
                SELECT fact_id::text AS id, kind, caller_upn, caller_phone_number, caller_department,
                       caller_job_title, caller_office_location, policy_name, location::text AS location, site_id,
                       latitude, longitude, ended_at, duration_seconds, called_line, called_line_name,
                       correlation_id, server_call_id, revision
                FROM emergency_call ORDER BY fact_id""");
        assertThat(rows).containsExactly(
                row("id", FACT_B, "kind", "emergency", "caller_upn", null, "caller_phone_number", null,
                        "caller_department", null, "caller_job_title", null, "caller_office_location", null,
                        "policy_name", null, "location", null, "site_id", null, "latitude", null, "longitude", null,
                        "ended_at", null, "duration_seconds", null, "called_line", null, "called_line_name", null,
                        "correlation_id", null, "server_call_id", null, "revision", 1),
                row("id", FACT_A, "kind", "security-line", "caller_upn", "ada@contoso.example",
                        "caller_phone_number", "+15550123", "caller_department", "Engineering",
                        "caller_job_title", "Analyst", "caller_office_location", "B4-201",
                        "policy_name", "Emergency-Redmond",
                        "location", "{\"city\": null, \"floor\": \"2\", \"state\": null, \"source\": \"site\", "
                                + "\"street\": null, \"address\": \"1 Main St, Redmond\", \"site_id\": \"b4\", "
                                + "\"building\": \"4\", \"latitude\": 47.64, \"longitude\": -122.13, "
                                + "\"site_name\": \"Building 4\", \"responders\": [\"Security desk\", \"+15550199\"], "
                                + "\"postal_code\": null, \"house_number\": null, \"country_or_region\": null}",
                        "site_id", "b4", "latitude", 47.64, "longitude", -122.13,
                        "ended_at", Timestamp.from(Instant.parse("2024-05-01T10:17:06Z")), "duration_seconds", 95L,
                        "called_line", "4:+15550100", "called_line_name", "Campus security",
                        "correlation_id", "corr-1", "server_call_id", "server-call-1", "revision", 2));
    }

    /**
     * A later revision that learned more (directory data, the end of the call) replaces the row; an older revision
     * replayed afterwards, without them, does not take them away.
     */
    @Test
    void theNewColumnsFollowTheHighestRevisionOnly() throws Exception {
        EmergencyCallFact open = fact(FACT_A, 1, CALL_STARTED);
        EmergencyCallFact enriched = fullFact(FACT_A, 2, CALL_STARTED);
        enriched.kind = EmergencyCallFact.KIND_EMERGENCY;
        EmergencyCallFact ended = enriched.copy();
        ended.revision = 3;
        ended.endedAtMillis = CALL_STARTED + 200_000;
        ended.durationSeconds = 200;
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                open, ended, enriched, open);

        assertThat(PG.query("""
                SELECT revision, kind, caller_department, site_id, ended_at, duration_seconds FROM emergency_call"""))
                .containsExactly(row("revision", 3, "kind", "emergency", "caller_department", "Engineering",
                        "site_id", "b4", "ended_at", Timestamp.from(Instant.parse("2024-05-01T10:18:50.250Z")),
                        "duration_seconds", 200L));
    }

    /** A security-line call superseded by its live id: the same alias rules as an emergency call. */
    @Test
    void aSupersededSecurityLineCallMovesToItsLiveId() throws Exception {
        EmergencyCallFact provisional = fullFact(FACT_A, 1, CALL_STARTED + 3_000);
        EmergencyCallFact live = fullFact(FACT_B, 2, CALL_STARTED);
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                provisional, live, EmergencyCallFact.supersede(FACT_A, live, CALL_STARTED + 10_000),
                provisional); // replayed after a recovery

        assertThat(PG.query("SELECT fact_id::text AS id, kind, called_line, revision FROM emergency_call"))
                .containsExactly(row("id", FACT_B, "kind", "security-line", "called_line", "4:+15550100",
                        "revision", 2));
        assertThat(PG.query("SELECT alias_id::text AS alias, fact_id::text AS id FROM fact_alias"))
                .containsExactly(row("alias", FACT_A, "id", FACT_B));
    }

    /** Coordinates no JSON can hold are stored as unknown, in the columns and in the location object alike. */
    @Test
    void nonFiniteCoordinatesAreStoredAsUnknown() throws Exception {
        EmergencyCallFact f = fullFact(FACT_A, 1, CALL_STARTED);
        f.location.latitude = Double.NaN;
        f.location.longitude = Double.POSITIVE_INFINITY;
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class, f);

        assertThat(PG.query("""
                SELECT latitude, longitude, location -> 'latitude' AS json_lat, location ->> 'site_id' AS site
                FROM emergency_call""")).hasSize(1).first().satisfies(r -> {
                    assertThat(r.get("latitude")).isNull();
                    assertThat(r.get("longitude")).isNull();
                    assertThat(((PGobject) r.get("json_lat")).getValue()).isEqualTo("null");
                    assertThat(r.get("site")).isEqualTo("b4");
                });
    }

    @Test
    void auditKeepsOneRowPerNotificationWithTheLatestDecision() throws Exception {
        long t1 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
        long t2 = t1 + 60_000;
        run(PostgresSinks.audit(target, PostgresSinks.defaultExecution()), AuditRecord.class,
                audit(100, AuditOutcome.EMITTED, FACT_A, t1, 12),
                audit(100, AuditOutcome.DUPLICATE, null, t2, -1),
                audit(101, AuditOutcome.IGNORED, null, t2, 7),
                // Older than the row already there (a late redelivery): must not win.
                audit(101, AuditOutcome.MERGED, FACT_B, t1, 3));

        List<Map<String, Object>> rows = PG.query("""
                SELECT source, source_partition, source_offset, item_index, tenant_id, subscription_id, change_type,
                       chat_id, message_id, outcome, reason, fact_id, processed_at, ingest_latency_ms
                FROM notification_audit ORDER BY source_offset""");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isEqualTo(row(
                "source", "graph-notifications", "source_partition", 3, "source_offset", 100L, "item_index", 0,
                "tenant_id", "tenant-1", "subscription_id", "sub-1", "change_type", "created", "chat_id", "chat-1",
                "message_id", "msg-1", "outcome", "duplicate", "reason", "duplicate by test", "fact_id", null,
                "processed_at", Timestamp.from(Instant.ofEpochMilli(t2)), "ingest_latency_ms", null));
        assertThat(rows.get(1)).containsEntry("outcome", "ignored").containsEntry("ingest_latency_ms", 7L)
                .containsEntry("processed_at", Timestamp.from(Instant.ofEpochMilli(t2)));
        assertThat(rows.get(1).get("fact_id")).isNull();
    }

    @Test
    void auditStoresTheFactIdAsUuid() throws Exception {
        run(PostgresSinks.audit(target, PostgresSinks.defaultExecution()), AuditRecord.class,
                audit(7, AuditOutcome.NEEDS_HYDRATION, FACT_B, 1_000, 0));

        assertThat(PG.query("SELECT outcome, fact_id, ingest_latency_ms FROM notification_audit")).containsExactly(
                Map.of("outcome", "needs-hydration", "fact_id", UUID.fromString(FACT_B), "ingest_latency_ms", 0L));
    }

    @Test
    void deadLettersUpsertAndSurviveNulCharacters() throws Exception {
        long t1 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
        run(PostgresSinks.deadLetters(target, PostgresSinks.defaultExecution()), DeadLetter.class,
                deadLetter(10, DeadLetterReason.MALFORMED_JSON, "{\"value\":", t1),
                deadLetter(10, DeadLetterReason.OVERSIZED, "{\"value\":[...", t1 + 1),
                deadLetter(11, DeadLetterReason.UNRECOGNIZED_ENVELOPE, "bin\u0000ary", t1),
                new DeadLetter(new SourceRef("graph-notifications", 0, 12, 2, 0), DeadLetterReason.PROCESSING_ERROR,
                        null, null, true, t1));

        assertThat(PG.query("""
                SELECT source_offset, item_index, reason, detail, raw, raw_truncated, failed_at
                FROM dead_letter ORDER BY source_offset""")).containsExactly(
                Map.of("source_offset", 10L, "item_index", -1, "reason", "oversized", "detail", "detail of oversized",
                        "raw", "{\"value\":[...", "raw_truncated", false,
                        "failed_at", Timestamp.from(Instant.ofEpochMilli(t1 + 1))),
                Map.of("source_offset", 11L, "item_index", -1, "reason", "unrecognized_envelope",
                        "detail", "detail of unrecognized_envelope", "raw", "bin\\u0000ary", "raw_truncated", false,
                        "failed_at", Timestamp.from(Instant.ofEpochMilli(t1))),
                row("source_offset", 12L, "item_index", 2, "reason", "processing_error", "detail", null, "raw", "",
                        "raw_truncated", true, "failed_at", Timestamp.from(Instant.ofEpochMilli(t1))));
    }

    /**
     * Unpaired surrogates and NUL (which PostgreSQL and pgjdbc cannot take as they are) in every text column: no
     * statement fails, each column holds exactly the text rule's stored form, and it decodes to the original.
     */
    @Test
    void anyTextIsStoredLosslesslyInEveryColumn() throws Exception {
        List<EmergencyCallFact> facts = new ArrayList<>();
        List<AuditRecord> audit = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (String text : ODD_TEXT.keySet()) {
            facts.add(SinkTestData.oddFact(text));
            audit.add(SinkTestData.oddAudit(audit.size(), text));
            deadLetters.add(SinkTestData.oddDeadLetter(deadLetters.size(), text));
        }
        run(PostgresSinks.facts(target, PostgresSinks.defaultExecution()), EmergencyCallFact.class,
                facts.toArray(new EmergencyCallFact[0]));
        run(PostgresSinks.audit(target, PostgresSinks.defaultExecution()), AuditRecord.class,
                audit.toArray(new AuditRecord[0]));
        run(PostgresSinks.deadLetters(target, PostgresSinks.defaultExecution()), DeadLetter.class,
                deadLetters.toArray(new DeadLetter[0]));

        long offset = 0;
        for (Map.Entry<String, String> odd : ODD_TEXT.entrySet()) {
            String text = odd.getKey();
            String stored = odd.getValue();
            Map<String, Object> fact = PG.query("""
                    SELECT tenant_id, caller_user_id, caller_display_name, dialed_number, location_text,
                           sources[1] AS source, message_refs -> 0 ->> 'chat_id' AS ref_chat_id,
                           message_refs -> 0 ->> 'message_id' AS ref_message_id,
                           message_refs -> 0 ->> 'subscription_id' AS ref_subscription_id,
                           caller_upn, caller_department, called_line, site_id,
                           location ->> 'site_name' AS site_name
                    FROM emergency_call WHERE fact_id = ?""", UUID.fromString(SinkTestData.oddFactId(text))).get(0);
            Map<String, Object> auditRow = PG.query("""
                    SELECT source, tenant_id, subscription_id, change_type, chat_id, message_id, reason
                    FROM notification_audit WHERE source_offset = ?""", offset).get(0);
            Map<String, Object> deadLetter = PG.query(
                    "SELECT source, detail, raw FROM dead_letter WHERE source_offset = ?", offset).get(0);
            for (Map<String, Object> row : List.of(fact, auditRow, deadLetter)) {
                assertThat(row).hasSizeGreaterThanOrEqualTo(3);
                row.forEach((column, value) -> {
                    assertThat(value).as("%s, stored", column).isEqualTo(stored);
                    assertThat(SafeText.unescapeText((String) value)).as("%s, decoded", column).isEqualTo(text);
                });
            }
            offset++;
        }
    }

    @Test
    void thePasswordIsNotInTheJobGraph() throws Exception {
        byte[] serialized = InstantiationUtil.serializeObject(
                PostgresSinks.facts(target, PostgresSinks.defaultExecution()));

        assertThat(new String(serialized, StandardCharsets.ISO_8859_1)).doesNotContain(PG.password())
                .contains(secrets.resolve("jdbc-password").toString());
    }

    @Test
    void theConnectionUsesThePasswordFromTheFile() throws Exception {
        LazyPasswordConnectionProvider right = new LazyPasswordConnectionProvider(target);
        try (Connection c = right.getOrEstablishConnection()) {
            assertThat(c.isValid(5)).isTrue();
        } finally {
            right.closeConnection();
        }

        Path wrongFile = Files.writeString(secrets.resolve("wrong"), "not-the-password\n");
        LazyPasswordConnectionProvider wrong = new LazyPasswordConnectionProvider(
                new JdbcTarget(PG.jdbcUrl(), PG.user(), null, wrongFile.toString()));
        assertThatThrownBy(wrong::getOrEstablishConnection)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed")
                .message().doesNotContain("not-the-password");
    }
}
