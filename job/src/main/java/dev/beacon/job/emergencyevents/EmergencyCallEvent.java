package dev.beacon.job.emergencyevents;

import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.ingest.SourceRef;

/**
 * One authenticated, decrypted Graph {@code emergencyCallEvent} (resource
 * {@code communications/calls/getEmergencyEventsByPolicy(policyName='…')}): what triage hands to correlation. It
 * carries structured fields only. The caller is identified by UPN; correlation resolves it to the directory's object
 * id ({@link #callerUserId}) so that it meets the chat messages of the same call.
 *
 * @param source          where the notification was read (audit and dead-letter identity)
 * @param subscriptionId  the Graph subscription that delivered it
 * @param tenantId        the notification's tenant ({@code tenantId}, else {@code organizationId}, else the caller's)
 * @param eventId         {@code emergencyCallEvent.id}
 * @param eventType       {@code callStarted}, {@code callEnded}, {@code rosterUpdated} (or a future value, kept)
 * @param eventAtMillis   {@code eventDateTime}
 * @param callerUserId    the caller's Entra object id when known (a future field, or resolved from the directory);
 *                        null until then
 * @param location        the civic address and coordinates ({@link StructuredLocation#FROM_EMERGENCY_CALL_EVENT}),
 *                        or null
 * @param contentHash     a digest of the decrypted event, so a redelivery is recognised
 */
public record EmergencyCallEvent(
        SourceRef source,
        String subscriptionId,
        String tenantId,
        String eventId,
        String eventType,
        long eventAtMillis,
        String policyName,
        String dialedNumber,
        String callerDisplayName,
        String callerUpn,
        String callerPhoneNumber,
        String callerUserId,
        StructuredLocation location,
        String contentHash) {

    public static final String CALL_STARTED = "callStarted";
    public static final String CALL_ENDED = "callEnded";
    public static final String ROSTER_UPDATED = "rosterUpdated";

    /** The same event with the caller's object id resolved. */
    public EmergencyCallEvent withCallerUserId(String userId) {
        return new EmergencyCallEvent(source, subscriptionId, tenantId, eventId, eventType, eventAtMillis, policyName,
                dialedNumber, callerDisplayName, callerUpn, callerPhoneNumber, userId, location, contentHash);
    }
}
