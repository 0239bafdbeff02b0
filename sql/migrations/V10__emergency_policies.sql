-- Teams emergency calling policies whose Graph emergency call events an app-only integration subscribes to:
-- one subscription per (app, tenant, policy) on communications/calls/getEmergencyEventsByPolicy(policyName='…').
-- Written by the control plane (beaconctl integrations add --emergency-policy / set-policies).
CREATE TABLE emergency_policy (
    integration_id       text        NOT NULL REFERENCES integration ON DELETE CASCADE,
    policy_name          text        NOT NULL CHECK (length(policy_name) BETWEEN 1 AND 256),
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, policy_name)
);
