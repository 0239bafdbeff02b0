package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.detect.EmergencySignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds the deduplicated message changes of one caller (keyed by {@link Keys#caller}) into emergency-call facts:
 * Teams notifies every security-desk member in a separate chat, so one call arrives as several messages created
 * within seconds. The decisions are {@link CallerCalls}' (pure, table-tested); this function keeps the caller's
 * open calls in keyed state, publishes what was decided, audits every change and drops calls after retention.
 *
 * <p>A fact is published on first sight (alerting latency matters) and again with the next revision on every
 * change; sinks keep the highest revision per {@code factId} and apply supersede records.
 *
 * <p>After a recovery, an earlier attempt may already have published ids for messages that are now replayed; a
 * message created before this attempt started is therefore treated as possibly published ({@link #RECOVERY_CLOCK_SKEW}
 * allows for Teams' clock running ahead of ours).
 */
public class CallCorrelator extends KeyedProcessFunction<String, MessageChange, EmergencyCallFact>
        implements CheckpointedFunction {

    public static final Duration DEFAULT_CORRELATION_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_FACT_RETENTION = Duration.ofHours(24);
    /** Tolerated difference between Teams' createdDateTime clock and this job's clock after a recovery. */
    static final Duration RECOVERY_CLOCK_SKEW = Duration.ofMinutes(15);

    private static final int LATENCY_HISTOGRAM_WINDOW = 1_000;

    private final long windowMillis;
    private final long retentionMillis;

    private transient MapState<String, OpenCall> openCalls;
    private transient boolean restored;
    /** Messages created before this instant may have been published by an earlier attempt; MIN_VALUE: none. */
    private transient long possiblyPublishedBefore;
    private transient Counter emergenciesDetected;
    private transient Counter merged;
    private transient Counter amended;
    private transient Counter deleted;
    private transient Counter superseded;
    private transient Counter deadLetters;
    /** Messages only the control plane's backfill found: Graph never delivered their notification. */
    private transient Counter backfillRecovered;
    private transient Histogram factLatencyMs;
    private transient volatile long lastFactLatencyMs;

    public CallCorrelator() {
        this(DEFAULT_CORRELATION_WINDOW, DEFAULT_FACT_RETENTION);
    }

    /**
     * @param correlationWindow a caller's messages created at most this far apart (consecutively) are one call
     * @param factRetention     how long a call stays open for merges, edits and deletions after its last change
     */
    public CallCorrelator(Duration correlationWindow, Duration factRetention) {
        if (correlationWindow == null || correlationWindow.isNegative()) {
            throw new IllegalArgumentException("correlationWindow must not be negative: " + correlationWindow);
        }
        // A fact must outlive the window, or a desk member's late notification would open a second fact.
        if (factRetention == null || factRetention.compareTo(correlationWindow) < 0 || factRetention.isZero()) {
            throw new IllegalArgumentException("factRetention must be positive and at least the correlation window: "
                    + factRetention);
        }
        this.windowMillis = correlationWindow.toMillis();
        this.retentionMillis = factRetention.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        restored = context.isRestored();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Everything lives in keyed state; nothing else to snapshot.
    }

    @Override
    public void open(OpenContext openContext) {
        openCalls = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("open-calls", Types.STRING, FactTypes.OPEN_CALL));
        // A restore from a checkpoint or savepoint, or a restart without one: output after the last checkpoint
        // may already be out there.
        boolean recovering = restored || getRuntimeContext().getTaskInfo().getAttemptNumber() > 0;
        possiblyPublishedBefore = recovering
                ? System.currentTimeMillis() + RECOVERY_CLOCK_SKEW.toMillis()
                : Long.MIN_VALUE;
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        emergenciesDetected = metrics.counter("emergenciesDetected");
        merged = metrics.counter("merged");
        amended = metrics.counter("amended");
        deleted = metrics.counter("deleted");
        superseded = metrics.counter("superseded");
        deadLetters = metrics.counter("deadLetters");
        backfillRecovered = metrics.counter("backfillRecovered");
        factLatencyMs = metrics.histogram("factLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_HISTOGRAM_WINDOW));
        metrics.gauge("lastFactLatencyMs", (Gauge<Long>) () -> lastFactLatencyMs);
    }

    @Override
    public void processElement(MessageChange change, Context ctx, Collector<EmergencyCallFact> out) throws Exception {
        EmergencySignal s = change.signal();
        long now = ctx.timerService().currentProcessingTime();
        String defect = defect(change);
        if (defect != null) {
            // Triage dead-letters these with the notification itself; reaching here is a bug, kept as data.
            deadLetters.inc();
            ctx.output(AuditTrail.DEAD_LETTERS,
                    new DeadLetter(s.source(), DeadLetterReason.PROCESSING_ERROR, defect, "", false, now));
            ctx.output(AuditTrail.AUDIT, AuditTrail.of(s, AuditOutcome.INVALID,
                    DeadLetterReason.PROCESSING_ERROR.label(), null, now));
            return;
        }
        Map<String, OpenCall> before = new HashMap<>();
        List<EmergencyCallFact> calls = new ArrayList<>();
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            before.put(e.getKey(), e.getValue());
            calls.add(e.getValue().fact);
        }
        long possiblyPublishedBefore = this.possiblyPublishedBefore;
        CallerCalls.Decision d = new CallerCalls(windowMillis, calls)
                .apply(change, now, createdAt -> createdAt < possiblyPublishedBefore);

        for (String id : d.removedIds()) {
            OpenCall gone = before.get(id);
            openCalls.remove(id);
            if (gone != null && !anotherCallRetainedUntil(gone.retainUntilMillis, id)) {
                ctx.timerService().deleteProcessingTimeTimer(gone.retainUntilMillis);
            }
        }
        if (!d.published().isEmpty()) {
            OpenCall call = before.containsKey(d.live().factId) ? before.get(d.live().factId) : new OpenCall();
            call.fact = d.live();
            retain(call, now, ctx);
            openCalls.put(call.fact.factId, call);
        }
        for (EmergencyCallFact record : d.published()) {
            out.collect(record);
            if (record.isSupersede()) {
                superseded.inc();
            }
        }
        count(d, s);
        ctx.output(AuditTrail.AUDIT, AuditTrail.of(s, d.outcome(), d.reason(), d.factId(), now));
    }

    /** What makes a change impossible to correlate; triage guarantees none of these. */
    private static String defect(MessageChange change) {
        EmergencySignal s = change.signal();
        if (s.tenantId() == null || s.callerUserId() == null || s.callerUserId().isBlank()) {
            return "correlator received a change without tenant or caller";
        }
        if (s.chatId() == null || s.messageId() == null) {
            return "correlator received a change without chat or message id";
        }
        if (change.kind() == MessageChange.Kind.NEW && s.createdAtMillis() <= 0) {
            return "correlator received a new message without a call time";
        }
        return null;
    }

    private void count(CallerCalls.Decision d, EmergencySignal s) {
        AuditOutcome outcome = d.outcome();
        if (outcome == AuditOutcome.RECOVERED) {
            backfillRecovered.inc();
            // Still a fact started or joined: the emitted/merged counters keep counting every one.
            outcome = AuditOutcome.EMITTED.label().equals(d.reason()) ? AuditOutcome.EMITTED : AuditOutcome.MERGED;
        }
        switch (outcome) {
            case EMITTED -> {
                emergenciesDetected.inc();
                if (!s.createdAtInferred()) {
                    lastFactLatencyMs = Math.max(0, d.live().detectedAtMillis - s.createdAtMillis());
                    factLatencyMs.update(lastFactLatencyMs);
                }
            }
            case MERGED -> merged.inc();
            case AMENDED -> amended.inc();
            case DELETED -> deleted.inc();
            default -> { }
        }
    }

    /** Pushes the call's retention back to now + retention, moving its timer. */
    private void retain(OpenCall call, long now, Context ctx) throws Exception {
        long previous = call.retainUntilMillis;
        long next = now + retentionMillis;
        if (previous == next) {
            return;
        }
        call.retainUntilMillis = next;
        if (previous > 0 && !anotherCallRetainedUntil(previous, call.fact.factId)) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        ctx.timerService().registerProcessingTimeTimer(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmergencyCallFact> out) throws Exception {
        ArrayList<String> expired = new ArrayList<>();
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            if (e.getValue().retainUntilMillis <= timestamp) {
                expired.add(e.getKey());
            }
        }
        for (String factId : expired) {
            openCalls.remove(factId);
        }
        if (openCalls.isEmpty()) {
            openCalls.clear();
        }
    }

    private boolean anotherCallRetainedUntil(long timestamp, String exceptFactId) throws Exception {
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            if (e.getValue().retainUntilMillis == timestamp && !e.getKey().equals(exceptFactId)) {
                return true;
            }
        }
        return false;
    }
}
