package dev.beacon.control.lifecycle;

/**
 * Why a {@code graph-lifecycle} record can never be handled, however often it is retried. Such a record goes to the
 * dead-letter topic with {@link #label()} as its {@code reason}, then is committed. A dependency being down is never
 * a poison reason: those events wait and are retried.
 */
public enum PoisonReason implements dev.beacon.control.kafka.DeadLetterReason {
    EMPTY_RECORD("empty-record"),
    NOT_JSON("not-json"),
    NOT_AN_OBJECT("not-an-object"),
    MISSING_SUBSCRIPTION_ID("missing-subscription-id"),
    MISSING_LIFECYCLE_EVENT("missing-lifecycle-event"),
    UNKNOWN_LIFECYCLE_EVENT("unknown-lifecycle-event"),
    INVALID_FIELD("invalid-field");

    private final String label;

    PoisonReason(String label) {
        this.label = label;
    }

    /** The stable name used in dead letters, logs and the metric's {@code reason} tag. */
    @Override
    public String label() {
        return label;
    }
}
