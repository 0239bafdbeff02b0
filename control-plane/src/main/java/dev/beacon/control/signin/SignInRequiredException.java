package dev.beacon.control.signin;

/** No token without a human: sign in again (the message says why, never with a token in it). */
public final class SignInRequiredException extends Exception {
    public SignInRequiredException(String message) {
        super(message);
    }

    public SignInRequiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
