package dev.beacon.control.alerts;

import java.util.Locale;

/** How a route delivers: a signed JSON webhook, a Teams incoming webhook / Workflows post, or e-mail. */
public enum AlertChannel {
    WEBHOOK, TEAMS, EMAIL;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AlertChannel of(String value) {
        for (AlertChannel c : values()) {
            if (c.dbValue().equalsIgnoreCase(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("channel must be webhook, teams or email");
    }
}
