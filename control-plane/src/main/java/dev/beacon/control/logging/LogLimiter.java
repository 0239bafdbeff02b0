package dev.beacon.control.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Rate-limits repeated identical failures in the log. The first occurrence of a key is logged in full (with its
 * cause); repeats within {@code window} are only counted; the first occurrence after the window logs the line once
 * more with "(repeated N times in the last M minutes)". One integration with a bad client secret, retried every
 * 5 s, is then one line per window instead of half the log.
 *
 * <p>The key says what "identical" means, e.g. {@code "sign-in:" + integrationId + ":" + detail}: a new cause is a
 * new key and is logged at once. Keys are kept while the process runs; there are few (one per integration and
 * failure).
 */
public final class LogLimiter {

    /** The window the services use: a repeating failure shows up at most every 10 minutes after its first line. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private record Window(Instant start, long suppressed) {}

    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** @param clock real time (not a demo's scaled clock): the limit is about log volume per wall-clock minute */
    public LogLimiter(Duration window, Clock clock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.window = window;
        this.clock = Objects.requireNonNull(clock);
    }

    public static LogLimiter defaults() {
        return new LogLimiter(DEFAULT_WINDOW, Clock.systemUTC());
    }

    public void warn(Logger log, String key, String format, Object... args) {
        log(log, Level.WARN, key, format, args);
    }

    public void error(Logger log, String key, String format, Object... args) {
        log(log, Level.ERROR, key, format, args);
    }

    /**
     * Logs {@code format} with {@code args} (SLF4J style; a trailing Throwable is the cause) unless the same key
     * was logged less than a window ago.
     *
     * @return true when a line was written
     */
    public boolean log(Logger log, Level level, String key, String format, Object... args) {
        Instant now = clock.instant();
        long[] repeats = {-1};
        windows.compute(key, (k, w) -> {
            if (w == null || !now.isBefore(w.start().plus(window))) {
                repeats[0] = w == null ? 0 : w.suppressed();
                return new Window(now, 0);
            }
            return new Window(w.start(), w.suppressed() + 1);
        });
        if (repeats[0] < 0) {
            return false;
        }
        String line = repeats[0] == 0 ? format
                : format + " (repeated " + repeats[0] + " times in the last " + minutes() + ")";
        var event = log.atLevel(level);
        Object[] params = args;
        // the fluent API does not take a trailing Throwable as the cause by itself
        if (args.length > 0 && args[args.length - 1] instanceof Throwable cause) {
            event = event.setCause(cause);
            params = java.util.Arrays.copyOf(args, args.length - 1);
        }
        event.log(line, params);
        return true;
    }

    /** Forgets a key, so its next occurrence is logged in full at once (e.g. after the failure cleared). */
    public void reset(String key) {
        windows.remove(key);
    }

    private String minutes() {
        long m = window.toMinutes();
        return m >= 1 ? m + (m == 1 ? " minute" : " minutes") : window.toSeconds() + " seconds";
    }
}
