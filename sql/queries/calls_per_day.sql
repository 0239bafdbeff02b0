-- Calls per day: real emergency calls, test calls (e.g. 933) and security-line calls per tenant and UTC day.
-- Source: v_daily_emergency_calls (one row per tenant and day that had any call). Days are UTC: for another
-- time zone group emergency_call yourself, e.g. (call_started_at AT TIME ZONE 'Europe/Berlin')::date.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT tenant_id,
       call_date,
       emergency_calls,
       test_calls,
       security_line_calls
FROM v_daily_emergency_calls
ORDER BY call_date, tenant_id;
