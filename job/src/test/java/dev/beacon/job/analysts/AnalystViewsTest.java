package dev.beacon.job.analysts;

import static dev.beacon.job.analysts.AnalystQueriesTest.ADA_1;
import static dev.beacon.job.analysts.AnalystQueriesTest.ADA_3;
import static dev.beacon.job.analysts.AnalystQueriesTest.DANA;
import static dev.beacon.job.analysts.AnalystQueriesTest.EVE;
import static dev.beacon.job.analysts.AnalystQueriesTest.FRANK;
import static dev.beacon.job.analysts.AnalystQueriesTest.GARAGE;
import static dev.beacon.job.analysts.AnalystQueriesTest.GRACE_EVENT;
import static dev.beacon.job.analysts.AnalystQueriesTest.GRACE_TEST;
import static dev.beacon.job.analysts.AnalystQueriesTest.HAL;
import static dev.beacon.job.analysts.AnalystQueriesTest.HAL_PROVISIONAL;
import static dev.beacon.job.analysts.AnalystQueriesTest.LOBBY_1;
import static dev.beacon.job.analysts.AnalystQueriesTest.LOBBY_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.job.testing.MiniClusters;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every analyst view (sql/migrations/R__analyst_views.sql), with exact rows, on a PostgreSQL the job filled from
 * {@link AnalystStream}; among them the three that had no test before: v_fact_audit_trail (aliases followed),
 * v_notification_outcomes_hourly and v_dead_letter_summary. Wall-clock columns (processing, failure and detection
 * times) are checked against the run's start and end, and the hourly percentiles against the audit rows.
 */
class AnalystViewsTest {

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

    @Test
    void everyViewIsTestedHere() {
        assertThat(PG.query("SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY viewname"))
                .extracting(r -> r.get("viewname")).containsExactly("v_backfill_finds", "v_daily_emergency_calls",
                        "v_dead_letter_summary", "v_detection_latency", "v_emergency_calls", "v_fact_audit_trail",
                        "v_notification_outcomes_hourly", "v_notifications_per_call", "v_open_calls",
                        "v_security_line_calls", "v_test_calls");
    }

    @Test
    void emergencyCallsAreTheRealOnesNewestFirstWithDirectorySiteAndEnd() {
        assertThat(rows.sql("SELECT * FROM v_emergency_calls", "fact_id", "caller_department", "site_id", "site_name",
                "location_source", "ended_at", "duration_seconds", "duration")).containsExactly(
                GRACE_EVENT + " | Research | null | null | emergency-call-event | null | null | null",
                HAL + " | null | null | null | null | null | null | null",
                DANA + " | Facilities | null | null | emergency-call-event | 2026-11-23T23:32:30Z | 150 | "
                        + PG.queryValue("SELECT make_interval(secs => 150)"),
                FRANK + " | Finance | null | null | null | null | null | null",
                EVE + " | null | null | null | null | null | null | null",
                ADA_3 + " | Finance | null | null | null | null | null | null",
                ADA_1 + " | Finance | b4 | Site b4 | site | null | null | null");
    }

    @Test
    void testCallsAreApart() {
        assertThat(rows.sql("SELECT * FROM v_test_calls", "fact_id", "dialed_number", "caller_upn", "site_id",
                "site_name", "call_started_at")).containsExactly(
                GRACE_TEST + " | 933 | grace@contoso.example | b7 | Site b7 | 2026-11-22T09:30:00Z");
    }

    @Test
    void securityLineCallsNewestFirst() {
        assertThat(rows.sql("SELECT * FROM v_security_line_calls", "fact_id", "called_line", "called_line_name",
                "caller_user_id", "caller_phone_number", "correlation_id", "call_started_at")).containsExactly(
                GARAGE + " | 4:+15550101 | Garage security | 4:+14255550123 | +14255550123 | "
                        + "c0ffee01-0000-4000-8000-000000000003 | 2026-11-23T11:00:00Z",
                LOBBY_2 + " | 4:+15550100 | Lobby security | 4:+14255550124 | +14255550124 | "
                        + "c0ffee01-0000-4000-8000-000000000002 | 2026-11-23T10:20:00Z",
                LOBBY_1 + " | 4:+15550100 | Lobby security | 4:+14255550123 | +14255550123 | "
                        + "c0ffee01-0000-4000-8000-000000000001 | 2026-11-22T10:15:00Z");
    }

    @Test
    void dailyCallsPerKind() {
        assertThat(rows.sql("SELECT * FROM v_daily_emergency_calls ORDER BY call_date", "call_date",
                "emergency_calls", "test_calls", "security_line_calls")).containsExactly(
                "2026-11-22 | 2 | 1 | 1", "2026-11-23 | 3 | 0 | 2", "2026-11-24 | 2 | 0 | 0");
    }

    @Test
    void factAuditTrailListsEveryNotificationOfACallUnderItsLiveId() {
        assertThat(rows.sql("SELECT * FROM v_fact_audit_trail ORDER BY fact_id, source_offset",
                "fact_id", "audited_fact_id", "source_offset", "item_index", "outcome", "change_type"))
                .containsExactlyInAnyOrderElementsOf(List.of(
                        ADA_1 + " | " + ADA_1 + " | 2 | 0 | emitted | created",
                        ADA_1 + " | " + ADA_1 + " | 3 | 0 | merged | created",
                        ADA_1 + " | " + ADA_1 + " | 16 | 0 | deleted | deleted",
                        GRACE_TEST + " | " + GRACE_TEST + " | 6 | 0 | emitted | created",
                        GRACE_TEST + " | " + GRACE_TEST + " | 7 | 0 | amended | updated",
                        ADA_3 + " | " + ADA_3 + " | 14 | 0 | emitted | created",
                        ADA_3 + " | " + ADA_3 + " | 15 | 0 | merged | created",
                        LOBBY_1 + " | " + LOBBY_1 + " | 19 | 0 | emitted | Microsoft.Communication.IncomingCall",
                        DANA + " | " + DANA + " | 20 | 0 | emitted | callStarted",
                        DANA + " | " + DANA + " | 21 | 0 | amended | callEnded",
                        EVE + " | " + EVE + " | 22 | 0 | recovered | created",
                        LOBBY_2 + " | " + LOBBY_2 + " | 23 | 0 | emitted | Microsoft.Communication.IncomingCall",
                        GARAGE + " | " + GARAGE + " | 24 | 0 | emitted | Microsoft.Communication.IncomingCall",
                        FRANK + " | " + FRANK + " | 25 | 0 | emitted | created",
                        GRACE_EVENT + " | " + GRACE_EVENT + " | 26 | 0 | emitted | callStarted",
                        // Hal's later message came first: audited under the provisional id, listed under the live one
                        HAL + " | " + HAL_PROVISIONAL + " | 27 | 0 | emitted | created",
                        HAL + " | " + HAL + " | 28 | 0 | merged | created"));
        assertThat(PG.query("SELECT alias_id::text AS alias, fact_id::text AS fact FROM fact_alias"))
                .containsExactly(Map.of("alias", HAL_PROVISIONAL, "fact", HAL));
        List<Map<String, Object>> trail = PG.query("SELECT fact_id::text AS f, processed_at FROM v_fact_audit_trail");
        assertThat(trail).allSatisfy(r -> assertThat(((Timestamp) r.get("processed_at")).toInstant())
                .isBetween(run.from(), run.to()));
        assertThat(trail).extracting(r -> r.get("f")).as("the view's own order: by call").isSorted();
    }

    @Test
    void notificationOutcomesPerHourWithIngestLatencyPercentiles() {
        List<Map<String, Object>> hourly = PG.query("SELECT * FROM v_notification_outcomes_hourly");
        Set<Instant> runHours = new java.util.HashSet<>(List.of(run.from().truncatedTo(ChronoUnit.HOURS),
                run.to().truncatedTo(ChronoUnit.HOURS)));
        Map<String, Long> perOutcome = new HashMap<>();
        for (Map<String, Object> r : hourly) {
            Instant hour = ((Timestamp) r.get("hour")).toInstant();
            assertThat(hour).isIn(runHours);
            perOutcome.merge((String) r.get("outcome"), (Long) r.get("notifications"), Long::sum);
            List<Long> latencies = PG.query("""
                    SELECT ingest_latency_ms FROM notification_audit
                    WHERE outcome = ? AND date_trunc('hour', processed_at) = ?""", r.get("outcome"), r.get("hour"))
                    .stream().map(a -> (Long) a.get("ingest_latency_ms")).toList();
            assertThat(latencies).hasSize(((Long) r.get("notifications")).intValue());
            assertThat((Double) r.get("p50_ingest_latency_ms"))
                    .isCloseTo(AnalystRows.percentileCont(latencies, 0.5), within(0.5));
            assertThat((Double) r.get("p99_ingest_latency_ms"))
                    .isCloseTo(AnalystRows.percentileCont(latencies, 0.99), within(0.5));
        }
        assertThat(perOutcome).isEqualTo(Map.ofEntries(
                Map.entry("emitted", 10L), Map.entry("merged", 3L), Map.entry("amended", 2L),
                Map.entry("deleted", 1L), Map.entry("recovered", 1L), Map.entry("duplicate", 1L),
                Map.entry("unchanged", 1L), Map.entry("ignored", 3L), Map.entry("invalid", 5L),
                Map.entry("lifecycle", 1L), Map.entry("needs-hydration", 1L), Map.entry("validation", 1L)));
    }

    @Test
    void deadLetterSummaryPerReason() {
        List<Map<String, Object>> summary = PG.query("SELECT * FROM v_dead_letter_summary ORDER BY reason");

        assertThat(AnalystRows.lines(summary, "reason", "dead_letters")).containsExactly(
                "client_state_mismatch | 1", "hmac_mismatch | 1", "malformed_json | 1", "too_deeply_nested | 1",
                "unknown_certificate | 1");
        for (Map<String, Object> r : summary) {
            assertThat(r.get("first_seen")).isEqualTo(r.get("last_seen")); // one each
            assertThat(((Timestamp) r.get("last_seen")).toInstant()).isBetween(run.from(), run.to());
        }
    }

    @Test
    void openCallsDetectionLatencyNotificationsAndBackfillFinds() {
        assertThat(rows.sql("SELECT fact_id FROM v_open_calls", "fact_id")).hasSize(10).doesNotContain(DANA);
        assertThat(rows.sql("SELECT fact_id FROM v_detection_latency ORDER BY call_started_at", "fact_id"))
                .as("Frank's start was inferred").containsExactly(ADA_1, GRACE_TEST, LOBBY_1, ADA_3, EVE, LOBBY_2,
                        GARAGE, DANA, HAL, GRACE_EVENT);
        assertThat(rows.sql("""
                SELECT count(*) FILTER (WHERE detection_delay_ms
                    = (extract(epoch FROM detected_at - call_started_at) * 1000)::bigint) AS consistent
                FROM v_detection_latency""", "consistent")).containsExactly("10");
        assertThat(rows.sql("SELECT sum(audited_notifications) AS n FROM v_notifications_per_call", "n"))
                .as("every audit row with a fact id").containsExactly("17");
        assertThat(rows.sql("SELECT * FROM v_backfill_finds", "fact_id", "recovered_notifications",
                "other_notifications", "backfill_only")).containsExactly(EVE + " | 1 | 0 | true");
    }
}
