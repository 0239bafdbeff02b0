package dev.beacon.job.audit;

import dev.beacon.job.detect.Detection;

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
    PROCESSING_ERROR,
    /** A detection pattern ran out of its read budget: the rules cannot tell whether this is an emergency. */
    DETECTION_BUDGET_EXHAUSTED,
    /** The detector failed unexpectedly (a defect): it cannot tell whether this is an emergency. */
    DETECTION_FAILED,
    /** The rules matched a message from an application, a device or nobody: a call needs a user as its caller. */
    EMERGENCY_WITHOUT_USER_SENDER,
    /** An emergency (or a deletion) that names no chat or no message, so it cannot be deduplicated or merged. */
    MISSING_MESSAGE_ID,
    /** An emergency (or a deletion) whose tenant neither the notification nor the sender names. */
    MISSING_TENANT,
    /** An emergency with no valid createdDateTime, and no CloudEvent time or record timestamp to stand in. */
    MISSING_CALL_TIME,
    /** A record that claims to be a fetched message (control plane) but breaks its contract; the detail names the field. */
    INVALID_FETCHED_MESSAGE,
    /** A fetched message whose signature matches none of the configured fetch-signing keys: forged or tampered. */
    FETCHED_MESSAGE_SIGNATURE_MISMATCH,
    /** A fetched message, but the job has no fetch-signing keys configured, so it cannot be believed. */
    FETCHED_MESSAGE_UNVERIFIABLE,
    /**
     * A record on a reference-data topic (directory, sites, security lines) that breaks its contract: not JSON, a
     * missing or mistyped field, a key that is not the record's. The dead letter holds no value (personal data).
     */
    INVALID_REFERENCE_RECORD,
    /**
     * A Graph notification about a resource Beacon does not subscribe to (neither a chat or channel message nor an
     * emergency call event): kept rather than judged as a chat message, since nothing can read it yet.
     */
    UNSUPPORTED_RESOURCE,
    /** An emergency call event notification without encrypted content (Graph sends them as rich notifications only). */
    EMERGENCY_CALL_EVENT_WITHOUT_CONTENT,
    /** A decrypted emergency call event that breaks the documented shape; the detail names the member, not its value. */
    INVALID_EMERGENCY_CALL_EVENT,
    /** An emergency call event whose caller has neither a UPN nor an id: it cannot be matched to anyone. */
    EMERGENCY_CALL_EVENT_WITHOUT_CALLER,
    /** An emergency call event without a valid {@code eventDateTime}: it cannot be placed on a call. */
    EMERGENCY_CALL_EVENT_WITHOUT_TIME,
    /** An Event Grid schema event missing a required member ({@code id}, {@code eventType}, {@code data}...). */
    INVALID_EVENT_GRID_EVENT,
    /** An ACS {@code Microsoft.Communication.IncomingCall} whose data lacks what a call needs (who was called...). */
    INVALID_INCOMING_CALL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dead-letter reason for a detection that could not decide. */
    public static DeadLetterReason of(Detection.FailureCause cause) {
        return switch (cause) {
            case BUDGET_EXHAUSTED -> DETECTION_BUDGET_EXHAUSTED;
            case UNEXPECTED_ERROR -> DETECTION_FAILED;
        };
    }
}
