-- Indexes for the analyst views and example queries (docs/analysts.md, sql/queries/*.sql), kept to the ones the
-- planner picks on a year of volume (job AnalystIndexesTest prints the plans). The existing ones already serve
-- calls by kind and start (emergency_call_kind_started_idx: latency, security lines), sites, the audit trail
-- (notification_audit_fact_idx, fact_alias_fact_idx) and dead letters per reason (dead_letter_reason_idx); calls per
-- day, site, department and month read most of the table, where a sequential scan is the fastest plan.

-- Open calls (sql/queries/open_calls.sql): calls without an end that the job still holds open, by last change.
CREATE INDEX emergency_call_open_idx ON emergency_call (updated_at DESC) WHERE ended_at IS NULL;

-- Dead letters of the last 24 hours / 7 days across all reasons (sql/queries/dead_letters_by_reason.sql).
CREATE INDEX dead_letter_failed_at_idx ON dead_letter (failed_at DESC);

-- Backfill finds (v_backfill_finds): the few audit rows with outcome 'recovered'.
CREATE INDEX notification_audit_recovered_idx ON notification_audit (fact_id) WHERE outcome = 'recovered';
