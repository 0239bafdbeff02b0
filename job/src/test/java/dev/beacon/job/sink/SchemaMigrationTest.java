package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.testing.PostgresFixture;
import dev.beacon.sql.SchemaMigrator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema the sinks write to: migrations apply once, and the analyst views are there and filter correctly. */
class SchemaMigrationTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @Test
    void migratingTwiceAppliesNothingTheSecondTime() {
        String url = PG.createEmptyDatabase("migrate_twice");

        int first = SchemaMigrator.migrate(url, PG.user(), PG.password());
        int second = SchemaMigrator.migrate(url, PG.user(), PG.password());

        assertThat(first).as("V1 to V15 and the repeatable views").isEqualTo(16);
        assertThat(second).isZero();
        assertThat(SchemaMigrator.migrate(PG.jdbcUrl(), PG.user(), PG.password())).isZero();
    }

    /** The repeatable views migration runs again whenever it changes: it must apply over itself (views on views). */
    @Test
    void theViewsMigrationAppliesAgainOverItself() throws Exception {
        String views = java.nio.file.Files.readString(java.nio.file.Path.of("..", "sql", "migrations",
                "R__analyst_views.sql"));
        try (java.sql.Connection c = PG.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute(views);
        }
        assertThat(PG.query("SELECT count(*) AS n FROM pg_views WHERE schemaname = 'public'"))
                .containsExactly(Map.of("n", 11L));
    }

    @Test
    void analystViewsExist() {
        List<Object> views = PG.query("SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY viewname")
                .stream().map(r -> r.get("viewname")).toList();

        assertThat(views).containsExactly("v_backfill_finds", "v_daily_emergency_calls", "v_dead_letter_summary",
                "v_detection_latency", "v_emergency_calls", "v_fact_audit_trail", "v_notification_outcomes_hourly",
                "v_notifications_per_call", "v_open_calls", "v_security_line_calls", "v_test_calls");
    }

    @Test
    void emergencyCallsViewExcludesTestCalls() {
        PG.truncateAll();
        insertCall("11111111-1111-5111-8111-111111111111", "911", false);
        insertCall("22222222-2222-5222-8222-222222222222", "933", true);

        List<Map<String, Object>> real = PG.query("SELECT fact_id::text AS id, dialed_number FROM v_emergency_calls");
        List<Map<String, Object>> drills = PG.query("SELECT fact_id::text AS id FROM v_test_calls");

        assertThat(real).containsExactly(Map.of("id", "11111111-1111-5111-8111-111111111111", "dialed_number", "911"));
        assertThat(drills).containsExactly(Map.of("id", "22222222-2222-5222-8222-222222222222"));
        assertThat(PG.query("SELECT emergency_calls, test_calls FROM v_daily_emergency_calls"))
                .containsExactly(Map.of("emergency_calls", 1L, "test_calls", 1L));
    }

    @Test
    void theAuditTrailAcceptsEveryOutcomeTheJobWrites() {
        PG.truncateAll();
        int offset = 0;
        for (AuditOutcome outcome : AuditOutcome.values()) {
            PG.execute("""
                    INSERT INTO notification_audit (source, source_partition, source_offset, item_index, outcome,
                        processed_at)
                    VALUES ('teams-events', 0, ?, 0, ?, now())
                    """, offset++, outcome.label());
        }
        assertThat(PG.query("SELECT outcome FROM notification_audit WHERE outcome = 'recovered'")).hasSize(1);
        assertThatThrownBy(() -> PG.execute("""
                INSERT INTO notification_audit (source, source_partition, source_offset, item_index, outcome,
                    processed_at)
                VALUES ('teams-events', 0, 999, 0, 'found', now())
                """)).rootCause().hasMessageContaining("notification_audit_outcome_check");
    }

    private static void insertCall(String factId, String dialed, boolean testCall) {
        PG.execute("""
                INSERT INTO emergency_call (fact_id, tenant_id, caller_user_id, dialed_number, is_test_call,
                    call_started_at, detected_at, updated_at, notification_count, revision, sources, message_refs)
                VALUES (?::uuid, 'tenant-1', 'user-1', ?, ?, now(), now(), now(), 1, 1, ARRAY['graph:sub-1'], '[]')
                """, factId, dialed, testCall);
    }
}
