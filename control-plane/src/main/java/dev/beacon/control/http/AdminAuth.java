package dev.beacon.control.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <admin token>}. The comparison is constant-time over SHA-256 digests, so
 * neither the content nor the length of the token leaks through timing. Never prints the token.
 */
public final class AdminAuth {

    private final byte[] expectedDigest;

    private AdminAuth(byte[] expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    public static AdminAuth token(String adminToken) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("the admin token is empty");
        }
        return new AdminAuth(sha256(adminToken));
    }

    /** Everyone is admin: only for a local demo ({@code BEACON_ADMIN_AUTH=disabled}, which logs a warning). */
    public static AdminAuth disabled() {
        return new AdminAuth(null);
    }

    public boolean enabled() {
        return expectedDigest != null;
    }

    /** @param authorizationHeader the raw header value, or null */
    public boolean allows(String authorizationHeader) {
        if (expectedDigest == null) {
            return true;
        }
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest, sha256(authorizationHeader.substring(7).strip()));
    }

    @Override
    public String toString() {
        return enabled() ? "AdminAuth[bearer token]" : "AdminAuth[DISABLED]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
