package dev.beacon.bench.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded run split into its fixed cost and its rate, from the job's own data: the processing instants of its
 * notifications (the audit rows' {@code processed_at}). The wall time from submission to the end of the job holds
 * deployment (before the first notification), the processing itself, and the end of a bounded job (the final
 * checkpoint the sinks commit on, then shutdown); a long-running job pays only the middle one. The steady rate is
 * taken between the 10th and the 90th percentile of the processing instants, so that the ramp-up (JIT, the first
 * fetches) and the last stragglers do not count.
 *
 * @param notifications    audit rows (one per notification)
 * @param wallMillis       submission to the end of the job
 * @param startupMillis    submission to the first notification processed
 * @param processingMillis first to last notification processed
 * @param tailMillis       last notification processed to the end of the job
 * @param steadyRate       notifications per second between the 10th and the 90th percentile
 */
public record ProcessingSpan(long notifications, long wallMillis, long startupMillis, long processingMillis,
        long tailMillis, double steadyRate) {

    /** From the processing instants (epoch ms, any order) and the job's submission and end (epoch ms). */
    public static ProcessingSpan of(List<Long> processedAt, long submittedMillis, long endedMillis) {
        if (processedAt.size() < 10) {
            throw new IllegalArgumentException("too few processed notifications to time: " + processedAt.size());
        }
        long[] t = processedAt.stream().mapToLong(Long::longValue).sorted().toArray();
        int lo = t.length / 10;
        int hi = t.length - 1 - t.length / 10;
        double steady = (hi - lo) * 1000.0 / Math.max(1, t[hi] - t[lo]);
        return new ProcessingSpan(t.length, endedMillis - submittedMillis, t[0] - submittedMillis,
                t[t.length - 1] - t[0], endedMillis - t[t.length - 1], steady);
    }

    /** Wall time the run would take at the steady rate alone: what the fixed cost is measured against. */
    public long fixedCostMillis() {
        return Math.round(wallMillis - notifications * 1000.0 / steadyRate);
    }

    public double wallRate() {
        return notifications * 1000.0 / Math.max(1, wallMillis);
    }

    /** As result parameters. */
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("wall_ms", wallMillis);
        p.put("startup_ms", startupMillis);
        p.put("processing_ms", processingMillis);
        p.put("tail_ms", tailMillis);
        p.put("fixed_cost_ms", fixedCostMillis());
        // Of the fixed cost, what the processing itself lost against the steady rate (warm-up, stragglers).
        p.put("ramp_ms", Math.round(processingMillis - notifications * 1000.0 / steadyRate));
        p.put("steady_rate", String.format(java.util.Locale.ROOT, "%.1f", steadyRate));
        p.put("wall_rate", String.format(java.util.Locale.ROOT, "%.1f", wallRate()));
        return p;
    }
}
