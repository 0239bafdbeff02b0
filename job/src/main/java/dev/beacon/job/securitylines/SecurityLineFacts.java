package dev.beacon.job.securitylines;

import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.reference.ReferenceUpdate;

/** Builds the fact of a call to a security line. Pure. */
public final class SecurityLineFacts {

    /** Stands in for the caller of a call ACS names no caller for (a withheld number): facts need a caller id. */
    public static final String UNKNOWN_CALLER = "unknown";
    /** Stands in for the tenant of a line ops configured without one: facts need a tenant. */
    public static final String UNKNOWN_TENANT = "unknown";

    private SecurityLineFacts() {}

    /**
     * The call's key and the base of its fact id: ACS's {@code correlationId}, else {@code serverCallId}, else the
     * event id, else where it was read (which a redelivery shares only when it is the same record).
     */
    public static String callKey(IncomingCall c) {
        if (present(c.correlationId())) {
            return c.correlationId();
        }
        if (present(c.serverCallId())) {
            return c.serverCallId();
        }
        return present(c.eventId()) ? c.eventId() : c.source().toString();
    }

    /**
     * Revision 1 of the call's fact. The caller is identified by its ACS raw id ({@code 4:+1…} for a phone); the
     * call started when ACS saw it ring.
     */
    public static EmergencyCallFact fact(IncomingCall c, ReferenceUpdate.SecurityLine line, long nowMillis) {
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = FactIds.securityLineFactId(callKey(c));
        f.kind = EmergencyCallFact.KIND_SECURITY_LINE;
        f.tenantId = present(line.tenantId) ? line.tenantId : UNKNOWN_TENANT;
        f.callerUserId = present(c.fromRawId()) ? c.fromRawId() : UNKNOWN_CALLER;
        f.callerDisplayName = c.callerDisplayName();
        f.callerPhoneNumber = c.callerPhoneNumber();
        f.calledLine = line.lineId;
        f.calledLineName = line.displayName;
        f.correlationId = c.correlationId();
        f.serverCallId = c.serverCallId();
        f.callStartedAtMillis = c.eventAtMillis();
        f.detectedAtMillis = nowMillis;
        f.updatedAtMillis = nowMillis;
        f.notificationCount = 1;
        f.revision = 1;
        f.sources.add("acs:" + (present(c.acsResource()) ? c.acsResource() : "unknown"));
        return f;
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
