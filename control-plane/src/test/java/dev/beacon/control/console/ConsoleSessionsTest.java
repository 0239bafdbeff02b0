package dev.beacon.control.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T00:00:00Z"));
    final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofHours(8), Duration.ofMinutes(30));

    @Test
    void idsAndCsrfTokensAreRandomAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ConsoleSessions.Created c = sessions.create();
            assertThat(c.id()).matches("[A-Za-z0-9_-]{43}");
            assertThat(c.session().csrfToken()).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(c.id())).isTrue();
            assertThat(seen.add(c.session().csrfToken())).isTrue();
        }
    }

    @Test
    void onlyTheSessionsOwnCsrfTokenMatches() {
        ConsoleSessions.Session a = sessions.create().session();
        ConsoleSessions.Session b = sessions.create().session();
        assertThat(ConsoleSessions.csrfMatches(a, a.csrfToken())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(a, b.csrfToken())).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, null)).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, "")).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, a.csrfToken() + " ")).isFalse();
    }

    @Test
    void unknownEndedOrOversizedIdsFindNothing() {
        ConsoleSessions.Created c = sessions.create();
        assertThat(sessions.find(c.id())).isPresent();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find("x".repeat(101))).isEmpty();
        assertThat(sessions.find(c.session().csrfToken())).as("the CSRF token is no session id").isEmpty();
        assertThat(sessions.end(c.id())).isTrue();
        assertThat(sessions.find(c.id())).isEmpty();
        assertThat(sessions.end(c.id())).isFalse();
    }

    @Test
    void expiredSessionsArePurgedAndTheOldestGoFirstWhenFull() {
        sessions.create();
        clock.advance(Duration.ofMinutes(31));
        ConsoleSessions.Created first = sessions.create(); // purges the idle one
        assertThat(sessions.size()).isEqualTo(1);
        for (int i = 1; i < ConsoleSessions.MAX_SESSIONS; i++) {
            clock.advance(Duration.ofMillis(1));
            sessions.create();
        }
        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        ConsoleSessions.Created newest = sessions.create();
        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        assertThat(sessions.find(first.id())).as("the oldest was dropped").isEmpty();
        assertThat(sessions.find(newest.id())).isPresent();
    }
}
