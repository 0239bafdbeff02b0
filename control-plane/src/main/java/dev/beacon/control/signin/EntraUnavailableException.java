package dev.beacon.control.signin;

/**
 * Entra did not issue a token for a reason a retry may fix (outage, throttling, timeout): unlike
 * {@link SignInRequiredException} no human is needed. The message names Entra's error code, never a token.
 */
public final class EntraUnavailableException extends RuntimeException {
    public EntraUnavailableException(String message) {
        super(message);
    }
}
