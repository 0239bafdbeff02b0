package dev.beacon.job.triage;

import dev.beacon.job.audit.DeadLetterReason;
import java.util.EnumMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Triage's counters, registered once in {@code open()}. Dead letters are counted per reason. */
final class TriageMetrics {

    final Counter recordsIn;
    final Counter notificationsIn;
    final Counter validationSkipped;
    final Counter lifecycleForwarded;
    final Counter needsHydration;
    final Counter ignored;
    final Counter emergencyMatches;
    final Counter decryptFailures;
    final Counter fetchedMessagesIn;
    final Counter deadLetters;
    private final EnumMap<DeadLetterReason, Counter> deadLettersByReason = new EnumMap<>(DeadLetterReason.class);

    TriageMetrics(MetricGroup group) {
        recordsIn = group.counter("recordsIn");
        notificationsIn = group.counter("notificationsIn");
        validationSkipped = group.counter("validationSkipped");
        lifecycleForwarded = group.counter("lifecycleForwarded");
        needsHydration = group.counter("needsHydration");
        ignored = group.counter("ignored");
        emergencyMatches = group.counter("emergencyMatches");
        decryptFailures = group.counter("decryptFailures");
        fetchedMessagesIn = group.counter("fetchedMessagesIn");
        deadLetters = group.counter("deadLetters");
        MetricGroup byReason = group.addGroup("deadLetterReason");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettersByReason.put(reason, byReason.addGroup(reason.label()).counter("deadLetters"));
        }
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.inc();
        deadLettersByReason.get(reason).inc();
    }
}
