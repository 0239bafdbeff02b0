-- Indexes for the analyst views and example queries (docs/analysts.md, sql/queries/*.sql). The existing ones
-- already serve calls per day (emergency_call_kind_started_idx), per site (emergency_call_site_idx), the audit
-- trail (notification_audit_fact_idx, fact_alias_fact_idx) and dead letters per reason (dead_letter_reason_idx).

-- Open calls (v_open_calls): few rows have no end, and they are the ones a desk looks at.
CREATE INDEX emergency_call_open_idx ON emergency_call (call_started_at DESC) WHERE ended_at IS NULL;

-- Calls per department (sql/queries/calls_per_department.sql).
CREATE INDEX emergency_call_department_idx ON emergency_call (tenant_id, caller_department) WHERE kind = 'emergency';

-- Security-line calls per line (sql/queries/security_line_calls_per_line.sql).
CREATE INDEX emergency_call_called_line_idx ON emergency_call (called_line, call_started_at DESC)
    WHERE kind = 'security-line';

-- Dead letters of the last 24 hours / 7 days across all reasons (sql/queries/dead_letters_by_reason.sql).
CREATE INDEX dead_letter_failed_at_idx ON dead_letter (failed_at DESC);

-- Backfill finds (v_backfill_finds): the few audit rows with outcome 'recovered'.
CREATE INDEX notification_audit_recovered_idx ON notification_audit (fact_id) WHERE outcome = 'recovered';
