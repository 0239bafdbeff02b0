-- Backfill (control plane, dev.beacon.control.backfill): how far each integration's messages have been listed
-- from Graph and published as FetchedMessages (origin backfill). A run lists [listed_through - overlap, now) and
-- advances listed_through only after everything in that window was acknowledged by Kafka; a failed run leaves it
-- and records the failure (with the time of the next attempt) so the leader retries with backoff.
CREATE TABLE backfill_cursor (
    integration_id       text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    listed_through       timestamptz,            -- null until the first successful run
    last_run_at          timestamptz,
    last_success_at      timestamptz,
    last_outcome         text,                   -- ok, graph-failed, throttled, publish-failed, sign-in-required, …
    messages_published   bigint      NOT NULL DEFAULT 0,  -- by the last successful run
    messages_skipped     bigint      NOT NULL DEFAULT 0,  -- system events etc. seen by the last successful run
    consecutive_failures integer     NOT NULL DEFAULT 0,
    next_attempt_at      timestamptz,            -- after a failure: not before this (backoff / Retry-After)
    requested_at         timestamptz,            -- ops asked for a run now (POST …/backfill)
    gaps_considered_through bigint   NOT NULL DEFAULT 0   -- highest delivery_gap.gap_id a successful run took in
);

-- Gaps the backfill still has to cover (reads all of them each round).
CREATE INDEX delivery_gap_not_backfilled_idx ON delivery_gap (integration_id) WHERE backfilled_at IS NULL;
