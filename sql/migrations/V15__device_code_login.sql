-- The device-code sign-in's progress, shared by every control-plane replica, so `beaconctl login` may poll any
-- replica behind the load balancer (no sticky routing) and a second `login` anywhere joins the running sign-in.
-- The replica that started the flow polls Entra and writes each change; the others only read. flow_id
-- guards those writes: a late write of an older flow never overwrites a newer one.
-- live_until is by the database clock (now()), like integration_lease: the code's lifetime plus one poll and one
-- Entra call (so the owner's own outcome normally lands first). While phase is pending/slow-down and live_until is
-- ahead, the flow runs; after it (the code expired, or the owner died mid-flow) the row reads as expired and the
-- next `login` replaces it. expires_at is the code's expiry as the API shows it.
-- The user code is sealed with the vault key (it signs a person in to Beacon's app for the next minutes).
CREATE TABLE device_code_login (
    integration_id       text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    flow_id              uuid        NOT NULL,
    phase                text        NOT NULL,
    verification_uri     text,
    user_code_sealed     bytea,
    message              text,
    expires_at           timestamptz,
    live_until           timestamptz NOT NULL,
    username             text,
    detail               text,
    started_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
