package dev.beacon.job.audit;

/** Why a record or notification could not be processed. Stored in lower case with underscores. */
public enum DeadLetterReason {
    OVERSIZED,
    MALFORMED_JSON,
    TOO_DEEPLY_NESTED,
    UNRECOGNIZED_ENVELOPE,
    INVALID_NOTIFICATION,
    INVALID_CLOUDEVENT,
    CLIENT_STATE_MISMATCH,
    UNKNOWN_CERTIFICATE,
    HMAC_MISMATCH,
    DECRYPTION_FAILED,
    INVALID_RESOURCE_DATA,
    PROCESSING_ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
