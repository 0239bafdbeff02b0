package dev.beacon.control.hydration;

import java.time.Duration;
import java.util.Optional;

/**
 * A request was not hydrated because a dependency is down; it stays uncommitted and is retried after a backoff of
 * at least {@code retryAfter}. The message names the dependency and a status, never tokens or content.
 */
final class HydrationRetryException extends RuntimeException {

    /** Which dependency failed (for logs: the class name and this kind are what ops see). */
    enum Kind { GRAPH_THROTTLED, GRAPH_UNAVAILABLE, SIGN_IN_REQUIRED, PUBLISH_FAILED }

    private final Kind kind;
    private final Duration retryAfter;

    HydrationRetryException(Kind kind, String message, Duration retryAfter, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    Kind kind() {
        return kind;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
