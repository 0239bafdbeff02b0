package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.detect.EmergencySignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds the deduplicated message changes of one caller (keyed by {@link Keys#caller}) into emergency-call facts:
 * Teams notifies every security-desk member in a separate chat, so one call arrives as several messages created
 * within seconds. A fact is emitted on first sight (alerting latency matters) and re-emitted with the next revision
 * on every change; sinks keep the highest revision per {@code factId}.
 *
 * <p>Each fact stays open for merging until {@code factRetention} after its last change, then a processing-time
 * timer drops it.
 */
public class CallCorrelator extends KeyedProcessFunction<String, MessageChange, EmergencyCallFact> {

    public static final Duration DEFAULT_CORRELATION_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_FACT_RETENTION = Duration.ofHours(24);
    /** A change to a message whose fact has already left state. */
    public static final String FACT_EXPIRED = "fact-expired";
    /** A new message without {@code from.user}: it cannot be attributed to a caller. */
    public static final String UNKNOWN_CALLER = "unknown-caller";
    /** A new message without chat or message id: it could never be matched by a later change. */
    public static final String MISSING_MESSAGE_ID = "missing-message-id";

    private static final int LATENCY_HISTOGRAM_WINDOW = 1_000;

    private final long windowMillis;
    private final long retentionMillis;

    private transient MapState<String, OpenCall> openCalls;
    private transient Counter emergenciesDetected;
    private transient Counter merged;
    private transient Counter amended;
    private transient Counter deleted;
    private transient Histogram factLatencyMs;
    private transient volatile long lastFactLatencyMs;

    public CallCorrelator() {
        this(DEFAULT_CORRELATION_WINDOW, DEFAULT_FACT_RETENTION);
    }

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
    public void open(OpenContext openContext) {
        openCalls = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("open-calls", Types.STRING, FactTypes.OPEN_CALL));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        emergenciesDetected = metrics.counter("emergenciesDetected");
        merged = metrics.counter("merged");
        amended = metrics.counter("amended");
        deleted = metrics.counter("deleted");
        factLatencyMs = metrics.histogram("factLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_HISTOGRAM_WINDOW));
        metrics.gauge("lastFactLatencyMs", (Gauge<Long>) () -> lastFactLatencyMs);
    }

    @Override
    public void processElement(MessageChange change, Context ctx, Collector<EmergencyCallFact> out) throws Exception {
        EmergencySignal s = change.signal();
        long now = ctx.timerService().currentProcessingTime();
        Located known = findByMessage(s.chatId(), s.messageId());
        switch (change.kind()) {
            case NEW -> {
                if (known != null) {
                    onKnownMessageSeenAgain(s, known, now, ctx, out);
                } else if (s.chatId() == null || s.messageId() == null) {
                    audit(s, AuditOutcome.IGNORED, MISSING_MESSAGE_ID, null, now, ctx);
                } else if (s.callerUserId() == null || s.callerUserId().isBlank()) {
                    audit(s, AuditOutcome.IGNORED, UNKNOWN_CALLER, null, now, ctx);
                } else {
                    onNewMessage(s, now, ctx, out);
                }
            }
            case AMENDED -> {
                if (known == null) {
                    audit(s, AuditOutcome.IGNORED, FACT_EXPIRED, null, now, ctx);
                } else {
                    amend(s, known, now, ctx, out);
                }
            }
            case DELETED -> {
                if (known == null) {
                    audit(s, AuditOutcome.IGNORED, FACT_EXPIRED, null, now, ctx);
                } else {
                    delete(s, known, now, ctx, out);
                }
            }
        }
    }

    /** An open fact and its reference to the message a change is about. */
    private record Located(OpenCall call, MessageRef ref) {}

    /** A message no open fact knows: merge it into the caller's call within the window, or open a new fact. */
    private void onNewMessage(EmergencySignal s, long now, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        long createdAt = s.createdAtMillis() > 0 ? s.createdAtMillis() : now;
        MessageRef ref = new MessageRef(s.chatId(), s.messageId(), s.subscriptionId(), createdAt, s.contentHash());
        ref.deleted = s.isDeleted();
        OpenCall call = closestWithinWindow(createdAt);
        if (call == null) {
            EmergencyCallFact fact = newFact(s, ref, now);
            call = new OpenCall(fact, 0);
            emergenciesDetected.inc();
            if (s.createdAtMillis() > 0) {
                lastFactLatencyMs = Math.max(0, fact.detectedAtMillis - fact.callStartedAtMillis);
                factLatencyMs.update(lastFactLatencyMs);
            }
            commit(s, call, AuditOutcome.EMITTED, now, ctx, out);
            return;
        }
        EmergencyCallFact fact = call.fact;
        fact.messages.add(ref);
        fact.notificationCount = fact.messages.size();
        if (ref.deleted) {
            fact.deletedCount++;
        }
        fact.callStartedAtMillis = Math.min(fact.callStartedAtMillis, createdAt);
        fillMissing(fact, s);
        addSource(fact, s);
        merged.inc();
        commit(s, call, AuditOutcome.MERGED, now, ctx, out);
    }

    /**
     * A message the fact already holds arrives as new again: the deduplicator forgot it (its retention is shorter
     * than this fact's) or a redelivery raced. Only a real difference counts.
     */
    private void onKnownMessageSeenAgain(
            EmergencySignal s, Located known, long now, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        if (known.ref().deleted) {
            audit(s, AuditOutcome.DUPLICATE, null, known.call().fact.factId, now, ctx);
        } else if (s.isDeleted()) {
            delete(s, known, now, ctx, out);
        } else if (!Objects.equals(known.ref().contentHash, s.contentHash())) {
            amend(s, known, now, ctx, out);
        } else {
            audit(s, AuditOutcome.DUPLICATE, null, known.call().fact.factId, now, ctx);
        }
    }

    private void amend(EmergencySignal s, Located known, long now, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        EmergencyCallFact fact = known.call().fact;
        known.ref().contentHash = s.contentHash();
        if (s.dialedNumber() != null) {
            fact.dialedNumber = s.dialedNumber();
            fact.testCall = s.testCall();
        }
        if (s.locationText() != null) {
            fact.locationText = s.locationText();
        }
        if (s.callerDisplayName() != null) {
            fact.callerDisplayName = s.callerDisplayName();
        }
        addSource(fact, s);
        amended.inc();
        commit(s, known.call(), AuditOutcome.AMENDED, now, ctx, out);
    }

    private void delete(EmergencySignal s, Located known, long now, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        if (known.ref().deleted) {
            audit(s, AuditOutcome.DUPLICATE, null, known.call().fact.factId, now, ctx);
            return;
        }
        known.ref().deleted = true;
        known.call().fact.deletedCount++;
        deleted.inc();
        commit(s, known.call(), AuditOutcome.DELETED, now, ctx, out);
    }

    /** Bumps the revision, pushes retention back, writes state, emits a copy and audits the notification. */
    private void commit(EmergencySignal s, OpenCall call, AuditOutcome outcome, long now, Context ctx,
            Collector<EmergencyCallFact> out) throws Exception {
        EmergencyCallFact fact = call.fact;
        if (outcome != AuditOutcome.EMITTED) {
            fact.revision++;
            fact.updatedAtMillis = now;
        }
        retain(call, now, ctx);
        openCalls.put(fact.factId, call);
        out.collect(fact.copy());
        audit(s, outcome, null, fact.factId, now, ctx);
    }

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

    private static EmergencyCallFact newFact(EmergencySignal s, MessageRef ref, long now) {
        EmergencyCallFact fact = new EmergencyCallFact();
        fact.factId = FactIds.factId(s.tenantId(), s.callerUserId(), ref.createdAtMillis);
        fact.tenantId = s.tenantId();
        fact.callerUserId = s.callerUserId();
        fact.callerDisplayName = s.callerDisplayName();
        fact.dialedNumber = s.dialedNumber();
        fact.testCall = s.testCall();
        fact.locationText = s.locationText();
        fact.callStartedAtMillis = ref.createdAtMillis;
        fact.detectedAtMillis = now;
        fact.updatedAtMillis = now;
        fact.notificationCount = 1;
        fact.deletedCount = ref.deleted ? 1 : 0;
        fact.revision = 1;
        fact.messages.add(ref);
        addSource(fact, s);
        return fact;
    }

    /** A merged chat's message may carry what the first one lacked; it never overwrites what is known. */
    private static void fillMissing(EmergencyCallFact fact, EmergencySignal s) {
        if (fact.dialedNumber == null && s.dialedNumber() != null) {
            fact.dialedNumber = s.dialedNumber();
            fact.testCall = s.testCall();
        }
        if (fact.locationText == null) {
            fact.locationText = s.locationText();
        }
        if (fact.callerDisplayName == null) {
            fact.callerDisplayName = s.callerDisplayName();
        }
    }

    private static void addSource(EmergencyCallFact fact, EmergencySignal s) {
        String source = s.channel() + ":" + s.subscriptionId();
        if (!fact.sources.contains(source)) {
            fact.sources.add(source);
        }
    }

    private Located findByMessage(String chatId, String messageId) throws Exception {
        if (chatId == null || messageId == null) {
            return null;
        }
        for (OpenCall call : openCalls.values()) {
            for (MessageRef ref : call.fact.messages) {
                if (ref.sameMessage(chatId, messageId)) {
                    return new Located(call, ref);
                }
            }
        }
        return null;
    }

    private OpenCall closestWithinWindow(long createdAt) throws Exception {
        OpenCall closest = null;
        long closestDistance = Long.MAX_VALUE;
        for (OpenCall call : openCalls.values()) {
            long distance = Math.abs(call.fact.callStartedAtMillis - createdAt);
            if (distance <= windowMillis && distance < closestDistance) {
                closest = call;
                closestDistance = distance;
            }
        }
        return closest;
    }

    private boolean anotherCallRetainedUntil(long timestamp, String exceptFactId) throws Exception {
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            if (e.getValue().retainUntilMillis == timestamp && !e.getKey().equals(exceptFactId)) {
                return true;
            }
        }
        return false;
    }

    private static void audit(EmergencySignal s, AuditOutcome outcome, String reason, String factId, long now,
            Context ctx) {
        ctx.output(AuditTrail.AUDIT, AuditTrail.of(s, outcome, reason, factId, now));
    }
}
