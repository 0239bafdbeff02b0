-- Analyst views. Repeatable migration: re-applied whenever this file changes.

-- Real emergency calls (933 test calls excluded), newest first.
CREATE OR REPLACE VIEW v_emergency_calls AS
SELECT fact_id,
       tenant_id,
       caller_user_id,
       caller_display_name,
       dialed_number,
       location_text,
       call_started_at,
       detected_at,
       detected_at - call_started_at AS detection_delay,
       notification_count,
       deleted_count,
       revision
FROM emergency_call
WHERE NOT is_test_call
ORDER BY call_started_at DESC;

-- Test calls (e.g. 933), kept apart so drills never inflate real-call figures.
CREATE OR REPLACE VIEW v_test_calls AS
SELECT fact_id, tenant_id, caller_user_id, caller_display_name, dialed_number, location_text, call_started_at
FROM emergency_call
WHERE is_test_call
ORDER BY call_started_at DESC;

-- Calls per tenant and UTC day.
CREATE OR REPLACE VIEW v_daily_emergency_calls AS
SELECT tenant_id,
       (call_started_at AT TIME ZONE 'UTC')::date AS call_date,
       count(*) FILTER (WHERE NOT is_test_call)   AS emergency_calls,
       count(*) FILTER (WHERE is_test_call)       AS test_calls
FROM emergency_call
GROUP BY tenant_id, (call_started_at AT TIME ZONE 'UTC')::date;

-- Every notification that fed a fact, with its outcome: the audit trail of one call. A notification audited under
-- a provisional id (see fact_alias) is listed under the call's live id.
DROP VIEW IF EXISTS v_fact_audit_trail;
CREATE VIEW v_fact_audit_trail AS
SELECT COALESCE(fa.fact_id, a.fact_id) AS fact_id, a.fact_id AS audited_fact_id, a.processed_at, a.outcome, a.change_type, a.chat_id, a.message_id, a.subscription_id,
       a.ingest_latency_ms, a.source, a.source_partition, a.source_offset, a.item_index
FROM notification_audit a
LEFT JOIN fact_alias fa ON fa.alias_id = a.fact_id
WHERE a.fact_id IS NOT NULL
ORDER BY 1, a.processed_at;

-- How the pipeline treated notifications, per hour and outcome.
CREATE OR REPLACE VIEW v_notification_outcomes_hourly AS
SELECT date_trunc('hour', processed_at) AS hour, outcome, count(*) AS notifications,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ingest_latency_ms)  AS p50_ingest_latency_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY ingest_latency_ms) AS p99_ingest_latency_ms
FROM notification_audit
GROUP BY 1, 2;

-- Dead letters per reason: what to look at first.
CREATE OR REPLACE VIEW v_dead_letter_summary AS
SELECT reason, count(*) AS dead_letters, min(failed_at) AS first_seen, max(failed_at) AS last_seen
FROM dead_letter
GROUP BY reason;
