package dev.beacon.control.graph;

import dev.beacon.control.signin.SignInRequiredException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link GraphClient} retries one call, following Graph's throttling guidance:
 * <ul>
 *   <li>429/503 with {@code Retry-After}: wait exactly that long inline if it is at most {@code inlineRetryAfterCap}
 *       (default 10 s); otherwise give up at once and let the caller schedule the retry (the exception carries
 *       {@link GraphException#retryAfter()}), so a reconcile pass never blocks for minutes;</li>
 *   <li>429/503 without it, other 5xx and I/O errors: exponential backoff with full jitter;</li>
 *   <li>any other 4xx: not retried (the request itself is wrong or the resource is gone).</li>
 * </ul>
 * At most {@code maxAttempts} calls in all.
 */
public final class RetryPolicy {

    private static final Logger log = LoggerFactory.getLogger(RetryPolicy.class);

    /** One attempt of a Graph call. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws GraphException, SignInRequiredException;
    }

    private final int maxAttempts;
    private final Duration inlineRetryAfterCap;
    private final Backoff backoff;
    private final Sleeper sleeper;

    public RetryPolicy(int maxAttempts, Duration inlineRetryAfterCap, Backoff backoff, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.inlineRetryAfterCap = inlineRetryAfterCap;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    /** 4 attempts, Retry-After waited inline up to 10 s, backoff 500 ms doubling to 8 s, real sleeps. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new SecureRandom()), Sleeper.REAL);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration inlineRetryAfterCap() {
        return inlineRetryAfterCap;
    }

    public <T> T execute(String operation, Attempt<T> attempt) throws GraphException, SignInRequiredException {
        for (int n = 1; ; n++) {
            try {
                return attempt.call();
            } catch (GraphException e) {
                Optional<Duration> wait = waitBeforeRetry(e, n);
                if (wait.isEmpty()) {
                    throw e;
                }
                log.info("{}: attempt {}/{} failed with status {}, retrying in {} ms", operation, n, maxAttempts,
                        e.status(), wait.get().toMillis());
                try {
                    sleeper.sleep(wait.get());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** How long to wait before attempt {@code n + 1}, or empty to give up now. */
    private Optional<Duration> waitBeforeRetry(GraphException e, int n) {
        if (n >= maxAttempts || !e.transientFailure()) {
            return Optional.empty();
        }
        if (e.throttled() && e.retryAfter().isPresent()) {
            Duration asked = e.retryAfter().get();
            return asked.compareTo(inlineRetryAfterCap) <= 0 ? Optional.of(asked) : Optional.empty();
        }
        return Optional.of(backoff.delay(n));
    }
}
