package dev.beacon.control.signin;

import java.time.Duration;
import java.util.Set;

/**
 * Tunables of {@link SignInService}.
 *
 * @param delegatedScopes       Graph permissions asked for delegated sign-ins (MSAL adds openid, profile,
 *                              offline_access itself)
 * @param refreshTokenWarnAfter flag an account when Entra has not issued a new refresh token for this long (refresh
 *                              tokens die after 90 days without use)
 * @param stateLifetime         how long an authorization-code {@code state} stays valid
 * @param slowDownBackoff       extra wait after Entra answered {@code slow_down}, before polling starts again
 * @param maxSlowDowns          how many {@code slow_down} answers one device-code sign-in tolerates before failing
 * @param entraTimeout          how long to wait for Entra's answer to a single call (device code, token)
 */
public record SignInSettings(Set<String> delegatedScopes, Duration refreshTokenWarnAfter, Duration stateLifetime,
                             Duration slowDownBackoff, int maxSlowDowns, Duration entraTimeout) {

    /** Read chats and messages of the signed-in service account; enough to subscribe to its chats. */
    public static final Set<String> GRAPH_DELEGATED_SCOPES = Set.of(
            "https://graph.microsoft.com/Chat.Read",
            "https://graph.microsoft.com/Chat.ReadBasic",
            "https://graph.microsoft.com/ChatMessage.Read",
            "https://graph.microsoft.com/User.Read");

    /** App-only: whatever application permissions an admin granted the app registration. */
    public static final String GRAPH_APP_ONLY_SCOPE = "https://graph.microsoft.com/.default";

    public SignInSettings {
        delegatedScopes = Set.copyOf(delegatedScopes);
        if (maxSlowDowns < 0) {
            throw new IllegalArgumentException("maxSlowDowns must be >= 0");
        }
    }

    public static SignInSettings defaults() {
        return new SignInSettings(GRAPH_DELEGATED_SCOPES, Duration.ofDays(80), Duration.ofMinutes(10),
                Duration.ofSeconds(5), 3, Duration.ofSeconds(30));
    }

    public SignInSettings withSlowDownBackoff(Duration backoff) {
        return new SignInSettings(delegatedScopes, refreshTokenWarnAfter, stateLifetime, backoff, maxSlowDowns,
                entraTimeout);
    }

    public SignInSettings withRefreshTokenWarnAfter(Duration warnAfter) {
        return new SignInSettings(delegatedScopes, warnAfter, stateLifetime, slowDownBackoff, maxSlowDowns,
                entraTimeout);
    }
}
