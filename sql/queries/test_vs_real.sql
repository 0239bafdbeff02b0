-- Test versus real emergency calls per tenant and UTC month: drills (test numbers such as 933) must never inflate
-- real-call figures. Security-line calls are neither and are left out.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT tenant_id,
       to_char(call_started_at AT TIME ZONE 'UTC', 'YYYY-MM')       AS month,
       count(*) FILTER (WHERE NOT is_test_call)                     AS real_calls,
       count(*) FILTER (WHERE is_test_call)                         AS test_calls,
       round(100.0 * count(*) FILTER (WHERE is_test_call) / count(*), 1) AS test_percent
FROM emergency_call
WHERE kind = 'emergency'
GROUP BY tenant_id, month
ORDER BY month, tenant_id;
