package dev.beacon.job.correlate;

import dev.beacon.job.enrich.DirectoryEnrichment;
import dev.beacon.job.enrich.SiteMatcher;
import dev.beacon.job.reference.ReferenceUpdate.DirectoryUser;
import dev.beacon.job.reference.ReferenceUpdate.Site;
import java.util.Collection;

/**
 * Derives everything a call's observations determine, so that nothing depends on the order they arrived in: the
 * canonical order of messages and events, the start (the earliest message or callStarted event) and with it the
 * fact id, counts, and the described fields with their precedence:
 * <ol>
 *   <li>Graph's emergency call events (structured; the earliest event that says something wins);</li>
 *   <li>the chat messages' text (the earliest message that says something wins), for what the events lack;</li>
 *   <li>the caller's directory entry, for caller fields still missing ({@link DirectoryEnrichment}; absent: the
 *       fact stays valid without);</li>
 *   <li>the site ops mapped the location text to ({@link SiteMatcher}), when no event gave a location.</li>
 * </ol>
 */
final class CallFields {

    private CallFields() {}

    static void derive(EmergencyCallFact call, DirectoryUser user, Collection<Site> sites) {
        call.messages.sort(MessageRef.CANONICAL_ORDER);
        call.events.sort(CallEventRef.CANONICAL_ORDER);
        deriveStart(call);
        call.notificationCount = call.messages.size();
        call.deletedCount = (int) call.messages.stream().filter(m -> m.deleted).count();
        fromMessages(call);
        fromEvents(call);
        fromDirectory(call, user);
        call.location = eventLocation(call);
        if (call.location == null) {
            call.location = SiteMatcher.match(sites, call.tenantId, call.locationText);
        }
        deriveEnd(call);
    }

    /** The earliest observation anchors the call: its time and its id. */
    static long start(EmergencyCallFact call) {
        long start = Long.MAX_VALUE;
        for (MessageRef m : call.messages) {
            start = Math.min(start, m.createdAtMillis);
        }
        for (CallEventRef e : call.events) {
            if (e.isStart()) {
                start = Math.min(start, e.eventAtMillis);
            }
        }
        return start;
    }

    private static void deriveStart(EmergencyCallFact call) {
        long start = start(call);
        boolean inferred = !call.messages.isEmpty() && call.messages.get(0).createdAtMillis == start
                && call.messages.get(0).createdAtInferred;
        for (CallEventRef e : call.events) {
            if (e.isStart() && e.eventAtMillis == start) {
                inferred = false; // Graph's own event time is exact
            }
        }
        call.callStartedAtMillis = start;
        call.callStartedAtInferred = inferred;
        call.factId = FactIds.factId(call.tenantId, call.callerUserId, start);
    }

    private static void fromMessages(EmergencyCallFact call) {
        call.callerDisplayName = null;
        call.dialedNumber = null;
        call.testCall = false;
        call.locationText = null;
        for (MessageRef m : call.messages) {
            if (call.callerDisplayName == null) {
                call.callerDisplayName = m.callerDisplayName;
            }
            if (call.dialedNumber == null && m.dialedNumber != null) {
                call.dialedNumber = m.dialedNumber;
                call.testCall = m.testCall;
            }
            if (call.locationText == null) {
                call.locationText = m.locationText;
            }
        }
    }

    /** Structured fields win over the chat's text; the test-call flag stays the chat's (events carry none). */
    private static void fromEvents(EmergencyCallFact call) {
        call.callerUpn = null;
        call.callerPhoneNumber = null;
        call.policyName = null;
        String dialed = null;
        String name = null;
        for (CallEventRef e : call.events) {
            dialed = dialed != null ? dialed : e.dialedNumber;
            name = name != null ? name : e.callerDisplayName;
            call.callerUpn = call.callerUpn != null ? call.callerUpn : e.callerUpn;
            call.callerPhoneNumber = call.callerPhoneNumber != null ? call.callerPhoneNumber : e.callerPhoneNumber;
            call.policyName = call.policyName != null ? call.policyName : e.policyName;
        }
        if (dialed != null) {
            call.dialedNumber = dialed;
        }
        if (name != null) {
            call.callerDisplayName = name;
        }
    }

    /**
     * The directory fills only what no event or message said ({@link DirectoryEnrichment}); department, title and
     * office come only from it, so they are cleared first and a removed entry takes them away again.
     */
    private static void fromDirectory(EmergencyCallFact call, DirectoryUser user) {
        call.callerDepartment = null;
        call.callerJobTitle = null;
        call.callerOfficeLocation = null;
        DirectoryEnrichment.apply(user, call);
    }

    private static StructuredLocation eventLocation(EmergencyCallFact call) {
        for (CallEventRef e : call.events) {
            if (e.location != null) {
                StructuredLocation l = e.location.copy();
                l.source = StructuredLocation.FROM_EMERGENCY_CALL_EVENT;
                return l;
            }
        }
        return null;
    }

    /** The earliest callEnded ends the call; its duration counts from callStarted if Graph sent one. */
    private static void deriveEnd(EmergencyCallFact call) {
        call.endedAtMillis = 0;
        call.durationSeconds = -1;
        long eventStart = Long.MAX_VALUE;
        for (CallEventRef e : call.events) {
            if (e.isStart()) {
                eventStart = Math.min(eventStart, e.eventAtMillis);
            }
        }
        for (CallEventRef e : call.events) {
            if (e.isEnd()) {
                long from = eventStart != Long.MAX_VALUE ? eventStart : call.callStartedAtMillis;
                call.endedAtMillis = e.eventAtMillis;
                call.durationSeconds = Math.max(0, (e.eventAtMillis - from) / 1_000);
                return;
            }
        }
    }
}
