package dev.beacon.job.securitylines;

import dev.beacon.job.ingest.SourceRef;

/**
 * One Azure Communication Services {@code Microsoft.Communication.IncomingCall} event (Event Grid or CloudEvents
 * schema, through Event Hubs or the webhook ingress), decoded by triage. Identifiers are ACS raw ids:
 * {@code 4:+15550100} for a phone number, {@code 28:orgid:<guid>} for a Teams user or resource account,
 * {@code 8:acs:…} for an ACS user.
 *
 * @param source            where it was read (audit and dead-letter identity)
 * @param eventId           the Event Grid / CloudEvents {@code id}
 * @param acsResource       the event's {@code topic} (Event Grid) or {@code source} (CloudEvents)
 * @param toRawId           {@code data.to.rawId}: the number or account called
 * @param fromRawId         {@code data.from.rawId}
 * @param callerPhoneNumber {@code data.from.phoneNumber.value}, or null
 * @param callerDisplayName {@code data.callerDisplayName}, or null
 * @param eventAtMillis     {@code eventTime} / {@code time}
 */
public record IncomingCall(
        SourceRef source,
        String eventId,
        String acsResource,
        String toRawId,
        String fromRawId,
        String callerPhoneNumber,
        String callerDisplayName,
        String correlationId,
        String serverCallId,
        long eventAtMillis) {}
