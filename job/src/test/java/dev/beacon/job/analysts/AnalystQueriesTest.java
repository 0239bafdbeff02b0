package dev.beacon.job.analysts;

import static dev.beacon.job.analysts.AnalystStream.TENANT;
import static dev.beacon.job.analysts.AnalystStream.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example query of docs/analysts.md (sql/queries/*.sql, run exactly as written) against a PostgreSQL that the
 * job filled from {@link AnalystStream}, with exact rows. The job stamps detection times with the wall clock, so
 * the latency figures are checked against the rows' own timestamps, computed here independently. The views the
 * queries do not read are tested by {@link AnalystViewsTest} on the same kind of data.
 */
class AnalystQueriesTest {

    static final String ADA_1 = FactIds.factId(TENANT, SampleStream.ADA, millis(SampleStream.CALL1_AT));
    static final String GRACE_TEST = FactIds.factId(TENANT, SampleStream.GRACE, millis(SampleStream.CALL2_AT));
    static final String ADA_3 = FactIds.factId(TENANT, SampleStream.ADA, millis(SampleStream.CALL3_AT));
    static final String LOBBY_1 = FactIds.securityLineFactId("c0ffee01-0000-4000-8000-000000000001");
    static final String LOBBY_2 = FactIds.securityLineFactId("c0ffee01-0000-4000-8000-000000000002");
    static final String GARAGE = FactIds.securityLineFactId("c0ffee01-0000-4000-8000-000000000003");
    static final String DANA = FactIds.factId(TENANT, AnalystStream.DANA, millis(AnalystStream.DANA_AT));
    static final String EVE = FactIds.factId(TENANT, AnalystStream.EVE, millis(AnalystStream.EVE_AT));
    /** Frank's start is the record's timestamp: {@link AnalystStream#FRANK_RECORD_AT} + 1 s. */
    static final String FRANK_STARTED = "2026-11-23T12:00:01Z";
    static final String FRANK = FactIds.factId(TENANT, AnalystStream.FRANK, millis(FRANK_STARTED));
    static final String GRACE_EVENT = FactIds.factId(TENANT, SampleStream.GRACE, millis(AnalystStream.GRACE_AT));
    static final String HAL = FactIds.factId(TENANT, AnalystStream.HAL, millis(AnalystStream.HAL_AT));
    static final String HAL_PROVISIONAL = FactIds.factId(TENANT, AnalystStream.HAL, millis(AnalystStream.HAL_LATE_AT));

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    static Path dir;

    static AnalystDatabase.Run run;
    static AnalystRows rows;

    @BeforeAll
    static void letTheJobFillTheDatabase() throws Exception {
        run = AnalystDatabase.fill(PG, dir);
        rows = new AnalystRows(PG);
    }

    @AfterAll
    static void forget() {
        rows = null;
    }

    @Test
    void everyQueryFileIsTestedHere() {
        assertThat(AnalystRows.queryFiles()).containsExactly("backfill_only_finds.sql", "calls_per_day.sql",
                "calls_per_department.sql", "calls_per_site.sql", "dead_letters_by_reason.sql",
                "detection_latency.sql", "notifications_per_call.sql", "open_calls.sql",
                "security_line_calls_per_line.sql", "test_vs_real.sql");
    }

    @Test
    void callsPerDay() {
        assertThat(rows.file("calls_per_day.sql", "tenant_id", "call_date", "emergency_calls", "test_calls",
                "security_line_calls")).containsExactly(
                TENANT + " | 2026-11-22 | 2 | 1 | 1",
                TENANT + " | 2026-11-23 | 3 | 0 | 2",
                TENANT + " | 2026-11-24 | 2 | 0 | 0");
    }

    @Test
    void callsPerSite() {
        assertThat(rows.file("calls_per_site.sql", "site_id", "site_name", "emergency_calls", "test_calls",
                "security_line_calls")).containsExactly(
                "(none) | null | 6 | 0 | 3",
                "b4 | Site b4 | 1 | 0 | 0",
                "b7 | Site b7 | 0 | 1 | 0");
    }

    @Test
    void callsPerDepartment() {
        assertThat(rows.file("calls_per_department.sql", "tenant_id", "department", "emergency_calls", "callers"))
                .containsExactly(
                        TENANT + " | Finance | 3 | 2",      // Ada twice, Frank
                        TENANT + " | (unknown) | 2 | 2",    // Eve and Hal have no directory entry
                        TENANT + " | Facilities | 1 | 1",   // Dana, named by UPN in the call event
                        TENANT + " | Research | 1 | 1");    // Grace's real call (her 933 drill is not counted)
    }

    @Test
    void testVersusReal() {
        assertThat(rows.file("test_vs_real.sql", "tenant_id", "month", "real_calls", "test_calls", "test_percent"))
                .containsExactly(TENANT + " | 2026-11 | 7 | 1 | 12.5");
    }

    @Test
    void openCalls() {
        assertThat(rows.file("open_calls.sql", "fact_id", "kind", "is_test_call", "call_started_at",
                "awaits_call_ended", "still_updating")).containsExactly(
                GRACE_EVENT + " | emergency | false | 2026-11-24T07:45:00Z | true | true",
                HAL + " | emergency | false | 2026-11-24T06:00:00Z | false | true",
                FRANK + " | emergency | false | 2026-11-23T12:00:01Z | false | true",
                GARAGE + " | security-line | false | 2026-11-23T11:00:00Z | false | true",
                LOBBY_2 + " | security-line | false | 2026-11-23T10:20:00Z | false | true",
                EVE + " | emergency | false | 2026-11-23T08:00:00Z | false | true",
                ADA_3 + " | emergency | false | 2026-11-22T14:00:05Z | false | true",
                LOBBY_1 + " | security-line | false | 2026-11-22T10:15:00Z | false | true",
                GRACE_TEST + " | emergency | true | 2026-11-22T09:30:00Z | false | true",
                ADA_1 + " | emergency | false | 2026-11-22T09:00:01Z | false | true");
    }

    @Test
    void detectionLatencyPercentilesLeaveOutInferredStartsAndTestCalls() {
        List<Map<String, Object>> result = rows.runFile("detection_latency.sql");

        assertThat(AnalystRows.lines(result, "kind", "calls")).containsExactly("emergency | 6", "security-line | 3");
        assertLatencies(result.get(0), List.of(ADA_1, ADA_3, EVE, DANA, HAL, GRACE_EVENT));
        assertLatencies(result.get(1), List.of(LOBBY_1, LOBBY_2, GARAGE));
    }

    /** The row's percentiles, computed here from the facts' own detected_at and call_started_at. */
    private static void assertLatencies(Map<String, Object> row, List<String> factIds) {
        List<Long> delays = factIds.stream().map(id -> {
            Map<String, Object> f = PG.query(
                    "SELECT call_started_at, detected_at FROM emergency_call WHERE fact_id = ?::uuid", id).get(0);
            Instant detected = ((Timestamp) f.get("detected_at")).toInstant();
            assertThat(detected).isBetween(run.from(), run.to());
            return detected.toEpochMilli() - ((Timestamp) f.get("call_started_at")).toInstant().toEpochMilli();
        }).toList();
        assertThat((Double) row.get("p50_ms")).isCloseTo(AnalystRows.percentileCont(delays, 0.50), within(0.5));
        assertThat((Double) row.get("p95_ms")).isCloseTo(AnalystRows.percentileCont(delays, 0.95), within(0.5));
        assertThat((Double) row.get("p99_ms")).isCloseTo(AnalystRows.percentileCont(delays, 0.99), within(0.5));
        assertThat(row.get("max_ms")).isEqualTo(delays.stream().max(Long::compare).orElseThrow());
    }

    @Test
    void notificationsPerCall() {
        assertThat(rows.file("notifications_per_call.sql", "fact_id", "kind", "notification_count", "deleted_count",
                "audited_notifications", "emitted", "merged", "amended", "deleted", "recovered")).containsExactly(
                ADA_1 + " | emergency | 2 | 1 | 3 | 1 | 1 | 0 | 1 | 0",
                GRACE_TEST + " | emergency | 1 | 0 | 2 | 1 | 0 | 1 | 0 | 0",
                LOBBY_1 + " | security-line | 1 | 0 | 1 | 1 | 0 | 0 | 0 | 0",
                ADA_3 + " | emergency | 2 | 0 | 2 | 1 | 1 | 0 | 0 | 0",
                EVE + " | emergency | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 1",
                LOBBY_2 + " | security-line | 1 | 0 | 1 | 1 | 0 | 0 | 0 | 0",
                GARAGE + " | security-line | 1 | 0 | 1 | 1 | 0 | 0 | 0 | 0",
                FRANK + " | emergency | 1 | 0 | 1 | 1 | 0 | 0 | 0 | 0",
                DANA + " | emergency | 0 | 0 | 2 | 1 | 0 | 1 | 0 | 0",      // callStarted, callEnded: no chat message
                HAL + " | emergency | 2 | 0 | 2 | 1 | 1 | 0 | 0 | 0",       // the emitted row is under the alias
                GRACE_EVENT + " | emergency | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0");
    }

    @Test
    void deadLettersByReasonOverTheLastDayAndWeek() {
        List<Map<String, Object>> result = rows.runFile("dead_letters_by_reason.sql");

        assertThat(AnalystRows.lines(result, "reason", "last_24_hours", "last_7_days")).containsExactly(
                "client_state_mismatch | 1 | 1",
                "hmac_mismatch | 1 | 1",
                "malformed_json | 1 | 1",
                "too_deeply_nested | 1 | 1",
                "unknown_certificate | 1 | 1");
        assertThat(result).allSatisfy(r -> assertThat(((Timestamp) r.get("last_seen")).toInstant())
                .isBetween(run.from(), run.to()));
    }

    @Test
    void backfillOnlyFinds() {
        List<Map<String, Object>> result = rows.runFile("backfill_only_finds.sql");

        assertThat(AnalystRows.lines(result, "fact_id", "tenant_id", "caller_user_id", "call_started_at",
                "recovered_notifications")).containsExactly(
                EVE + " | " + TENANT + " | " + AnalystStream.EVE + " | 2026-11-23T08:00:00Z | 1");
        assertThat(result.get(0).get("found_after")).isEqualTo(PG.queryValue(
                "SELECT detected_at - call_started_at FROM emergency_call WHERE fact_id = ?::uuid", EVE));
    }

    @Test
    void securityLineCallsPerLine() {
        assertThat(rows.file("security_line_calls_per_line.sql", "tenant_id", "called_line", "called_line_name",
                "calls", "callers", "first_call_at", "last_call_at")).containsExactly(
                TENANT + " | 4:+15550100 | Lobby security | 2 | 2 | 2026-11-22T10:15:00Z | 2026-11-23T10:20:00Z",
                TENANT + " | 4:+15550101 | Garage security | 1 | 1 | 2026-11-23T11:00:00Z | 2026-11-23T11:00:00Z");
    }
}
