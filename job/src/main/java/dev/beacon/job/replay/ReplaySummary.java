package dev.beacon.job.replay;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.DeadLetterReason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * What a replay read and what became of it, from the {@link ReplayTally} counters: records read, audit rows by
 * outcome, dead letters by reason, facts. Printed at the end of every replay, so a data engineer can see why a record
 * produced no fact (ignored as not an emergency, a duplicate, a dead letter and why) without opening any file.
 *
 * @param auditOutcomes by outcome label, in {@link AuditOutcome} order, only those that occurred
 * @param deadLetters   by reason label, in {@link DeadLetterReason} order, only those that occurred
 */
public record ReplaySummary(
        long records, Map<String, Long> auditOutcomes, Map<String, Long> deadLetters, long facts, long factRevisions) {

    public static ReplaySummary from(JobExecutionResult result) {
        Map<String, Object> counters = result.getAllAccumulatorResults();
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (AuditOutcome o : AuditOutcome.values()) {
            putIfCounted(outcomes, o.label(), counters.get(ReplayTally.AUDIT_PREFIX + o.label()));
        }
        putIfCounted(outcomes, "none", counters.get(ReplayTally.AUDIT_PREFIX + "none"));
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (DeadLetterReason r : DeadLetterReason.values()) {
            putIfCounted(reasons, r.label(), counters.get(ReplayTally.DEAD_LETTER_PREFIX + r.label()));
        }
        putIfCounted(reasons, "none", counters.get(ReplayTally.DEAD_LETTER_PREFIX + "none"));
        return new ReplaySummary(count(counters.get(ReplayTally.RECORDS)), outcomes, reasons,
                count(counters.get(ReplayTally.FACTS)), count(counters.get(ReplayTally.FACT_REVISIONS)));
    }

    public long auditRows() {
        return auditOutcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The summary as printed, one line per count. */
    public List<String> lines() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Replay summary");
        lines.add(row("records read", records));
        lines.add(row("audit rows", auditRows()));
        auditOutcomes.forEach((outcome, n) -> lines.add(row("  " + outcome, n)));
        lines.add(row("dead letters", deadLetterCount()));
        deadLetters.forEach((reason, n) -> lines.add(row("  " + reason, n)));
        lines.add(row("facts", facts) + " (" + factRevisions + " revisions)");
        return lines;
    }

    private static String row(String what, long n) {
        return String.format("  %-26s %6d", what, n);
    }

    private static void putIfCounted(Map<String, Long> into, String label, Object counter) {
        long n = count(counter);
        if (n > 0) {
            into.put(label, n);
        }
    }

    private static long count(Object counter) {
        return counter instanceof Number n ? n.longValue() : 0L;
    }
}
