-- Every source of truth about a call (issue 10): Graph's emergency call events, the directory, ops' sites, and
-- calls to security lines (Azure Communication Services). Column names match the fact JSON (snake_case).
-- Existing rows are emergency calls without any of the new facts: every new column is optional but kind.

ALTER TABLE emergency_call
    ADD COLUMN kind text NOT NULL DEFAULT 'emergency'
        CONSTRAINT emergency_call_kind_check CHECK (kind IN ('emergency', 'security-line')),
    -- The caller, from the emergency call event (UPN, number) or the directory (the rest).
    ADD COLUMN caller_upn             text,
    ADD COLUMN caller_phone_number    text,
    ADD COLUMN caller_department      text,
    ADD COLUMN caller_job_title       text,
    ADD COLUMN caller_office_location text,
    -- The Teams emergency calling policy the event named.
    ADD COLUMN policy_name            text,
    -- The structured location as published ({"source": "emergency-call-event" | "site", "site_id", "site_name",
    -- "address", "building", "floor", "house_number", "street", "city", "state", "postal_code",
    -- "country_or_region", "latitude", "longitude", "responders": [..]}); site_id and the coordinates are copied
    -- out of it so that analysts can filter and index without jsonb.
    ADD COLUMN location               jsonb CONSTRAINT emergency_call_location_check
        CHECK (location IS NULL OR jsonb_typeof(location) = 'object'),
    ADD COLUMN site_id                text,
    -- WGS84 degrees as the feed reported them; unchecked on purpose: a bad coordinate in one event must not
    -- stop the sink (the job fails rather than drop a row the schema rejects).
    ADD COLUMN latitude               double precision,
    ADD COLUMN longitude              double precision,
    -- When Graph's callEnded event said the call ended, and its length from call_started_at; null while open.
    ADD COLUMN ended_at               timestamptz,
    ADD COLUMN duration_seconds       bigint
        CONSTRAINT emergency_call_duration_check CHECK (duration_seconds >= 0),
    -- Security-line calls: the line called (ACS raw id, e.g. 4:+15550100) and its name, and ACS's call ids.
    ADD COLUMN called_line            text,
    ADD COLUMN called_line_name       text,
    ADD COLUMN correlation_id         text,
    ADD COLUMN server_call_id         text;

CREATE INDEX emergency_call_kind_started_idx ON emergency_call (kind, call_started_at DESC);
CREATE INDEX emergency_call_site_idx ON emergency_call (site_id) WHERE site_id IS NOT NULL;
