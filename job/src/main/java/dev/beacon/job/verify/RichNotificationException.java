package dev.beacon.job.verify;

import dev.beacon.job.audit.DeadLetterReason;

/**
 * A rich notification's encrypted content that could not be authenticated or decrypted. The message is a short
 * detail for the dead letter; it never contains key material or plaintext.
 */
public class RichNotificationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public RichNotificationException(DeadLetterReason reason, String detail) {
        // No stack trace: an expected outcome for bad input, and a forger can make it frequent.
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** {@code UNKNOWN_CERTIFICATE}, {@code HMAC_MISMATCH} or {@code DECRYPTION_FAILED}. */
    public DeadLetterReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
