-- Analyst views. Repeatable migration: re-applied whenever this file changes.

-- Views whose columns changed are dropped and created again: CREATE OR REPLACE VIEW can only append columns.
-- (Nothing in the schema depends on these views.)
-- Views built on other views go first (v_notifications_per_call and v_backfill_finds read v_fact_audit_trail).
DROP VIEW IF EXISTS v_notifications_per_call;
DROP VIEW IF EXISTS v_backfill_finds;
DROP VIEW IF EXISTS v_emergency_calls;
DROP VIEW IF EXISTS v_test_calls;
DROP VIEW IF EXISTS v_daily_emergency_calls;
DROP VIEW IF EXISTS v_security_line_calls;

-- Real Teams emergency calls (933 test calls and security-line calls excluded), newest first. Caller details come
-- from Graph's emergency call event or the directory; site_* from the event's location or the site ops mapped the
-- location text to; ended_at and duration stay NULL until Graph says the call ended.
CREATE VIEW v_emergency_calls AS
SELECT fact_id,
       tenant_id,
       caller_user_id,
       caller_display_name,
       caller_upn,
       caller_phone_number,
       caller_department,
       caller_job_title,
       caller_office_location,
       dialed_number,
       policy_name,
       location_text,
       location ->> 'source'                     AS location_source,
       site_id,
       location ->> 'site_name'                  AS site_name,
       location ->> 'address'                    AS address,
       location ->> 'building'                   AS building,
       location ->> 'floor'                      AS floor,
       latitude,
       longitude,
       call_started_at,
       detected_at,
       detected_at - call_started_at             AS detection_delay,
       ended_at,
       duration_seconds,
       make_interval(secs => duration_seconds)   AS duration,
       notification_count,
       deleted_count,
       sources,
       revision
FROM emergency_call
WHERE kind = 'emergency' AND NOT is_test_call
ORDER BY call_started_at DESC;

-- Test calls (e.g. 933), kept apart so drills never inflate real-call figures.
CREATE VIEW v_test_calls AS
SELECT fact_id, tenant_id, caller_user_id, caller_display_name, dialed_number, location_text, call_started_at,
       caller_upn, site_id, location ->> 'site_name' AS site_name, ended_at, duration_seconds
FROM emergency_call
WHERE kind = 'emergency' AND is_test_call
ORDER BY call_started_at DESC;

-- Calls to the security lines ops configured (Azure Communication Services IncomingCall), newest first.
-- called_line is the ACS raw id (4:+15550100 for a number, 28:orgid:<guid> for a Teams resource account).
CREATE VIEW v_security_line_calls AS
SELECT fact_id,
       tenant_id,
       called_line,
       called_line_name,
       caller_user_id,
       caller_display_name,
       caller_phone_number,
       caller_upn,
       caller_department,
       site_id,
       location ->> 'site_name'                  AS site_name,
       call_started_at,
       detected_at,
       detected_at - call_started_at             AS detection_delay,
       ended_at,
       duration_seconds,
       make_interval(secs => duration_seconds)   AS duration,
       correlation_id,
       server_call_id,
       sources,
       revision
FROM emergency_call
WHERE kind = 'security-line'
ORDER BY call_started_at DESC;

-- Calls per tenant and UTC day, by kind.
CREATE VIEW v_daily_emergency_calls AS
SELECT tenant_id,
       (call_started_at AT TIME ZONE 'UTC')::date                               AS call_date,
       count(*) FILTER (WHERE kind = 'emergency' AND NOT is_test_call)           AS emergency_calls,
       count(*) FILTER (WHERE kind = 'emergency' AND is_test_call)               AS test_calls,
       count(*) FILTER (WHERE kind = 'security-line')                            AS security_line_calls
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

-- ---- Views behind the example queries of docs/analysts.md (sql/queries/*.sql) ---------------------------------

-- Calls with no end: ended_at stays NULL until Graph's emergency call event feed says callEnded. Only calls that
-- feed reported can ever end (awaits_call_ended); a chat-only or security-line fact never ends, so this view holds
-- every such call: filter on last_updated_at (sql/queries/open_calls.sql). last_updated_at is the newest revision:
-- a fact keeps changing (merges, amendments, directory and site updates) while the job holds it open
-- (state.fact-ttl, two days by default, after its last change).
DROP VIEW IF EXISTS v_open_calls;
CREATE VIEW v_open_calls AS
SELECT fact_id,
       tenant_id,
       kind,
       is_test_call,
       caller_user_id,
       caller_display_name,
       site_id,
       call_started_at,
       updated_at                                                              AS last_updated_at,
       revision,
       EXISTS (SELECT 1 FROM unnest(sources) s WHERE s LIKE 'emergency-call-event:%') AS awaits_call_ended
FROM emergency_call
WHERE ended_at IS NULL
ORDER BY call_started_at DESC;

-- Dial-to-detection latency per call: from the call's start (the chat message's createdDateTime, Graph's
-- callStarted or ACS's ring) to the first time Beacon published the fact. Calls whose start time was inferred
-- from the notification's timestamp (the message had no createdDateTime) are left out: their start is late.
DROP VIEW IF EXISTS v_detection_latency;
CREATE VIEW v_detection_latency AS
SELECT fact_id,
       tenant_id,
       kind,
       is_test_call,
       call_started_at,
       detected_at,
       detected_at - call_started_at                                  AS detection_delay,
       (extract(epoch FROM detected_at - call_started_at) * 1000)::bigint AS detection_delay_ms
FROM emergency_call
WHERE NOT call_started_at_inferred;

-- How many notifications fed each call, by outcome, from the audit trail (aliases followed). notification_count
-- is the number of distinct emergency messages the fact holds; audited_notifications also counts updates.
CREATE VIEW v_notifications_per_call AS
SELECT c.fact_id,
       c.tenant_id,
       c.kind,
       c.is_test_call,
       c.call_started_at,
       c.notification_count,
       c.deleted_count,
       count(t.fact_id)                                         AS audited_notifications,
       count(t.fact_id) FILTER (WHERE t.outcome = 'emitted')    AS emitted,
       count(t.fact_id) FILTER (WHERE t.outcome = 'merged')     AS merged,
       count(t.fact_id) FILTER (WHERE t.outcome = 'amended')    AS amended,
       count(t.fact_id) FILTER (WHERE t.outcome = 'deleted')    AS deleted,
       count(t.fact_id) FILTER (WHERE t.outcome = 'recovered')  AS recovered
FROM emergency_call c
LEFT JOIN v_fact_audit_trail t ON t.fact_id = c.fact_id
GROUP BY c.fact_id;

-- Calls the control plane's backfill found (audit outcome 'recovered': Graph never delivered that message's
-- notification). backfill_only: nothing but the backfill ever reported the call.
CREATE VIEW v_backfill_finds AS
WITH found AS (  -- the few calls with a 'recovered' row (notification_audit_recovered_idx), aliases followed
    SELECT DISTINCT COALESCE(fa.fact_id, a.fact_id) AS fact_id
    FROM notification_audit a
    LEFT JOIN fact_alias fa ON fa.alias_id = a.fact_id
    WHERE a.outcome = 'recovered' AND a.fact_id IS NOT NULL
)
SELECT c.fact_id,
       c.tenant_id,
       c.kind,
       c.is_test_call,
       c.caller_user_id,
       c.call_started_at,
       c.detected_at,
       count(*) FILTER (WHERE t.outcome = 'recovered')           AS recovered_notifications,
       count(*) FILTER (WHERE t.outcome <> 'recovered')          AS other_notifications,
       count(*) FILTER (WHERE t.outcome <> 'recovered') = 0      AS backfill_only
FROM found
JOIN emergency_call c ON c.fact_id = found.fact_id
JOIN v_fact_audit_trail t ON t.fact_id = c.fact_id
GROUP BY c.fact_id;
