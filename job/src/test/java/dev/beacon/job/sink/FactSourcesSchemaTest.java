package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.testing.PostgresFixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PGInterval;

/**
 * Migration V9 (every source of truth about a call) and the analyst views over it, in a real PostgreSQL: the new
 * columns and their types, the kind check, and which view shows which kind of call with which fields.
 */
class FactSourcesSchemaTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String EMERGENCY = "11111111-1111-5111-8111-111111111111";
    private static final String DRILL = "22222222-2222-5222-8222-222222222222";
    private static final String SECURITY = "33333333-3333-5333-8333-333333333333";

    @BeforeEach
    void clean() {
        PG.truncateAll();
    }

    @Test
    void emergencyCallHasTheNewColumnsWithTheirTypes() {
        List<Map<String, Object>> columns = PG.query("""
                SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
                WHERE table_name = 'emergency_call' AND ordinal_position > (
                    SELECT ordinal_position FROM information_schema.columns
                    WHERE table_name = 'emergency_call' AND column_name = 'call_started_at_inferred')
                ORDER BY ordinal_position""");

        assertThat(columns).containsExactly(
                column("kind", "text", "NO", "'emergency'::text"),
                column("caller_upn", "text", "YES", null),
                column("caller_phone_number", "text", "YES", null),
                column("caller_department", "text", "YES", null),
                column("caller_job_title", "text", "YES", null),
                column("caller_office_location", "text", "YES", null),
                column("policy_name", "text", "YES", null),
                column("location", "jsonb", "YES", null),
                column("site_id", "text", "YES", null),
                column("latitude", "double precision", "YES", null),
                column("longitude", "double precision", "YES", null),
                column("ended_at", "timestamp with time zone", "YES", null),
                column("duration_seconds", "bigint", "YES", null),
                column("called_line", "text", "YES", null),
                column("called_line_name", "text", "YES", null),
                column("correlation_id", "text", "YES", null),
                column("server_call_id", "text", "YES", null));
    }

    @Test
    void aRowWrittenBeforeV9IsAnOpenEmergencyCall() {
        insert(EMERGENCY, null, false);

        assertThat(PG.query("SELECT kind, ended_at, duration_seconds FROM emergency_call"))
                .containsExactly(row("kind", "emergency", "ended_at", null, "duration_seconds", null));
    }

    @Test
    void kindIsEmergencyOrSecurityLineOnly() {
        assertThatThrownBy(() -> insert(EMERGENCY, "pager", false))
                .rootCause().hasMessageContaining("emergency_call_kind_check");
        insert(EMERGENCY, "security-line", false);
        assertThat(PG.queryValue("SELECT kind FROM emergency_call")).isEqualTo("security-line");
    }

    @Test
    void aNegativeDurationOrALocationThatIsNoObjectIsRefused() {
        insert(EMERGENCY, "emergency", false);

        assertThatThrownBy(() -> PG.execute("UPDATE emergency_call SET duration_seconds = -1"))
                .rootCause().hasMessageContaining("emergency_call_duration_check");
        assertThatThrownBy(() -> PG.execute("UPDATE emergency_call SET location = '[1]'"))
                .rootCause().hasMessageContaining("emergency_call_location_check");
    }

    @Test
    void eachViewShowsItsKindOfCall() {
        insert(EMERGENCY, "emergency", false);
        insert(DRILL, "emergency", true);
        insert(SECURITY, "security-line", false);

        assertThat(PG.query("SELECT fact_id::text AS id FROM v_emergency_calls"))
                .containsExactly(row("id", EMERGENCY));
        assertThat(PG.query("SELECT fact_id::text AS id FROM v_test_calls")).containsExactly(row("id", DRILL));
        assertThat(PG.query("SELECT fact_id::text AS id FROM v_security_line_calls"))
                .containsExactly(row("id", SECURITY));
        assertThat(PG.query("SELECT emergency_calls, test_calls, security_line_calls FROM v_daily_emergency_calls"))
                .containsExactly(row("emergency_calls", 1L, "test_calls", 1L, "security_line_calls", 1L));
    }

    @Test
    void theEmergencyCallsViewShowsCallerSiteAndEnd() throws Exception {
        insert(EMERGENCY, "emergency", false);
        PG.execute("""
                UPDATE emergency_call SET caller_upn = 'ada@contoso.example', caller_department = 'Engineering',
                    policy_name = 'Emergency-Redmond', site_id = 'b4', latitude = 47.64, longitude = -122.13,
                    location = '{"source":"site","site_id":"b4","site_name":"Building 4","address":"1 Main St",
                                 "building":"4","floor":"2"}',
                    ended_at = call_started_at + interval '95 seconds', duration_seconds = 95""");

        assertThat(PG.query("""
                SELECT caller_upn, caller_department, policy_name, location_source, site_id, site_name, address,
                       building, floor, latitude, longitude, duration_seconds, duration,
                       ended_at - call_started_at AS ended_after
                FROM v_emergency_calls""")).containsExactly(row(
                "caller_upn", "ada@contoso.example", "caller_department", "Engineering",
                "policy_name", "Emergency-Redmond", "location_source", "site", "site_id", "b4",
                "site_name", "Building 4", "address", "1 Main St", "building", "4", "floor", "2",
                "latitude", 47.64, "longitude", -122.13, "duration_seconds", 95L,
                "duration", new PGInterval(0, 0, 0, 0, 1, 35), "ended_after", new PGInterval(0, 0, 0, 0, 1, 35)));
    }

    @Test
    void theSecurityLineViewShowsTheLineAndTheAcsIds() {
        insert(SECURITY, "security-line", false);
        PG.execute("""
                UPDATE emergency_call SET called_line = '4:+15550100', called_line_name = 'Campus security',
                    caller_phone_number = '+15550123', correlation_id = 'corr-1', server_call_id = 'server-1'""");

        assertThat(PG.query("""
                SELECT called_line, called_line_name, caller_phone_number, correlation_id, server_call_id,
                       ended_at, duration
                FROM v_security_line_calls""")).containsExactly(row(
                "called_line", "4:+15550100", "called_line_name", "Campus security",
                "caller_phone_number", "+15550123", "correlation_id", "corr-1", "server_call_id", "server-1",
                "ended_at", null, "duration", null));
    }

    /** kind null: the column's default, as a row written before V9. */
    private static void insert(String factId, String kind, boolean testCall) {
        String columns = kind == null ? "" : "kind, ";
        String value = kind == null ? "" : "'" + kind + "', ";
        PG.execute("INSERT INTO emergency_call (" + columns + """
                fact_id, tenant_id, caller_user_id, dialed_number, is_test_call,
                    call_started_at, detected_at, updated_at, notification_count, revision, sources, message_refs)
                VALUES (""" + value + """
                ?::uuid, 'tenant-1', 'user-1', '911', ?, now(), now(), now(), 1, 1, ARRAY['graph:sub-1'], '[]')
                """, factId, testCall);
    }

    private static Map<String, Object> column(String name, String type, String nullable, String dflt) {
        return row("column_name", name, "data_type", type, "is_nullable", nullable, "column_default", dflt);
    }

    private static Map<String, Object> row(Object... columnsAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }
}
