package dev.beacon.job.analysts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.PostgresFixture;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The indexes of V12__analyst_indexes.sql are the ones PostgreSQL's planner picks for the example queries on a
 * year of synthetic volume (200,000 calls, 600,000 audit rows, 100,000 dead letters; correctness is tested on the
 * job's own rows by {@link AnalystQueriesTest}). Prints each query's plan and execution time (measured, not
 * asserted).
 */
class AnalystIndexesTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @BeforeAll
    static void aYearOfCalls() {
        PG.execute("""
                INSERT INTO emergency_call (fact_id, tenant_id, caller_user_id, is_test_call, call_started_at,
                    detected_at, updated_at, notification_count, revision, sources, message_refs, kind,
                    caller_department, site_id, called_line, ended_at)
                SELECT md5('call' || i)::uuid, 'tenant-' || (i % 5), 'user-' || (i % 5000), i % 20 = 0,
                       now() - i * interval '150 seconds', now() - i * interval '150 seconds' + interval '3 s',
                       now() - i * interval '150 seconds' + interval '3 s', 2, 2, ARRAY['graph:sub'], '[]',
                       CASE WHEN i % 10 = 0 THEN 'security-line' ELSE 'emergency' END, 'dept-' || (i % 40),
                       'site-' || (i % 200), CASE WHEN i % 10 = 0 THEN '4:+1555010' || (i % 7) END,
                       CASE WHEN i % 7 = 0 AND i > 200 THEN now() - i * interval '150 seconds' + interval '2 min' END
                FROM generate_series(1, 200000) i""");
        PG.execute("""
                INSERT INTO notification_audit (source, source_partition, source_offset, item_index, outcome,
                    fact_id, processed_at, ingest_latency_ms)
                SELECT 'teams-events', 0, i, 0,
                       CASE WHEN i % 2000 = 0 THEN 'recovered' WHEN i % 3 = 0 THEN 'emitted' WHEN i % 3 = 1
                            THEN 'merged' ELSE 'ignored' END,
                       CASE WHEN i % 3 <> 2 THEN md5('call' || (i / 3 + 1))::uuid END,
                       now() - (i / 3) * interval '150 seconds', 40 + i % 100
                FROM generate_series(1, 600000) i""");
        PG.execute("""
                INSERT INTO dead_letter (source, source_partition, source_offset, item_index, reason, raw, failed_at)
                SELECT 'teams-events', 1, i, 0, (ARRAY['malformed_json', 'hmac_mismatch', 'client_state_mismatch',
                       'unknown_certificate'])[1 + i % 4], '{}', now() - i * interval '5 minutes'
                FROM generate_series(1, 100000) i""");
        PG.execute("ANALYZE");
    }

    @Test
    void theExampleQueriesUseTheAnalystIndexes() throws Exception {
        assertThat(plan("open_calls.sql")).contains("emergency_call_open_idx");
        assertThat(plan("dead_letters_by_reason.sql")).contains("dead_letter_failed_at_idx");
        assertThat(plan("backfill_only_finds.sql")).contains("notification_audit_recovered_idx");
        for (String file : AnalystRows.queryFiles()) {
            plan(file);
        }
    }

    /** EXPLAIN ANALYZE of a query file, printed; returns the plan's text. */
    private static String plan(String file) throws Exception {
        String sql = Files.readString(AnalystRows.QUERIES.resolve(file)).strip();
        List<String> lines = new ArrayList<>();
        try (Connection c = PG.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("EXPLAIN ANALYZE " + sql.substring(0, sql.length() - 1))) {
            while (r.next()) {
                lines.add(r.getString(1));
            }
        }
        String plan = String.join("\n", lines);
        System.out.println("=== " + file + "\n" + plan);
        return plan;
    }
}
