package dev.beacon.control.alerts;

import dev.beacon.control.kafka.DeadLetterReason;

/** Why a record of the facts topic can never become an alert; it goes to the alerts dead-letter topic. */
public enum AlertPoison implements DeadLetterReason {
    /** Not a Beacon fact event: no or another {@code ce_type}, no value, not JSON, no fact id or revision. */
    NOT_A_FACT("not-a-fact");

    private final String label;

    AlertPoison(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
