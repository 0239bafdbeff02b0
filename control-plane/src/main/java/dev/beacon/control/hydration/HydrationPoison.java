package dev.beacon.control.hydration;

import dev.beacon.control.kafka.DeadLetterReason;

/**
 * Why a {@code graph-needs-hydration} record can never be hydrated, however often it is retried. Such a record goes
 * to the hydration dead-letter topic with {@link #label()} as its {@code reason}, then is committed. Graph or Kafka
 * being down is never a reason: those records wait and are retried.
 */
public enum HydrationPoison implements DeadLetterReason {
    EMPTY_RECORD("empty-record"),
    NOT_JSON("not-json"),
    /** Not a HydrationRequestRecord: not an object, no chat or message id, a field of the wrong type. */
    INVALID_REQUEST("invalid-request"),
    /** No integration serves the subscription, and the tenant does not name exactly one. */
    UNKNOWN_SUBSCRIPTION("unknown-subscription"),
    /** Graph answered 403: the app may not read the chat; retrying will not help (ops can replay the letter). */
    FORBIDDEN("forbidden"),
    /** Graph refused the request itself (400 and other 4xx but 401/403/404/429): the ids are malformed. */
    GRAPH_REJECTED("graph-rejected");

    private final String label;

    HydrationPoison(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
