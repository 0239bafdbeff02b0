package dev.beacon.job.correlate;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import java.util.Comparator;
import java.util.Objects;

/**
 * One Graph emergency call event that fed a fact (or waits for its call), with the structured fields it reported.
 * Like {@link MessageRef}, a mutable POJO because it lives in keyed state; the fact's fields are derived from its
 * events in {@link #CANONICAL_ORDER}, never from the order they arrived in.
 */
public class CallEventRef {

    /** By event time, then type and id: the earliest event that says something wins. */
    public static final Comparator<CallEventRef> CANONICAL_ORDER = Comparator
            .comparingLong((CallEventRef e) -> e.eventAtMillis)
            .thenComparing(e -> e.eventType, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(e -> e.eventId, Comparator.nullsFirst(Comparator.naturalOrder()));

    public String eventId;
    public String eventType;
    public String subscriptionId;
    public long eventAtMillis;
    public String contentHash;
    public String policyName;
    public String dialedNumber;
    public String callerDisplayName;
    public String callerUpn;
    public String callerPhoneNumber;
    public StructuredLocation location;
    /** Processing time it was first seen; a pending event is dropped a fact retention after it. */
    public long receivedAtMillis;

    public CallEventRef() {}

    public static CallEventRef of(EmergencyCallEvent e, long nowMillis) {
        CallEventRef r = new CallEventRef();
        r.eventId = e.eventId();
        r.eventType = e.eventType();
        r.subscriptionId = e.subscriptionId();
        r.eventAtMillis = e.eventAtMillis();
        r.receivedAtMillis = nowMillis;
        r.refresh(e);
        return r;
    }

    /** Takes the fields of a changed redelivery; the event's time and identity stay. */
    void refresh(EmergencyCallEvent e) {
        contentHash = e.contentHash();
        policyName = e.policyName();
        dialedNumber = e.dialedNumber();
        callerDisplayName = e.callerDisplayName();
        callerUpn = e.callerUpn();
        callerPhoneNumber = e.callerPhoneNumber();
        location = e.location() == null ? null : e.location().copy();
    }

    public boolean sameEvent(EmergencyCallEvent e) {
        return Objects.equals(eventId, e.eventId()) && Objects.equals(eventType, e.eventType());
    }

    public boolean isStart() {
        return EmergencyCallEvent.CALL_STARTED.equals(eventType);
    }

    public boolean isEnd() {
        return EmergencyCallEvent.CALL_ENDED.equals(eventType);
    }

    public CallEventRef copy() {
        CallEventRef c = new CallEventRef();
        c.eventId = eventId;
        c.eventType = eventType;
        c.subscriptionId = subscriptionId;
        c.eventAtMillis = eventAtMillis;
        c.contentHash = contentHash;
        c.policyName = policyName;
        c.dialedNumber = dialedNumber;
        c.callerDisplayName = callerDisplayName;
        c.callerUpn = callerUpn;
        c.callerPhoneNumber = callerPhoneNumber;
        c.location = location == null ? null : location.copy();
        c.receivedAtMillis = receivedAtMillis;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallEventRef e
                && eventAtMillis == e.eventAtMillis
                && receivedAtMillis == e.receivedAtMillis
                && Objects.equals(eventId, e.eventId)
                && Objects.equals(eventType, e.eventType)
                && Objects.equals(subscriptionId, e.subscriptionId)
                && Objects.equals(contentHash, e.contentHash)
                && Objects.equals(policyName, e.policyName)
                && Objects.equals(dialedNumber, e.dialedNumber)
                && Objects.equals(callerDisplayName, e.callerDisplayName)
                && Objects.equals(callerUpn, e.callerUpn)
                && Objects.equals(callerPhoneNumber, e.callerPhoneNumber)
                && Objects.equals(location, e.location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, eventType, eventAtMillis);
    }

    @Override
    public String toString() {
        return eventType + "/" + eventId + "@" + eventAtMillis;
    }
}
