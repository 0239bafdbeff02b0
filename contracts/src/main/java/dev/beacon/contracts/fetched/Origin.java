package dev.beacon.contracts.fetched;

import java.util.Locale;

/** Why the control plane fetched a message from Graph. */
public enum Origin {
    /** Graph sent a notification without resource data; the control plane fetched the message it names. */
    HYDRATION,
    /** The control plane listed recent messages (on schedule, or to close a delivery gap). */
    BACKFILL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Origin fromLabel(String label) {
        for (Origin o : values()) {
            if (o.label().equals(label)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown origin");
    }
}
