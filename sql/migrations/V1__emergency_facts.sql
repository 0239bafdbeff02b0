-- Beacon core tables, written by the Flink job.
-- Column names match the JSON field names of the facts Beacon publishes (snake_case).
-- Every table is keyed so that the job's at-least-once writes are idempotent upserts.

-- One row per emergency call. The job upserts by fact_id; a row's revision never goes backwards.
CREATE TABLE emergency_call (
    fact_id             uuid        PRIMARY KEY,
    tenant_id           text        NOT NULL,
    caller_user_id      text        NOT NULL,
    caller_display_name text,
    dialed_number       text,
    is_test_call        boolean     NOT NULL,
    location_text       text,
    call_started_at     timestamptz NOT NULL,
    detected_at         timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    notification_count  integer     NOT NULL CHECK (notification_count >= 0),
    deleted_count       integer     NOT NULL DEFAULT 0 CHECK (deleted_count >= 0),
    revision            integer     NOT NULL CHECK (revision >= 1),
    sources             text[]      NOT NULL,
    -- [{"chat_id":..,"message_id":..,"subscription_id":..,"created_at":..,"deleted":..}], no content
    message_refs        jsonb       NOT NULL
);

CREATE INDEX emergency_call_started_idx ON emergency_call (call_started_at DESC);
CREATE INDEX emergency_call_tenant_caller_idx ON emergency_call (tenant_id, caller_user_id);

-- One row per processed notification (not per record: a Graph collection holds several).
-- Ids and outcomes only: chat content is never stored here.
CREATE TABLE notification_audit (
    source            text        NOT NULL,  -- Kafka topic, or capture file in replay mode
    source_partition  integer     NOT NULL,
    source_offset     bigint      NOT NULL,
    item_index        integer     NOT NULL,  -- position in value[]; -1 for the record as a whole
    tenant_id         text,
    subscription_id   text,
    change_type       text,
    chat_id           text,
    message_id        text,
    outcome           text        NOT NULL
        CHECK (outcome IN ('emitted', 'merged', 'amended', 'unchanged', 'duplicate', 'deleted', 'ignored',
                           'invalid', 'needs-hydration', 'validation', 'lifecycle')),
    reason            text,
    fact_id           uuid,
    processed_at      timestamptz NOT NULL,
    ingest_latency_ms bigint,
    PRIMARY KEY (source, source_partition, source_offset, item_index)
);

CREATE INDEX notification_audit_fact_idx ON notification_audit (fact_id) WHERE fact_id IS NOT NULL;
CREATE INDEX notification_audit_processed_idx ON notification_audit (processed_at DESC);

-- Records or notifications the job could not process. raw holds what arrived (rich notifications stay encrypted).
CREATE TABLE dead_letter (
    source           text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    item_index       integer     NOT NULL,
    reason           text        NOT NULL,
    detail           text,
    raw              text        NOT NULL,
    raw_truncated    boolean     NOT NULL DEFAULT false,
    failed_at        timestamptz NOT NULL,
    PRIMARY KEY (source, source_partition, source_offset, item_index)
);

CREATE INDEX dead_letter_reason_idx ON dead_letter (reason, failed_at DESC);
