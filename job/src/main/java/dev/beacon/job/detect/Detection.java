package dev.beacon.job.detect;

/**
 * What {@link EmergencyDetector} read from one chat message. Only an {@link Kind#EMERGENCY} carries content-derived
 * fields: ordinary chat content never leaves the detector.
 *
 * @param kind                 what the detector concluded; {@link Kind#FAILED} means it could not conclude
 * @param ruleName             the rule that matched; null otherwise
 * @param senderKind           {@code user}, {@code application}, {@code device} or {@code none}; null unless emergency
 * @param callerUserId         {@code from.user.id}: Teams posts the notification in the caller's name
 * @param dialedNumber         digits only; null when the text does not say
 * @param testCall             the dialled number is one of the rules' test numbers (933)
 * @param locationText         the location as the notification states it, at most the rules' maximum length
 * @param createdAtMillis      {@code createdDateTime}; 0 when missing or unparseable (or before 1970)
 * @param lastModifiedAtMillis {@code lastModifiedDateTime}; 0 when missing or unparseable (reactions move it too)
 * @param contentHash          SHA-256 (lower-case hex) of what defines the message's meaning; null unless emergency
 * @param deleted              the message has a {@code deletedDateTime}; reported for {@link Kind#DELETED} too, with
 *                             only the timestamps besides
 * @param failure              why detection failed; null unless {@link Kind#FAILED}
 */
public record Detection(
        Kind kind,
        String ruleName,
        String senderKind,
        String callerUserId,
        String callerDisplayName,
        String callerTenantId,
        String dialedNumber,
        boolean testCall,
        String locationText,
        long createdAtMillis,
        long lastModifiedAtMillis,
        String contentHash,
        boolean deleted,
        Failure failure) {

    /** The detector's conclusion. Only {@link #NOT_EMERGENCY} means "ordinary chat, nothing to do". */
    public enum Kind {
        /** A rule matched. */
        EMERGENCY,
        /** No rule matched. */
        NOT_EMERGENCY,
        /** No rule matched a deleted message (its body is usually gone): it may still delete one that fed a fact. */
        DELETED,
        /** The detector could not decide; the notification must be kept for a rerun, never treated as chatter. */
        FAILED
    }

    /** Why the detector could not decide. */
    public enum FailureCause {
        /** A rule or extraction pattern backtracked past its read budget: the pattern needs simplifying. */
        BUDGET_EXHAUSTED,
        /** A defect in the detector (or the JDK's regex engine running out of stack). */
        UNEXPECTED_ERROR
    }

    /**
     * @param detail which pattern gave up, or the exception's class; never message content
     */
    public record Failure(FailureCause cause, String detail) {}

    private static final Detection NOT_EMERGENCY =
            new Detection(Kind.NOT_EMERGENCY, null, null, null, null, null, null, false, null, 0L, 0L, null, false,
                    null);

    public static Detection notEmergency() {
        return NOT_EMERGENCY;
    }

    /** A deleted message the rules cannot match (a deleted message's body is usually gone). */
    public static Detection deletedNotEmergency(long createdAtMillis, long lastModifiedAtMillis) {
        return new Detection(Kind.DELETED, null, null, null, null, null, null, false, null, createdAtMillis,
                lastModifiedAtMillis, null, true, null);
    }

    public static Detection failed(FailureCause cause, String detail) {
        return new Detection(Kind.FAILED, null, null, null, null, null, null, false, null, 0L, 0L, null, false,
                new Failure(cause, detail));
    }

    public boolean emergency() {
        return kind == Kind.EMERGENCY;
    }

    public boolean failed() {
        return kind == Kind.FAILED;
    }

    /**
     * Why this emergency names no caller, or null when it does. The caller is taken from a user sender only, and a
     * call is keyed by its caller, so such an emergency cannot become a fact (the rules format allows matching
     * application, device or system senders; triage dead-letters what they match).
     */
    public String missingCallerReason() {
        if (kind != Kind.EMERGENCY || (callerUserId != null && !callerUserId.isBlank())) {
            return null;
        }
        return switch (senderKind == null ? DetectionRules.SENDER_NONE : senderKind) {
            case DetectionRules.SENDER_USER -> "the sender is a user without an id";
            case DetectionRules.SENDER_APPLICATION -> "the sender is an application, not a user";
            case DetectionRules.SENDER_DEVICE -> "the sender is a device, not a user";
            default -> "the message has no sender";
        };
    }

    /** Without the location and display name: they come from the message content. */
    @Override
    public String toString() {
        if (kind == Kind.FAILED) {
            return "Detection{kind=FAILED, cause=" + failure.cause() + ", detail=" + failure.detail() + "}";
        }
        return "Detection{kind=" + kind + ", rule=" + ruleName + ", sender=" + senderKind + ", caller=" + callerUserId
                + ", dialed=" + dialedNumber + ", test=" + testCall + ", created=" + createdAtMillis + ", deleted="
                + deleted + ", hash=" + contentHash + "}";
    }
}
