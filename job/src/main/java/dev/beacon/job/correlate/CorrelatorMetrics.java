package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** The metrics of {@link CallCorrelator} (names unchanged since the first release; dashboards use them). */
final class CorrelatorMetrics {

    private static final int LATENCY_HISTOGRAM_WINDOW = 1_000;

    final Counter emergenciesDetected;
    final Counter merged;
    final Counter amended;
    final Counter deleted;
    final Counter superseded;
    final Counter deadLetters;
    /** Messages only the control plane's backfill found: Graph never delivered their notification. */
    final Counter backfillRecovered;
    /** Fact revisions caused by directory or site changes. */
    final Counter enriched;
    /** callEnded / rosterUpdated events that came before their call and wait for it. */
    final Counter awaitingCall;
    private final Histogram factLatencyMs;
    private volatile long lastFactLatencyMs;

    CorrelatorMetrics(MetricGroup metrics) {
        emergenciesDetected = metrics.counter("emergenciesDetected");
        merged = metrics.counter("merged");
        amended = metrics.counter("amended");
        deleted = metrics.counter("deleted");
        superseded = metrics.counter("superseded");
        deadLetters = metrics.counter("deadLetters");
        backfillRecovered = metrics.counter("backfillRecovered");
        enriched = metrics.counter("enriched");
        awaitingCall = metrics.counter("callEventsAwaitingCall");
        factLatencyMs = metrics.histogram("factLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_HISTOGRAM_WINDOW));
        metrics.gauge("lastFactLatencyMs", (Gauge<Long>) () -> lastFactLatencyMs);
    }

    /** @param observedAtMillis when the call was observed (message created, event time); -1 when inferred */
    void count(CallerCalls.Decision d, long observedAtMillis) {
        AuditOutcome outcome = d.outcome();
        if (outcome == AuditOutcome.RECOVERED) {
            backfillRecovered.inc();
            // Still a fact started or joined: the emitted/merged counters keep counting every one.
            outcome = AuditOutcome.EMITTED.label().equals(d.reason()) ? AuditOutcome.EMITTED : AuditOutcome.MERGED;
        }
        switch (outcome) {
            case EMITTED -> {
                emergenciesDetected.inc();
                if (observedAtMillis >= 0) {
                    lastFactLatencyMs = Math.max(0, d.live().detectedAtMillis - observedAtMillis);
                    factLatencyMs.update(lastFactLatencyMs);
                }
            }
            case MERGED -> merged.inc();
            case AMENDED -> amended.inc();
            case DELETED -> deleted.inc();
            default -> { }
        }
    }
}
