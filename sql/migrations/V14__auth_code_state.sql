-- The auth-code sign-in's short-lived state, shared by every control-plane replica, so the browser may reach any
-- replica for /connect and /callback (no sticky routing) and a restart in between does not lose a sign-in.
-- Expiry is by the database clock (now()), like integration_lease: replicas may disagree on the time.

-- A started sign-in, found by the SHA-256 of its OAuth `state` (the raw state is never stored). The PKCE verifier
-- and the redirect URI are sealed with the vault key (AES-256-GCM, bound to the integration and the state hash).
-- Redeemed by one DELETE ... RETURNING: single use across replicas. Rows are purged an hour after they expire.
CREATE TABLE auth_code_state (
    state_hash           bytea       PRIMARY KEY CHECK (length(state_hash) = 32),
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    pending_sealed       bytea       NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL
);
CREATE INDEX auth_code_state_expiry ON auth_code_state (expires_at);

-- Connect tickets already used (beaconctl login's one-time links), by the SHA-256 of the ticket's nonce: a ticket
-- works once across all replicas. Kept an hour past the ticket's expiry (replica clock skew), then purged.
CREATE TABLE connect_ticket_use (
    nonce_hash           bytea       PRIMARY KEY CHECK (length(nonce_hash) = 32),
    used_at              timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL
);
CREATE INDEX connect_ticket_use_expiry ON connect_ticket_use (expires_at);

-- The latest auth-code sign-in per integration, as `beaconctl login` polls it (GET .../login, any replica): pending
-- with its link (sealed: it holds the ticket), or how it ended. The username is the signed-in service account's.
CREATE TABLE auth_code_login (
    integration_id       text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    phase                text        NOT NULL,
    link_sealed          bytea,
    message              text,
    link_expires_at      timestamptz,
    username             text,
    detail               text,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
