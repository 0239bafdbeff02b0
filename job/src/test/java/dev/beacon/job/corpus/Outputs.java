package dev.beacon.job.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.BeaconSinks;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.sink.FactJson;
import dev.beacon.job.sink.RecordJson;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything the job wrote to its five outputs in one run, and the views the assertions need. */
final class Outputs {

    static final String FACTS = "facts";
    static final String AUDIT = "audit";
    static final String DEAD_LETTERS = "dead-letters";
    static final String LIFECYCLE = "lifecycle";
    static final String HYDRATION = "needs-hydration";

    final List<EmergencyCallFact> facts;
    final List<AuditRecord> audit;
    final List<DeadLetter> deadLetters;
    final List<LifecycleNotice> lifecycle;
    final List<HydrationRequest> hydration;

    private Outputs(String run) {
        facts = CollectingSink.collected(run, FACTS);
        audit = CollectingSink.collected(run, AUDIT);
        deadLetters = CollectingSink.collected(run, DEAD_LETTERS);
        lifecycle = CollectingSink.collected(run, LIFECYCLE);
        hydration = CollectingSink.collected(run, HYDRATION);
    }

    /** Collecting sinks for every output of the job. */
    static BeaconSinks sinks(String run) {
        return new BeaconSinks()
                .facts(CollectingSink.to(run, FACTS))
                .audit(CollectingSink.to(run, AUDIT))
                .deadLetters(CollectingSink.to(run, DEAD_LETTERS))
                .lifecycle(CollectingSink.to(run, LIFECYCLE))
                .needsHydration(CollectingSink.to(run, HYDRATION));
    }

    static Outputs collect(String run) {
        return new Outputs(run);
    }

    /** {@code source/partition@offset} of a position. */
    static String record(SourceRef s) {
        return s == null ? "(no position)" : Corpus.Placed.position(s.source(), s.partition(), s.offset());
    }

    /** {@code source/partition@offset#item} of a position. */
    static String item(SourceRef s) {
        return s == null ? "(no position)" : record(s) + "#" + s.itemIndex();
    }

    /**
     * The outcome labels per position: {@code dead:<reason>} for each dead letter, {@code audit:<outcome>} for each
     * audit row except {@code invalid} ones, which only restate a dead letter (checked separately).
     */
    Map<String, List<String>> outcomesByPosition() {
        Map<String, List<String>> out = new TreeMap<>();
        for (DeadLetter d : deadLetters) {
            out.computeIfAbsent(item(d.source()), k -> new ArrayList<>())
                    .add("dead:" + (d.reason() == null ? null : d.reason().label()));
        }
        for (AuditRecord a : audit) {
            if (a.outcome() != AuditOutcome.INVALID) {
                out.computeIfAbsent(item(a.source()), k -> new ArrayList<>())
                        .add("audit:" + (a.outcome() == null ? null : a.outcome().label()));
            }
        }
        return out;
    }

    /** One serialized output record: which output, where from, and its JSON as the Kafka sinks write it. */
    record Serialized(String output, String position, String json, String failure) {}

    /** Every output record as the job's own JSON mappers write it, or why it could not be written. */
    List<Serialized> serialized() {
        ObjectMapper m = new ObjectMapper();
        List<Serialized> out = new ArrayList<>();
        for (EmergencyCallFact f : facts) {
            out.add(write(m, FACTS, f.factId + " r" + f.revision, FactJson.toJson(f, m)));
        }
        for (AuditRecord a : audit) {
            out.add(write(m, AUDIT, item(a.source()), RecordJson.audit(a, m)));
        }
        for (DeadLetter d : deadLetters) {
            out.add(write(m, DEAD_LETTERS, item(d.source()), RecordJson.deadLetter(d, m)));
        }
        for (LifecycleNotice l : lifecycle) {
            out.add(write(m, LIFECYCLE, item(l.source()), RecordJson.lifecycle(l, m)));
        }
        for (HydrationRequest h : hydration) {
            out.add(write(m, HYDRATION, item(h.source()), RecordJson.hydration(h, m)));
        }
        return out;
    }

    private static Serialized write(ObjectMapper m, String output, String position, ObjectNode json) {
        try {
            // writeValueAsBytes, as KafkaSinks does: UTF-8 generation is where odd strings would fail.
            return new Serialized(output, position, new String(m.writeValueAsBytes(json), StandardCharsets.UTF_8),
                    null);
        } catch (Exception e) {
            return new Serialized(output, position, json.toString(), e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }
}
