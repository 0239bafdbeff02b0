package dev.beacon.control.alerts;

import java.util.Locale;

/** Which calls a route is for: real emergency calls, test calls (933 / is_test_call), or both. */
public enum CallScope {
    REAL, TEST, BOTH;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean covers(boolean testCall) {
        return this == BOTH || (this == TEST) == testCall;
    }

    public static CallScope of(String value) {
        for (CallScope c : values()) {
            if (c.dbValue().equalsIgnoreCase(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("calls must be real, test or both");
    }
}
