package dev.beacon.job.correlate;

import java.util.ArrayList;
import java.util.Objects;

/**
 * One emergency call, however many notifications describe it. Each change produces a new {@code revision}; sinks
 * keep the highest. Field names map one-to-one to snake_case in JSON and in the {@code emergency_call} table.
 *
 * <p>The same type also carries the rare <em>supersede</em> record ({@link #isSupersede()}): "the provisional id
 * {@code factId} is call {@code supersededBy}". Both travel in one stream so that every sink sees them in the
 * order the correlator decided them. See {@link FactIds} for why provisional ids exist.
 *
 * <p>A plain POJO with concrete collection types, because it is also kept in keyed state.
 */
public class EmergencyCallFact {
    /** A Teams emergency call (chat and/or Graph emergency call event). */
    public static final String KIND_EMERGENCY = "emergency";
    /** An Azure Communication Services call to a configured security line. */
    public static final String KIND_SECURITY_LINE = "security-line";

    /** Deterministic: tenant, caller and the earliest observation of the call ({@link FactIds}). */
    public String factId;
    /** {@link #KIND_EMERGENCY} or {@link #KIND_SECURITY_LINE}. */
    public String kind = KIND_EMERGENCY;
    /** Set only on a supersede record: the live id that replaces {@link #factId}. */
    public String supersededBy;
    /**
     * Only on a supersede record: true when this attempt never published {@link #factId} itself and answers it only
     * because an earlier, failed attempt may have. Transactional outputs, whose failed attempts were aborted, skip it.
     */
    public boolean speculative;
    public String tenantId;
    public String callerUserId;
    public String callerDisplayName;
    public String dialedNumber;
    public boolean testCall;
    public String locationText;
    /** From Graph's emergency call event, else the directory. */
    public String callerUpn;
    /** From Graph's emergency call event (or the ACS caller's number), else the directory. */
    public String callerPhoneNumber;
    /** From the directory. */
    public String callerDepartment;
    public String callerJobTitle;
    public String callerOfficeLocation;
    /** The emergency calling policy named by Graph's emergency call event. */
    public String policyName;
    /** From the event's civic address and coordinates, else the site matched to {@link #locationText}; or null. */
    public StructuredLocation location;
    /** When Graph's {@code callEnded} event said the call ended; 0 while it has not. */
    public long endedAtMillis;
    /** Seconds from the call's start to {@link #endedAtMillis}; -1 while the call has not ended. */
    public long durationSeconds = -1;
    /** Security-line calls: the line called ({@code SecurityLineRecord.lineId}) and its name. */
    public String calledLine;
    public String calledLineName;
    /** Security-line calls: ACS's {@code correlationId} and {@code serverCallId}. */
    public String correlationId;
    public String serverCallId;
    /** Earliest observation of the call: a message's {@code createdDateTime} or a callStarted event's time. */
    public long callStartedAtMillis;
    /** True when that earliest time was taken from the notification because the message had no createdDateTime. */
    public boolean callStartedAtInferred;
    public long detectedAtMillis;
    public long updatedAtMillis;
    /** Distinct chat messages that reported this call. */
    public int notificationCount;
    /** How many of those messages were later deleted. */
    public int deletedCount;
    public int revision;
    /** Distinct delivery channels and subscriptions that reported this call, e.g. {@code graph:<subscriptionId>}. */
    public ArrayList<String> sources = new ArrayList<>();
    public ArrayList<MessageRef> messages = new ArrayList<>();
    /** Graph emergency call events (callStarted, callEnded, rosterUpdated) that fed this call. */
    public ArrayList<CallEventRef> events = new ArrayList<>();
    /** Provisional ids this call was published under before, each answered by a supersede record. */
    public ArrayList<String> supersedes = new ArrayList<>();

    public EmergencyCallFact() {}

    /** The supersede record for a provisional id of this call. */
    public static EmergencyCallFact supersede(String provisionalId, EmergencyCallFact live, long nowMillis) {
        return supersede(provisionalId, live, nowMillis, false);
    }

    /** The supersede record for a provisional id; {@code speculative}: see {@link #speculative}. */
    public static EmergencyCallFact supersede(
            String provisionalId, EmergencyCallFact live, long nowMillis, boolean speculative) {
        EmergencyCallFact s = new EmergencyCallFact();
        s.factId = provisionalId;
        s.supersededBy = live.factId;
        s.kind = live.kind;
        s.speculative = speculative;
        s.tenantId = live.tenantId;
        s.callerUserId = live.callerUserId;
        s.callStartedAtMillis = live.callStartedAtMillis;
        s.detectedAtMillis = live.detectedAtMillis;
        s.updatedAtMillis = nowMillis;
        s.revision = live.revision;
        return s;
    }

    /** True for a supersede record, false for a fact revision. */
    public boolean isSupersede() {
        return supersededBy != null;
    }

    /** A deep copy, so an emitted fact never aliases state that later changes. */
    public EmergencyCallFact copy() {
        EmergencyCallFact c = new EmergencyCallFact();
        c.factId = factId;
        c.kind = kind;
        c.supersededBy = supersededBy;
        c.speculative = speculative;
        c.tenantId = tenantId;
        c.callerUserId = callerUserId;
        c.callerDisplayName = callerDisplayName;
        c.dialedNumber = dialedNumber;
        c.testCall = testCall;
        c.locationText = locationText;
        c.callerUpn = callerUpn;
        c.callerPhoneNumber = callerPhoneNumber;
        c.callerDepartment = callerDepartment;
        c.callerJobTitle = callerJobTitle;
        c.callerOfficeLocation = callerOfficeLocation;
        c.policyName = policyName;
        c.location = location == null ? null : location.copy();
        c.endedAtMillis = endedAtMillis;
        c.durationSeconds = durationSeconds;
        c.calledLine = calledLine;
        c.calledLineName = calledLineName;
        c.correlationId = correlationId;
        c.serverCallId = serverCallId;
        c.callStartedAtMillis = callStartedAtMillis;
        c.callStartedAtInferred = callStartedAtInferred;
        c.detectedAtMillis = detectedAtMillis;
        c.updatedAtMillis = updatedAtMillis;
        c.notificationCount = notificationCount;
        c.deletedCount = deletedCount;
        c.revision = revision;
        c.sources = new ArrayList<>(sources);
        c.messages = new ArrayList<>(messages.size());
        for (MessageRef m : messages) {
            c.messages.add(m.copy());
        }
        c.events = new ArrayList<>(events.size());
        for (CallEventRef e : events) {
            c.events.add(e.copy());
        }
        c.supersedes = new ArrayList<>(supersedes);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmergencyCallFact f
                && testCall == f.testCall
                && callStartedAtMillis == f.callStartedAtMillis
                && callStartedAtInferred == f.callStartedAtInferred
                && detectedAtMillis == f.detectedAtMillis
                && updatedAtMillis == f.updatedAtMillis
                && notificationCount == f.notificationCount
                && deletedCount == f.deletedCount
                && revision == f.revision
                && Objects.equals(factId, f.factId)
                && Objects.equals(supersededBy, f.supersededBy)
                && speculative == f.speculative
                && Objects.equals(tenantId, f.tenantId)
                && Objects.equals(callerUserId, f.callerUserId)
                && Objects.equals(callerDisplayName, f.callerDisplayName)
                && Objects.equals(dialedNumber, f.dialedNumber)
                && Objects.equals(locationText, f.locationText)
                && Objects.equals(kind, f.kind)
                && Objects.equals(callerUpn, f.callerUpn)
                && Objects.equals(callerPhoneNumber, f.callerPhoneNumber)
                && Objects.equals(callerDepartment, f.callerDepartment)
                && Objects.equals(callerJobTitle, f.callerJobTitle)
                && Objects.equals(callerOfficeLocation, f.callerOfficeLocation)
                && Objects.equals(policyName, f.policyName)
                && Objects.equals(location, f.location)
                && endedAtMillis == f.endedAtMillis
                && durationSeconds == f.durationSeconds
                && Objects.equals(calledLine, f.calledLine)
                && Objects.equals(calledLineName, f.calledLineName)
                && Objects.equals(correlationId, f.correlationId)
                && Objects.equals(serverCallId, f.serverCallId)
                && Objects.equals(sources, f.sources)
                && Objects.equals(messages, f.messages)
                && Objects.equals(events, f.events)
                && Objects.equals(supersedes, f.supersedes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(factId, revision);
    }

    @Override
    public String toString() {
        if (isSupersede()) {
            return "Supersede{" + factId + " -> " + supersededBy + "}";
        }
        return "EmergencyCallFact{" + factId + " r" + revision + ", caller=" + callerUserId + ", n="
                + notificationCount + ", dialed=" + dialedNumber + "}";
    }
}
