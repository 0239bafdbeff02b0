package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;

/**
 * The audit row of a Graph emergency call event: like a chat notification's, with the event type as change type,
 * the event id as message id and no chat.
 */
final class CallEventAudit {

    private CallEventAudit() {}

    static AuditRecord of(EmergencyCallEvent e, AuditOutcome outcome, String reason, String factId, long nowMillis) {
        return new AuditRecord(e.source(), e.tenantId(), e.subscriptionId(), e.eventType(), null, e.eventId(),
                outcome, reason, factId, nowMillis, AuditTrail.latency(e.source(), nowMillis));
    }

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
