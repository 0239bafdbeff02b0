package dev.beacon.contracts.crypto;

/** Why a rich notification's content could not be authenticated or decrypted. The message never quotes content. */
public final class DecryptionException extends Exception {

    public enum Failure {
        /** No private key matches the certificate id or thumbprint. */
        UNKNOWN_CERTIFICATE,
        /** {@code dataSignature} is missing or does not match {@code data}. */
        HMAC_MISMATCH,
        /** Anything else: a key wrapped for another certificate, bad base64, bad padding. */
        DECRYPTION_FAILED
    }

    private final Failure failure;

    public DecryptionException(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
