-- Dial-to-detection latency (detected_at - call_started_at) per kind, in milliseconds: p50, p95, p99 and the
-- worst, over real calls (test calls left out). Calls whose start time was inferred are excluded by the view.
-- A backfill find (v_backfill_finds) is detected late by nature: add
--   AND fact_id NOT IN (SELECT fact_id FROM v_backfill_finds)
-- to measure the live path only, and AND call_started_at >= now() - interval '30 days' for a period.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT kind,
       count(*)                                                                AS calls,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY detection_delay_ms)        AS p50_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY detection_delay_ms)        AS p95_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY detection_delay_ms)        AS p99_ms,
       max(detection_delay_ms)                                                 AS max_ms
FROM v_detection_latency
WHERE NOT is_test_call
GROUP BY kind
ORDER BY kind;
