package dev.beacon.job.correlate;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;

/**
 * What the correlator checks about a Graph emergency call event before it places it (its audit row is
 * {@code AuditTrail.of(EmergencyCallEvent, ...)}).
 */
final class CallEventAudit {

    private CallEventAudit() {}

    /** What makes an event impossible to correlate; triage and the caller resolver guarantee none of these. */
    static String defect(EmergencyCallEvent e) {
        if (e.tenantId() == null || e.callerUserId() == null || e.callerUserId().isBlank()) {
            return "correlator received a call event without tenant or caller";
        }
        if (e.eventId() == null || e.eventType() == null) {
            return "correlator received a call event without id or type";
        }
        if (e.eventAtMillis() <= 0) {
            return "correlator received a call event without an event time";
        }
        return null;
    }
}
