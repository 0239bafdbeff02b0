package dev.beacon.control.graph;

import java.time.Duration;
import java.util.Optional;

/**
 * A Graph call that failed: Graph's HTTP status and error code, or status 0 when no answer arrived (I/O error,
 * timeout). The message is Graph's error message with any secret we sent scrubbed out; never a token or clientState.
 */
public final class GraphException extends Exception {

    /** Status used when Graph did not answer at all. */
    public static final int NO_RESPONSE = 0;

    private final int status;
    private final String code;
    private final String graphMessage;
    private final Duration retryAfter;

    public GraphException(String operation, int status, String code, String graphMessage, Duration retryAfter,
                          Throwable cause) {
        super(operation + " failed: " + (status == NO_RESPONSE ? "no response" : "HTTP " + status)
                + (code == null ? "" : " " + code) + (graphMessage == null ? "" : ": " + graphMessage), cause);
        this.status = status;
        this.code = code;
        this.graphMessage = graphMessage;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** Graph's {@code error.code}, e.g. {@code InvalidRequest}; null when the body had none. */
    public String code() {
        return code;
    }

    /** Graph's {@code error.message} (scrubbed), or null. */
    public String graphMessage() {
        return graphMessage;
    }

    /** The {@code Retry-After} Graph asked for, if any. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean notFound() {
        return status == 404;
    }

    public boolean conflict() {
        return status == 409;
    }

    public boolean forbidden() {
        return status == 403;
    }

    /** 429 or 503: Graph asks us to slow down. */
    public boolean throttled() {
        return status == 429 || status == 503;
    }

    /** Worth another try later: throttling, 5xx, or no answer. Other 4xx need a change on our side. */
    public boolean transientFailure() {
        return status == NO_RESPONSE || status == 429 || status >= 500;
    }
}
