package dev.beacon.job;

import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where each of the job's outputs goes. Each output may have several sinks (facts go to PostgreSQL and Kafka) or
 * none (replay mode has no lifecycle topic). Tests pass their own.
 */
public final class BeaconSinks {

    final List<Sink<EmergencyCallFact>> facts = new ArrayList<>();
    final List<Sink<AuditRecord>> audit = new ArrayList<>();
    final List<Sink<DeadLetter>> deadLetters = new ArrayList<>();
    final List<Sink<LifecycleNotice>> lifecycle = new ArrayList<>();
    final List<Sink<HydrationRequest>> needsHydration = new ArrayList<>();
    /** Sinks that must run with parallelism 1 (single local files). */
    final List<Sink<?>> singleWriter = new ArrayList<>();

    public BeaconSinks facts(Sink<EmergencyCallFact> sink) {
        facts.add(sink);
        return this;
    }

    public BeaconSinks audit(Sink<AuditRecord> sink) {
        audit.add(sink);
        return this;
    }

    public BeaconSinks deadLetters(Sink<DeadLetter> sink) {
        deadLetters.add(sink);
        return this;
    }

    public BeaconSinks lifecycle(Sink<LifecycleNotice> sink) {
        lifecycle.add(sink);
        return this;
    }

    public BeaconSinks needsHydration(Sink<HydrationRequest> sink) {
        needsHydration.add(sink);
        return this;
    }

    /** Marks a sink already added as one that must run with parallelism 1. */
    public BeaconSinks singleWriter(Sink<?> sink) {
        singleWriter.add(sink);
        return this;
    }
}
