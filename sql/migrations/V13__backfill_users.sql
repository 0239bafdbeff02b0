-- The users whose chats the backfill lists for an app-only integration subscribed to the tenant-wide
-- /chats/getAllMessages, which Graph cannot list: GET /users/{id | userPrincipalName}/chats/getAllMessages is per user.
-- They are the security desk (the emergency calling policy's notification group). Personal data: an Entra object id
-- or a user principal name (an e-mail-like sign-in name); removed with the integration.
-- Written by the control plane (beaconctl integrations add --backfill-user / set-backfill-users).
CREATE TABLE backfill_user (
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    user_ref             text        NOT NULL CHECK (length(user_ref) BETWEEN 1 AND 256),
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, user_ref)
);
