-- Hydration outcomes the control plane must remember: a message Graph no longer has (404: deleted before we
-- fetched it) or would not give us (403). Fetched messages are not recorded here: they go to the job's input topic.
-- Written only by the control plane's hydration consumer; one row per message, the latest outcome wins (a request
-- handled again after a restart updates its row).
CREATE TABLE hydration_outcome (
    integration_id   text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    chat_id          text        NOT NULL,
    message_id       text        NOT NULL,
    subscription_id  text,                   -- from the notification; NULL when it named none
    tenant_id        text,                   -- from the notification
    outcome          text        NOT NULL CHECK (outcome IN ('deleted', 'forbidden')),
    graph_status     integer     NOT NULL,   -- what Graph answered: 404, 403
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, chat_id, message_id)
);

CREATE INDEX hydration_outcome_recorded_at ON hydration_outcome (recorded_at);
