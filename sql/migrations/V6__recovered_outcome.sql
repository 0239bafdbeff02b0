-- Backfill (issue 8): a message that only the control plane's backfill found (Graph never delivered its
-- notification) feeds its fact like any other, and its audit row says so with the outcome 'recovered'.
-- V1 named the check after PostgreSQL's default: <table>_<column>_check.
ALTER TABLE notification_audit DROP CONSTRAINT notification_audit_outcome_check;
ALTER TABLE notification_audit ADD CONSTRAINT notification_audit_outcome_check
    CHECK (outcome IN ('emitted', 'merged', 'amended', 'unchanged', 'duplicate', 'deleted', 'ignored',
                       'invalid', 'needs-hydration', 'validation', 'lifecycle', 'recovered'));
