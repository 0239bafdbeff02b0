-- Alerts: the control plane's notifier reads emergency-call-facts and tells people (docs/alerts.md).

-- Where an integration's alerts go. Webhook and Teams URLs are secrets (a Teams URL carries its signature): they
-- are sealed in the vault like client secrets; target_redacted is what list/status show. E-mail recipients are
-- not secret and stay readable.
CREATE TABLE alert_route (
    route_id         text        PRIMARY KEY CHECK (route_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    integration_id   text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    channel          text        NOT NULL CHECK (channel IN ('webhook', 'teams', 'email')),
    calls            text        NOT NULL CHECK (calls IN ('real', 'test', 'both')),
    target_redacted  text        NOT NULL CHECK (length(target_redacted) <= 512),
    url_sealed       bytea,
    secret_sealed    bytea,
    recipients       text[],
    failing_since    timestamptz,
    failing_detail   text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((channel = 'email') = (recipients IS NOT NULL AND url_sealed IS NULL)),
    CHECK (channel <> 'webhook' OR secret_sealed IS NOT NULL)
);
CREATE INDEX alert_route_integration ON alert_route (integration_id);

-- One alert per call per route. A call can be published under several fact ids (a provisional id superseded by
-- the live one): every id it had maps to the same thread, so the live id continues the provisional id's alert.
CREATE TABLE alert_thread (
    thread_id        uuid        PRIMARY KEY,
    route_id         text        NOT NULL REFERENCES alert_route ON DELETE CASCADE,
    -- The fact as last delivered on this thread: what the next update compares with ("what changed").
    sent_fact        jsonb,
    -- E-mail: the first message's Message-ID; follow-ups carry it in In-Reply-To and References.
    root_message_id  text,
    root_subject     text,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_thread_fact (
    route_id         text        NOT NULL REFERENCES alert_route ON DELETE CASCADE,
    fact_id          text        NOT NULL,
    thread_id        uuid        NOT NULL REFERENCES alert_thread ON DELETE CASCADE,
    -- Set once a supersede names this id provisional: its replayed revisions are ignored, as in emergency_call.
    superseded_by    text,
    PRIMARY KEY (route_id, fact_id)
);

-- The audit of deliveries, and the deduplication key: one row per (route, fact id, revision). status: pending
-- (attempts so far failed, will retry), delivered, unchanged (a revision with nothing an alert shows: not sent),
-- dead (given up). last_error names the failure (HTTP status, exception class), never a URL, secret or content.
CREATE TABLE alert_delivery (
    route_id         text        NOT NULL REFERENCES alert_route ON DELETE CASCADE,
    fact_id          text        NOT NULL,
    revision         integer     NOT NULL,
    thread_id        uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('new', 'update')),
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'unchanged', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       text        CHECK (length(last_error) <= 300),
    detected_at      timestamptz,
    first_attempt_at timestamptz,
    delivered_at     timestamptz,
    latency_ms       bigint,
    PRIMARY KEY (route_id, fact_id, revision)
);
CREATE INDEX alert_delivery_status ON alert_delivery (status) WHERE status IN ('pending', 'dead');
