package dev.beacon.control.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ops console's server-side sessions: a random id (the cookie) maps to a session with its own CSRF token, an
 * absolute expiry and an idle expiry. Sessions live in this replica's memory only: a restart or another replica
 * means signing in again (the console is a small audience; nothing else needs them).
 *
 * <p>The map is keyed by a SHA-256 of the id, so neither a heap dump nor the map's lookup timing hands out a live
 * cookie value. The clock is wall time, not the control plane's (the demo runs that one 1200 times faster).
 */
public final class ConsoleSessions {

    /** A signed-in console. {@code csrfToken} must come back in {@link #CSRF_HEADER} on every POST. */
    public record Session(String csrfToken, Instant createdAt, Instant expiresAt, Instant lastSeenAt) {}

    /** A new session: the cookie value (given to the browser once) and the session. */
    public record Created(String id, Session session) {}

    public static final String CSRF_HEADER = "X-Beacon-CSRF";
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** More live sessions than this: the oldest are dropped (a signed-in person only ever needs a few). */
    static final int MAX_SESSIONS = 1000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Duration lifetime;
    private final Duration idle;
    private final Map<String, Session> byDigest = new ConcurrentHashMap<>();

    public ConsoleSessions(Clock clock, Duration lifetime, Duration idle) {
        this.clock = Objects.requireNonNull(clock);
        this.lifetime = Objects.requireNonNull(lifetime);
        this.idle = Objects.requireNonNull(idle);
    }

    public static ConsoleSessions withDefaults(Clock wallClock) {
        return new ConsoleSessions(wallClock, DEFAULT_LIFETIME, DEFAULT_IDLE);
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Starts a session; call only after the admin token was checked. */
    public Created create() {
        purge();
        Instant now = clock.instant();
        String id = randomToken();
        Session s = new Session(randomToken(), now, now.plus(lifetime), now);
        byDigest.put(digest(id), s);
        return new Created(id, s);
    }

    /** The live session for a cookie value (and marks it used), or empty: unknown, expired or idle too long. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return Optional.empty();
        }
        String key = digest(id);
        Session s = byDigest.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!live(s, now)) {
            byDigest.remove(key, s);
            return Optional.empty();
        }
        Session touched = new Session(s.csrfToken(), s.createdAt(), s.expiresAt(), now);
        byDigest.replace(key, s, touched);
        return Optional.of(touched);
    }

    /** Ends a session (logout); false if there was none. */
    public boolean end(String id) {
        return id != null && byDigest.remove(digest(id)) != null;
    }

    /** Constant-time comparison of the header a request sent with the session's CSRF token. */
    public static boolean csrfMatches(Session s, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(s.csrfToken()), sha256(header));
    }

    int size() {
        return byDigest.size();
    }

    private boolean live(Session s, Instant now) {
        return now.isBefore(s.expiresAt()) && now.isBefore(s.lastSeenAt().plus(idle));
    }

    private void purge() {
        Instant now = clock.instant();
        byDigest.entrySet().removeIf(e -> !live(e.getValue(), now));
        while (byDigest.size() >= MAX_SESSIONS) {
            byDigest.entrySet().stream().min(Map.Entry.comparingByValue(
                            (a, b) -> a.createdAt().compareTo(b.createdAt())))
                    .ifPresent(oldest -> byDigest.remove(oldest.getKey()));
        }
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String digest(String id) {
        return Base64.getEncoder().encodeToString(sha256(id));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
