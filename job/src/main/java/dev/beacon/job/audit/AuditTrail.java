package dev.beacon.job.audit;

import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.SourceRef;
import org.apache.flink.util.OutputTag;

/** The side outputs every stage writes its audit rows and dead letters to, and helpers to build those rows. */
public final class AuditTrail {

    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("audit") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private AuditTrail() {}

    /** An audit row for a notification that reached emergency processing. */
    public static AuditRecord of(EmergencySignal s, AuditOutcome outcome, String reason, String factId, long nowMillis) {
        return new AuditRecord(s.source(), s.tenantId(), s.subscriptionId(), s.changeType(), s.chatId(),
                s.messageId(), outcome, reason, factId, nowMillis, latency(s.source(), nowMillis));
    }

    /** Processing time minus the record's ingest time; -1 when the ingest time is unknown. */
    public static long latency(SourceRef source, long nowMillis) {
        return source.ingestedAtMillis() > 0 ? Math.max(0, nowMillis - source.ingestedAtMillis()) : -1;
    }
}
