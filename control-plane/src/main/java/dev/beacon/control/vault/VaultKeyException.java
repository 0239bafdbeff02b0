package dev.beacon.control.vault;

/**
 * The vault cannot open a sealed value: it was sealed under a key that is not configured, or it was altered.
 * The message says which key id is needed and which are configured; it never contains key material.
 */
public final class VaultKeyException extends RuntimeException {
    public VaultKeyException(String message) {
        super(message);
    }

    public VaultKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
