-- Reference data ops maintain (control plane, dev.beacon.control.sites and dev.beacon.control.lines) and hand to
-- the job on compacted Kafka topics (contracts ReferenceTopics): sites on beacon-sites, security lines on
-- beacon-security-lines. A row changes only after Kafka acknowledged the record that says so (the API writes the
-- row and publishes in one database transaction, committed after the broker's ack), so the topic never misses a
-- change that the table has.

-- A place a call can come from: the job matches a fact's location text against match_terms (case-insensitively)
-- and gives the fact the site's structured location.
CREATE TABLE site (
    site_id      text        PRIMARY KEY CHECK (site_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    tenant_id    text,                       -- null: the site applies to every tenant
    name         text        NOT NULL,
    match_terms  text[]      NOT NULL CHECK (cardinality(match_terms) > 0),  -- the name is always one of them
    address      text,
    building     text,
    floor        text,
    latitude     double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude    double precision CHECK (longitude BETWEEN -180 AND 180),
    responders   text[]      NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);

-- A security line ops configured for an integration: an ACS IncomingCall to it becomes a fact. line_id is the
-- ACS raw id (4:+15550100, 28:orgid:<guid>) and the topic key, so one line belongs to one integration. No foreign
-- key to integration: a cascade would drop lines silently (their records would stay on the topic); removing an
-- integration removes its lines one by one, each after its tombstone was acknowledged.
CREATE TABLE security_line (
    line_id          text        PRIMARY KEY,
    integration_id   text        NOT NULL,
    name             text,                   -- what ops called it; the resource account's name wins
    published_record text,                   -- the SecurityLineRecord JSON last acknowledged by Kafka
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_line_integration_idx ON security_line (integration_id);

-- Teams resource accounts as Graph listed them (GET /beta/admin/teams/resourceAccounts), per integration; replaced
-- by each successful sync. They fill the descriptive fields of a line's record.
CREATE TABLE resource_account (
    integration_id      text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    account_id          text        NOT NULL,   -- Entra object id, lower case (28:orgid:<account_id>)
    display_name        text,
    user_principal_name text,
    phone_number        text,                   -- E.164 (Graph's tel: prefix removed), or null
    acs_resource_id     text,
    app_id              text,
    synced_at           timestamptz NOT NULL,
    PRIMARY KEY (integration_id, account_id)
);

-- How the resource-account sync of each integration went (the leader runs it every
-- BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL).
CREATE TABLE resource_account_sync (
    integration_id   text        PRIMARY KEY REFERENCES integration ON DELETE CASCADE,
    status           text        NOT NULL CHECK (status IN ('ok', 'not-permitted', 'sign-in-required', 'failed')),
    detail           text,
    accounts         integer     NOT NULL DEFAULT 0,
    last_attempt_at  timestamptz NOT NULL,
    last_success_at  timestamptz
);
