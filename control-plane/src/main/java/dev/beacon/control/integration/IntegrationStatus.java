package dev.beacon.control.integration;

import java.util.Locale;

/** What ops see for an integration; anything but ACTIVE needs a look, and some need a human. */
public enum IntegrationStatus {
    NEEDS_SIGN_IN, SIGNING_IN, ACTIVE, NEEDS_INTERACTION, QUOTA_EXCEEDED, ERROR, DISABLED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static IntegrationStatus parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** True when no automatic action can fix it: an operator must sign in again or act on quotas. */
    public boolean needsHuman() {
        return this == NEEDS_SIGN_IN || this == NEEDS_INTERACTION || this == QUOTA_EXCEEDED;
    }
}
