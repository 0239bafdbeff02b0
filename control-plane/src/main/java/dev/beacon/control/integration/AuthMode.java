package dev.beacon.control.integration;

import java.util.Locale;

/** How the control plane signs in to an integration's tenant. */
public enum AuthMode {
    /** Delegated, public client: a dedicated service account signs in once with a device code. */
    DEVICE_CODE("device-code"),
    /** Delegated, confidential client: the service account consents in a browser; Entra redirects to our callback. */
    AUTH_CODE("auth-code"),
    /** App-only: client secret or certificate, no user. */
    CLIENT_CREDENTIALS("client-credentials");

    private final String dbValue;

    AuthMode(String dbValue) {
        this.dbValue = dbValue;
    }

    /** The value stored in {@code integration.auth_mode} and accepted by the CLI. */
    public String dbValue() {
        return dbValue;
    }

    public boolean delegated() {
        return this != CLIENT_CREDENTIALS;
    }

    public static AuthMode parse(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AuthMode m : values()) {
            if (m.dbValue.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown auth mode '" + s + "' (device-code, auth-code, client-credentials)");
    }
}
