package dev.beacon.job.triage;

import org.apache.flink.util.OutputTag;

/** Triage's side outputs besides the audit trail and dead letters (see {@code AuditTrail}). */
public final class TriageOutputs {

    public static final OutputTag<LifecycleNotice> LIFECYCLE = new OutputTag<>("lifecycle") {};
    public static final OutputTag<HydrationRequest> NEEDS_HYDRATION = new OutputTag<>("needs-hydration") {};
    /** Decrypted Graph emergency call events, for correlation with the chat's facts. */
    public static final OutputTag<dev.beacon.job.emergencyevents.EmergencyCallEvent> EMERGENCY_CALL_EVENTS =
            new OutputTag<>("emergency-call-events") {};
    /** ACS IncomingCall events, for the security-line stage. */
    public static final OutputTag<dev.beacon.job.securitylines.IncomingCall> INCOMING_CALLS =
            new OutputTag<>("incoming-calls") {};

    private TriageOutputs() {}
}
