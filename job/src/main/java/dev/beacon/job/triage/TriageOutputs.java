package dev.beacon.job.triage;

import org.apache.flink.util.OutputTag;

/** Triage's side outputs besides the audit trail and dead letters (see {@code AuditTrail}). */
public final class TriageOutputs {

    public static final OutputTag<LifecycleNotice> LIFECYCLE = new OutputTag<>("lifecycle") {};
    public static final OutputTag<HydrationRequest> NEEDS_HYDRATION = new OutputTag<>("needs-hydration") {};

    private TriageOutputs() {}
}
