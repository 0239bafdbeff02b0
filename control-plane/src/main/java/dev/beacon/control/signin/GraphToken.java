package dev.beacon.control.signin;

import java.time.Instant;

/**
 * A Graph access token for one integration. {@code toString} never shows the token.
 *
 * @param userObjectId the signed-in account's object id ({@code oid}), or null for app-only tokens; replaces
 *                     {@code {user}} in desired resources
 */
public record GraphToken(String accessToken, Instant expiresAt, String userObjectId, String username) {
    @Override
    public String toString() {
        return "GraphToken[expiresAt=" + expiresAt + ", user=" + username + "]";
    }
}
