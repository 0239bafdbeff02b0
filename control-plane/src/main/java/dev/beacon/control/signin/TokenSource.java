package dev.beacon.control.signin;

/** Hands out a valid Graph access token for an integration, refreshing silently when needed. */
@FunctionalInterface
public interface TokenSource {

    /**
     * @throws SignInRequiredException when no token can be had without a human (never signed in, refresh token
     *                                 revoked or expired, consent withdrawn); the integration is flagged
     */
    GraphToken graphToken(String integrationId) throws SignInRequiredException;

    /**
     * A token fetched from Entra now, bypassing any cache: what to use after Graph answered 401 to a token that
     * looked valid here (revoked early, or clocks that disagree).
     */
    default GraphToken freshGraphToken(String integrationId) throws SignInRequiredException {
        return graphToken(integrationId);
    }
}
