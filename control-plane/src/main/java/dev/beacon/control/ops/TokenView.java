package dev.beacon.control.ops;

import java.time.Instant;

/**
 * The health of one signed-in account's tokens (never the tokens).
 *
 * @param refreshedAt             when Entra last issued a refresh token; the 90-day inactivity clock runs from here
 * @param refreshTokenNearExpiry  true when that clock is close to 90 days
 */
public record TokenView(
        String integrationId,
        String homeAccountId,
        String username,
        Instant accessExpiresAt,
        Instant refreshedAt,
        boolean needsInteraction,
        boolean refreshTokenNearExpiry,
        String detail) {}
