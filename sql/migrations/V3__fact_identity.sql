-- Fact identity (issue 7): a call's fact_id is derived from its earliest message, so it can move while the
-- messages of a call still arrive out of order. Every id a call was published under and then left is recorded
-- here, and its emergency_call row is removed: emergency_call holds exactly one row per call.
CREATE TABLE fact_alias (
    alias_id      uuid        PRIMARY KEY,  -- a provisional id, never live again
    fact_id       uuid        NOT NULL,     -- the live id of the same call
    superseded_at timestamptz NOT NULL
);

CREATE INDEX fact_alias_fact_idx ON fact_alias (fact_id);

-- True when call_started_at came from the notification (record timestamp) because the message had no
-- createdDateTime; such a time is deterministic but may be seconds late.
ALTER TABLE emergency_call ADD COLUMN call_started_at_inferred boolean NOT NULL DEFAULT false;
