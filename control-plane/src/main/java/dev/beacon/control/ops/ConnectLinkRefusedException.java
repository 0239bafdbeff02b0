package dev.beacon.control.ops;

/**
 * A sign-in link ({@code /connect?ticket=…}) was refused: altered or not ours, issued for another integration,
 * expired, or already used. The message is for the person holding the link (no secret in it).
 */
public final class ConnectLinkRefusedException extends RuntimeException {
    public ConnectLinkRefusedException(String message) {
        super(message, null, false, false);
    }
}
