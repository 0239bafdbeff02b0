package dev.beacon.control.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a {@link LifecycleHandler} when a dependency it needs is down (Graph 5xx/429, no answer) and the event
 * was therefore not acted on. The consumer keeps the event, backs off and retries it; {@code retryAfter} (Graph's
 * {@code Retry-After}) is a lower bound for the wait. Any other {@link RuntimeException} is treated the same way;
 * this one only carries the hint. The message must not contain secrets (it is logged by class name only anyway).
 */
public final class RetryLaterException extends RuntimeException {

    private final Duration retryAfter;

    public RetryLaterException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
