package dev.beacon.control.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogLimiterTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.beacon.test.LogLimiterTest");
    private static final String PREFIX = "WARN dev.beacon.test.LogLimiterTest - ";

    @Test
    void firstOccurrenceInFullThenOneSummaryPerWindow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        LogLimiter limiter = new LogLimiter(Duration.ofMinutes(10), clock);
        String key = "sign-in:contoso:bad secret";
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            // a bad client secret, retried every 5 s for 25 minutes: 300 failures
            for (int i = 0; i < 300; i++) {
                limiter.warn(LOG, key, "Integration {}: no Graph token without a human: {}", "contoso",
                        "Entra refused the app credential (invalid_client)");
                clock.advance(Duration.ofSeconds(5));
            }
            // another integration's failure is its own key: logged at once
            limiter.warn(LOG, "sign-in:fabrikam:x", "Integration {}: {}", "fabrikam", "x");
            assertThat(logs.lines().stream().filter(l -> l.startsWith(PREFIX)).toList()).containsExactly(
                    PREFIX + "Integration contoso: no Graph token without a human: Entra refused the app credential "
                            + "(invalid_client)",
                    PREFIX + "Integration contoso: no Graph token without a human: Entra refused the app credential "
                            + "(invalid_client) (repeated 119 times in the last 10 minutes)",
                    PREFIX + "Integration contoso: no Graph token without a human: Entra refused the app credential "
                            + "(invalid_client) (repeated 119 times in the last 10 minutes)",
                    PREFIX + "Integration fabrikam: x");
        }
    }

    @Test
    void resetLogsTheNextOccurrenceAtOnce() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        LogLimiter limiter = new LogLimiter(Duration.ofMinutes(10), clock);
        assertThat(limiter.log(LOG, org.slf4j.event.Level.WARN, "k", "a")).isTrue();
        assertThat(limiter.log(LOG, org.slf4j.event.Level.WARN, "k", "a")).isFalse();
        limiter.reset("k");
        assertThat(limiter.log(LOG, org.slf4j.event.Level.WARN, "k", "a")).isTrue();
    }
}
