package dev.beacon.job.decode;

/**
 * JSON that {@link NotificationDecoder#parseJsonObject(byte[])} refused: not JSON, too deep, too large, or not an
 * object. The message is a short description that never quotes the input (which may be decrypted chat content).
 */
public class JsonRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public JsonRejectedException(String detail) {
        // No stack trace: this is an expected outcome for bad input, and hostile input can make it frequent.
        super(detail, null, false, false);
    }
}
