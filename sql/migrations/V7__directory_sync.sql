-- Directory sync (control plane, dev.beacon.control.directory): per integration, the Graph /users/delta cursor and
-- the outcome of the last sync. The users themselves are not stored here: they go to the compacted Kafka topic
-- beacon-directory (see docs/personal-data.md). delta_link moves only after Kafka acknowledged every record of the
-- round it ends; NULL means the next sync is a full one.
CREATE TABLE directory_sync (
    integration_id       text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    delta_link           text,                   -- Graph's @odata.deltaLink (path after /v1.0), null: full sync next
    last_synced_at       timestamptz,            -- end of the last successful sync
    users_published      bigint      NOT NULL DEFAULT 0,  -- records (users and tombstones) of the last successful sync
    status               text,                   -- ok, not-permitted, throttled, graph-failed, sign-in-required,
                                                 -- publish-failed, failed; null before the first attempt
    detail               text,                   -- what went wrong (HTTP status, the missing permission), never data
    last_attempt_at      timestamptz,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    next_attempt_at      timestamptz,            -- after a failure: not before this (backoff / Retry-After)
    requested_at         timestamptz             -- ops asked for a sync now (POST …/directory-sync)
);
