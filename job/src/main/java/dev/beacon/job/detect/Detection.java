package dev.beacon.job.detect;

/**
 * What {@link EmergencyDetector} read from one chat message. For anything but an emergency notification every
 * content-derived field is null: ordinary chat content never leaves the detector.
 *
 * @param emergency            true when a detection rule matched
 * @param ruleName             the rule that matched; null otherwise
 * @param callerUserId         {@code from.user.id}: Teams posts the notification in the caller's name
 * @param dialedNumber         digits only; null when the text does not say
 * @param testCall             the dialled number is one of the rules' test numbers (933)
 * @param locationText         the location as the notification states it, at most the rules' maximum length
 * @param createdAtMillis      {@code createdDateTime}; 0 when missing or unparseable
 * @param lastModifiedAtMillis {@code lastModifiedDateTime}; 0 when missing or unparseable (reactions move it too)
 * @param contentHash          SHA-256 (lower-case hex) of what defines the message's meaning; null unless emergency
 * @param deleted              the message has a {@code deletedDateTime}; reported for non-emergencies as well, with
 *                             only the timestamps besides
 */
public record Detection(
        boolean emergency,
        String ruleName,
        String callerUserId,
        String callerDisplayName,
        String callerTenantId,
        String dialedNumber,
        boolean testCall,
        String locationText,
        long createdAtMillis,
        long lastModifiedAtMillis,
        String contentHash,
        boolean deleted) {

    private static final Detection NOT_EMERGENCY =
            new Detection(false, null, null, null, null, null, false, null, 0L, 0L, null, false);

    public static Detection notEmergency() {
        return NOT_EMERGENCY;
    }

    /** A deleted message the rules cannot match (a deleted message's body is usually gone). */
    static Detection deletedNotEmergency(long createdAtMillis, long lastModifiedAtMillis) {
        return new Detection(false, null, null, null, null, null, false, null, createdAtMillis, lastModifiedAtMillis,
                null, true);
    }

    /** Without the location and display name: they come from the message content. */
    @Override
    public String toString() {
        return "Detection{emergency=" + emergency + ", rule=" + ruleName + ", caller=" + callerUserId + ", dialed="
                + dialedNumber + ", test=" + testCall + ", created=" + createdAtMillis + ", deleted=" + deleted
                + ", hash=" + contentHash + "}";
    }
}
