package dev.beacon.job.securitylines;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactTypes;
import dev.beacon.job.reference.ReferenceUpdate;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns ACS {@code IncomingCall} events into facts of kind {@link EmergencyCallFact#KIND_SECURITY_LINE}: a call
 * whose called party ({@code to.rawId}) is a security line ops configured becomes exactly one fact, whatever Event
 * Grid redelivers. Keyed by the call ({@link SecurityLineFacts#callKey}); the lines arrive as a broadcast of
 * {@link ReferenceUpdate}s of kind {@code SECURITY_LINE} (a tombstone removes a line).
 *
 * <p>At startup the lines may arrive after a call. A call to a number that is not a known line is therefore held in
 * keyed state for a grace period ({@code securitylines.grace}): the line arriving in that time decides it at once;
 * otherwise a processing-time timer drops it, counted ({@code incomingCallsToOtherLines}) and audited
 * {@code ignored / not-a-security-line}. A decided call is remembered for {@code securitylines.retention} so a
 * redelivery is audited {@code duplicate} and makes no second fact; then its state and timer are gone.
 *
 * <p>Every event gets exactly one audit row: emitted, duplicate or ignored (a held event gets its row when it is
 * decided).
 */
public class SecurityLineCalls
        extends KeyedBroadcastProcessFunction<String, IncomingCall, ReferenceUpdate, EmergencyCallFact> {

    /** The broadcast state of the lines, by canonical line id ({@link LineIds}). */
    public static final MapStateDescriptor<String, ReferenceUpdate.SecurityLine> LINES = new MapStateDescriptor<>(
            "security-lines", Types.STRING, Types.POJO(ReferenceUpdate.SecurityLine.class));
    /** The audit reason of a call to a number that is no security line. */
    public static final String NOT_A_SECURITY_LINE = "not-a-security-line";

    static final TypeInformation<HeldCall> HELD_CALL = Types.POJO(HeldCall.class);
    /** The keyed state of one call (package-private: tests count its entries). */
    static final ValueStateDescriptor<HeldCall> CALL = new ValueStateDescriptor<>("security-line-call",
            HELD_CALL);

    private final long graceMillis;
    private final long retentionMillis;

    private transient ValueState<HeldCall> call;
    // Package-private for tests: the operator harness has no metric registry to read them from.
    transient Counter incomingCalls;
    transient Counter facts;
    transient Counter duplicates;
    transient Counter heldForLines;
    transient Counter toOtherLines;

    /**
     * @param grace     how long a call to an unknown number waits for its line
     * @param retention how long a decided call is remembered against redeliveries; at least {@code grace}
     */
    public SecurityLineCalls(Duration grace, Duration retention) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException(BeaconOptions.SECURITY_LINES_GRACE.key() + " must not be negative");
        }
        if (retention == null || retention.compareTo(grace) < 0 || retention.isZero()) {
            throw new IllegalArgumentException(BeaconOptions.SECURITY_LINES_RETENTION.key()
                    + " must be positive and at least " + BeaconOptions.SECURITY_LINES_GRACE.key());
        }
        this.graceMillis = grace.toMillis();
        this.retentionMillis = retention.toMillis();
    }

    /**
     * The stage: {@code calls} keyed by call, {@code lines} (any reference updates; only security lines are kept)
     * broadcast to it. The result's side outputs {@link AuditTrail#AUDIT} and {@link AuditTrail#DEAD_LETTERS} hold
     * its audit rows (this stage writes no dead letters today).
     */
    public static SingleOutputStreamOperator<EmergencyCallFact> define(DataStream<IncomingCall> calls,
            DataStream<ReferenceUpdate> lines, Duration grace, Duration retention) {
        BroadcastStream<ReferenceUpdate> broadcast = lines
                .filter(u -> u != null && u.kind == ReferenceUpdate.Kind.SECURITY_LINE)
                .name("security-lines").uid("security-lines")
                .broadcast(LINES);
        return calls.keyBy(SecurityLineFacts::callKey, Types.STRING)
                .connect(broadcast)
                .process(new SecurityLineCalls(grace, retention), FactTypes.FACT)
                .name("security-line-calls").uid("security-line-calls");
    }

    /** {@link #define(DataStream, DataStream, Duration, Duration)} with {@code securitylines.*} settings. */
    public static SingleOutputStreamOperator<EmergencyCallFact> define(DataStream<IncomingCall> calls,
            DataStream<ReferenceUpdate> lines, Configuration conf) {
        return define(calls, lines, conf.get(BeaconOptions.SECURITY_LINES_GRACE),
                conf.get(BeaconOptions.SECURITY_LINES_RETENTION));
    }

    @Override
    public void open(OpenContext openContext) {
        call = getRuntimeContext().getState(CALL);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        incomingCalls = metrics.counter("incomingCalls");
        facts = metrics.counter("securityLineCalls");
        duplicates = metrics.counter("incomingCallDuplicates");
        heldForLines = metrics.counter("incomingCallsHeldForLines");
        toOtherLines = metrics.counter("incomingCallsToOtherLines");
    }

    @Override
    public void processElement(IncomingCall c, ReadOnlyContext ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        incomingCalls.inc();
        long now = ctx.timerService().currentProcessingTime();
        HeldCall known = call.value();
        if (known != null) {
            duplicates.inc();
            ctx.output(AuditTrail.AUDIT, AuditTrail.of(c, null, AuditOutcome.DUPLICATE,
                    known.held ? "same call, still waiting for its line" : "same call again", known.factId, now));
            return;
        }
        ReferenceUpdate.SecurityLine line = ctx.getBroadcastState(LINES).get(LineIds.of(c.toRawId()));
        if (line != null) {
            emit(c, line, now, out, r -> ctx.output(AuditTrail.AUDIT, r));
            ctx.timerService().registerProcessingTimeTimer(now + retentionMillis);
            return;
        }
        heldForLines.inc();
        call.update(HeldCall.holding(c, now + graceMillis));
        ctx.timerService().registerProcessingTimeTimer(now + graceMillis);
    }

    @Override
    public void processBroadcastElement(ReferenceUpdate update, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        if (update == null || update.kind != ReferenceUpdate.Kind.SECURITY_LINE) {
            return;
        }
        BroadcastState<String, ReferenceUpdate.SecurityLine> lines = ctx.getBroadcastState(LINES);
        String lineId = LineIds.of(update.line != null && update.line.lineId != null ? update.line.lineId
                : update.key);
        if (lineId == null) {
            return;
        }
        if (update.isTombstone()) {
            lines.remove(lineId); // facts already made stay; later calls to it are calls to another number
            return;
        }
        lines.put(lineId, update.line);
        long now = ctx.currentProcessingTime();
        // Calls held for this line are decided now, not when their grace ends. Their timers stay registered and
        // turn into the retention timers when they fire (a timer cannot be set for another key from here).
        ctx.applyToKeyedState(CALL, (key, state) -> {
            HeldCall h = state.value();
            if (h != null && h.held && lineId.equals(LineIds.of(h.toRawId))) {
                emit(h.call(), update.line, now, out, r -> ctx.output(AuditTrail.AUDIT, r));
            }
        });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmergencyCallFact> out) throws Exception {
        HeldCall h = call.value();
        if (h == null) {
            return;
        }
        if (h.held) {
            if (timestamp < h.decideAtMillis) {
                return;
            }
            IncomingCall c = h.call();
            ReferenceUpdate.SecurityLine line = ctx.getBroadcastState(LINES).get(LineIds.of(c.toRawId()));
            if (line != null) {
                emit(c, line, timestamp, out, r -> ctx.output(AuditTrail.AUDIT, r));
            } else {
                toOtherLines.inc();
                ctx.output(AuditTrail.AUDIT,
                        AuditTrail.of(c, null, AuditOutcome.IGNORED, NOT_A_SECURITY_LINE, null, timestamp));
                call.update(HeldCall.decided(null, timestamp + retentionMillis));
            }
            ctx.timerService().registerProcessingTimeTimer(timestamp + retentionMillis);
        } else if (timestamp >= h.forgetAtMillis) {
            call.clear();
        } else {
            // Decided by a line's arrival while held: this was the grace timer; wait for the retention to end.
            ctx.timerService().registerProcessingTimeTimer(h.forgetAtMillis);
        }
    }

    /** Publishes the call's fact, audits it and remembers the call (for the key in context). */
    private void emit(IncomingCall c, ReferenceUpdate.SecurityLine line, long now, Collector<EmergencyCallFact> out,
            Consumer<AuditRecord> audit) throws Exception {
        EmergencyCallFact fact = SecurityLineFacts.fact(c, line, now);
        facts.inc();
        out.collect(fact);
        audit.accept(AuditTrail.of(c, fact.tenantId, AuditOutcome.EMITTED, null, fact.factId, now));
        call.update(HeldCall.decided(fact.factId, now + retentionMillis));
    }
}
