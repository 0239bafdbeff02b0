-- Control-plane tables: integrations (tenants), the encrypted token vault, Graph subscriptions, their secrets and
-- certificates, gaps in delivery, and per-integration leadership. Written only by the control plane.
-- Every secret column holds a sealed box (AES-256-GCM, see dev.beacon.control.vault.SealedBox), never plaintext.

-- One connected Microsoft 365 tenant. integration_id is the org_id of /api/org/{org_id}/ms-teams/callback.
CREATE TABLE integration (
    integration_id       text        PRIMARY KEY CHECK (integration_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    display_name         text,
    tenant_id            text        NOT NULL,   -- Entra tenant id or verified domain
    client_id            text        NOT NULL,   -- app registration (application id)
    auth_mode            text        NOT NULL
        CHECK (auth_mode IN ('device-code', 'auth-code', 'client-credentials')),
    -- auth-code and client-credentials: 'secret' or 'certificate' (a PKCS12), sealed; device-code: none
    credential_kind      text        CHECK (credential_kind IN ('secret', 'certificate')),
    credential_sealed    bytea,
    status               text        NOT NULL DEFAULT 'needs-sign-in'
        CHECK (status IN ('needs-sign-in', 'signing-in', 'active', 'needs-interaction', 'quota-exceeded',
                          'error', 'disabled')),
    status_detail        text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- What should exist in Graph, per integration. resource may contain {user}: the signed-in account's object id.
CREATE TABLE desired_subscription (
    integration_id             text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    resource                   text        NOT NULL,   -- e.g. /users/{user}/chats/getAllMessages?model=B
    change_types               text        NOT NULL DEFAULT 'created,updated,deleted',
    notification_url           text        NOT NULL,   -- EventHub:…, EventGrid:…, or https webhook
    lifecycle_notification_url text,                   -- NULL: same as notification_url
    include_resource_data      boolean     NOT NULL DEFAULT true,
    lifetime_minutes           integer     NOT NULL DEFAULT 4320 CHECK (lifetime_minutes BETWEEN 45 AND 4320),
    PRIMARY KEY (integration_id, resource)
);

-- MSAL's token cache, one row per signed-in account, sealed. Superseded tokens are overwritten, never kept.
CREATE TABLE token_cache (
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    home_account_id      text        NOT NULL,
    username             text,
    cache_sealed         bytea       NOT NULL,
    vault_key_id         text        NOT NULL,   -- which vault key sealed it (rotation)
    access_expires_at    timestamptz,            -- of the cached Graph access token
    refreshed_at         timestamptz,            -- last time Entra issued a new refresh token (90-day clock)
    needs_interaction    boolean     NOT NULL DEFAULT false,
    status_detail        text,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, home_account_id)
);

-- clientState secrets. The job accepts every non-retired one; subscriptions reference theirs by id.
CREATE TABLE client_state (
    client_state_id      text        PRIMARY KEY,
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    secret_sealed        bytea       NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    retired_at           timestamptz
);

-- Certificates for rich notifications. certificate_id is the encryptionCertificateId sent to Graph and the
-- alias in the PKCS12 exported for the job. A retired key stays until no subscription references it.
CREATE TABLE encryption_certificate (
    certificate_id       text        PRIMARY KEY,
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    certificate_der      bytea       NOT NULL,   -- public X.509, sent to Graph
    private_key_sealed   bytea       NOT NULL,   -- PKCS8, sealed
    not_after            timestamptz NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    retired_at           timestamptz
);

-- Subscriptions as Graph knows them (its id), plus what the reconciler learned.
CREATE TABLE graph_subscription (
    subscription_id            text        PRIMARY KEY,
    integration_id             text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    desired_resource           text        NOT NULL,   -- desired_subscription.resource this serves
    resource                   text        NOT NULL,   -- as sent to Graph ({user} resolved)
    change_types               text        NOT NULL,
    notification_url           text        NOT NULL,
    lifecycle_notification_url text        NOT NULL,
    client_state_id            text        NOT NULL REFERENCES client_state,
    encryption_certificate_id  text        REFERENCES encryption_certificate,
    state                      text        NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'removed', 'deleted')),
    expires_at                 timestamptz NOT NULL,
    created_at                 timestamptz NOT NULL,
    last_renewed_at            timestamptz,
    renewal_count              integer     NOT NULL DEFAULT 0,
    failure_count              integer     NOT NULL DEFAULT 0,
    last_error                 text,
    next_attempt_at            timestamptz             -- backoff / Retry-After: no Graph call before this
);

CREATE INDEX graph_subscription_integration_idx ON graph_subscription (integration_id, state);

-- Periods in which notifications may have been lost (subscription removed or missing, 'missed' lifecycle event).
-- gap_to NULL: still open (the subscription is not back yet). The backfill (a later issue) closes the loop.
CREATE TABLE delivery_gap (
    gap_id               bigserial   PRIMARY KEY,
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    resource             text        NOT NULL,
    subscription_id      text,
    gap_from             timestamptz NOT NULL,
    gap_to               timestamptz,
    reason               text        NOT NULL,   -- subscription-removed, not-found, missed, expired
    recorded_at          timestamptz NOT NULL DEFAULT now(),
    backfilled_at        timestamptz
);

CREATE INDEX delivery_gap_open_idx ON delivery_gap (integration_id, resource) WHERE gap_to IS NULL;

-- Exactly one replica reconciles an integration at a time: it holds an unexpired lease (database clock).
CREATE TABLE integration_lease (
    integration_id       text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    holder               text        NOT NULL,
    acquired_at          timestamptz NOT NULL,
    expires_at           timestamptz NOT NULL
);
