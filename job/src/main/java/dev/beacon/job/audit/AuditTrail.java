package dev.beacon.job.audit;

import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.securitylines.IncomingCall;
import org.apache.flink.util.OutputTag;

/** The side outputs every stage writes its audit rows and dead letters to, and helpers to build those rows. */
public final class AuditTrail {

    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("audit") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** The change type column of an ACS IncomingCall's audit row. */
    public static final String INCOMING_CALL = "Microsoft.Communication.IncomingCall";

    private AuditTrail() {}

    /** An audit row for a notification that reached emergency processing. */
    public static AuditRecord of(EmergencySignal s, AuditOutcome outcome, String reason, String factId, long nowMillis) {
        return new AuditRecord(s.source(), s.tenantId(), s.subscriptionId(), s.changeType(), s.chatId(),
                s.messageId(), outcome, reason, factId, nowMillis, latency(s.source(), nowMillis));
    }

    /**
     * An audit row for a Graph emergency call event (correlation's outcome for it): its event type stands in the
     * change type column, its event id in the message id column.
     */
    public static AuditRecord of(EmergencyCallEvent e, AuditOutcome outcome, String reason, String factId,
            long nowMillis) {
        return ofEvent(e.source(), e.tenantId(), e.subscriptionId(), e.eventType(), e.eventId(), outcome, reason,
                factId, nowMillis);
    }

    /**
     * An audit row for an ACS IncomingCall (the security-line stage's outcome for it): the event type stands in the
     * change type column, the event id in the message id column.
     *
     * @param tenantId the security line's tenant when known; null otherwise
     */
    public static AuditRecord of(IncomingCall c, String tenantId, AuditOutcome outcome, String reason, String factId,
            long nowMillis) {
        return ofEvent(c.source(), tenantId, null, INCOMING_CALL, c.eventId(), outcome, reason, factId, nowMillis);
    }

    /**
     * An audit row for an event that is not a chat message (an emergency call event, an Azure event): no chat, the
     * event's type as the change type and its id as the message id.
     */
    public static AuditRecord ofEvent(SourceRef source, String tenantId, String subscriptionId, String eventType,
            String eventId, AuditOutcome outcome, String reason, String factId, long nowMillis) {
        return new AuditRecord(source, tenantId, subscriptionId, eventType, null, eventId, outcome, reason, factId,
                nowMillis, latency(source, nowMillis));
    }

    /** Processing time minus the record's ingest time; -1 when the ingest time is unknown. */
    public static long latency(SourceRef source, long nowMillis) {
        return source.ingestedAtMillis() > 0 ? Math.max(0, nowMillis - source.ingestedAtMillis()) : -1;
    }
}
