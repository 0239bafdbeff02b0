package dev.beacon.job.correlate;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * Gives each Graph emergency call event the caller's directory object id, so that it meets the chat messages of
 * the same call (chat knows the caller by object id, the event by UPN). Keyed by {@code tenant|lower(upn)}
 * ({@link UpnIndex#key}); the second input is the directory's UPN index.
 *
 * <p>An event that already names its caller passes through. One whose UPN the directory does not know (yet) waits
 * up to the grace period (processing time) for the directory; then it goes on under the fallback caller
 * {@code upn:<lower upn>} ({@link #fallbackCaller}) so that nothing is lost: its fact then stands alone, without
 * the chat's. State and timer are cleared as soon as the events went on.
 */
public class CallerResolver extends KeyedCoProcessFunction<String, EmergencyCallEvent, UpnEntry, EmergencyCallEvent> {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);
    static final String FALLBACK_PREFIX = "upn:";

    /** Events whose UPN the directory does not know yet, per UPN. */
    static final ListStateDescriptor<EmergencyCallEvent> WAITING = new ListStateDescriptor<>("waiting-events",
            TypeInformation.of(EmergencyCallEvent.class));

    private final long graceMillis;

    private transient ValueState<String> userId;
    private transient ListState<EmergencyCallEvent> waiting;
    private transient ValueState<Long> timer;
    private transient Counter unresolved;
    private transient Counter resolvedLate;

    /** @param grace how long an event with an unknown UPN waits for the directory; zero: not at all */
    public CallerResolver(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("correlation.caller-resolution-grace must not be negative");
        }
        this.graceMillis = grace.toMillis();
    }

    /** The resolver key of an event: its tenant and lower-case UPN. */
    public static String key(EmergencyCallEvent e) {
        return UpnIndex.key(e.tenantId(), e.callerUpn());
    }

    /** The caller an event goes on under when the directory does not know its UPN. */
    public static String fallbackCaller(EmergencyCallEvent e) {
        return FALLBACK_PREFIX + (e.callerUpn() == null ? "" : e.callerUpn().trim().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void open(OpenContext openContext) {
        userId = getRuntimeContext().getState(new ValueStateDescriptor<>("user-id", Types.STRING));
        waiting = getRuntimeContext().getListState(WAITING);
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("grace-timer", Types.LONG));
        unresolved = getRuntimeContext().getMetricGroup().counter("callersUnresolved");
        resolvedLate = getRuntimeContext().getMetricGroup().counter("callersResolvedLate");
    }

    @Override
    public void processElement1(EmergencyCallEvent e, Context ctx, Collector<EmergencyCallEvent> out)
            throws Exception {
        if (e.callerUserId() != null && !e.callerUserId().isBlank()) {
            out.collect(e);
            return;
        }
        String known = userId.value();
        if (known != null) {
            out.collect(e.withCallerUserId(known));
            return;
        }
        if (graceMillis == 0 || e.callerUpn() == null || e.callerUpn().isBlank()) {
            out.collect(unresolved(e));
            return;
        }
        waiting.add(e);
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + graceMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    @Override
    public void processElement2(UpnEntry entry, Context ctx, Collector<EmergencyCallEvent> out) throws Exception {
        if (entry.userId == null) {
            userId.clear();
            return;
        }
        userId.update(entry.userId);
        List<EmergencyCallEvent> held = held();
        if (held.isEmpty()) {
            return;
        }
        for (EmergencyCallEvent e : held) {
            resolvedLate.inc();
            out.collect(e.withCallerUserId(entry.userId));
        }
        release(ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmergencyCallEvent> out) throws Exception {
        for (EmergencyCallEvent e : held()) {
            out.collect(unresolved(e));
        }
        waiting.clear();
        timer.clear();
    }

    /** A waiting event goes on under its fallback caller (grace over, or the input ended: {@link #operator}). */
    EmergencyCallEvent unresolved(EmergencyCallEvent e) {
        unresolved.inc();
        return e.withCallerUserId(fallbackCaller(e));
    }

    /**
     * The resolver's operator. Processing-time timers do not fire once a bounded job's input has ended, so when both
     * inputs ended it sends every event still waiting on under its fallback caller: a replay loses none.
     */
    public static TwoInputStreamOperator<EmergencyCallEvent, UpnEntry, EmergencyCallEvent> operator(
            CallerResolver resolver) {
        return new Operator(resolver);
    }

    private static final class Operator
            extends KeyedCoProcessOperator<String, EmergencyCallEvent, UpnEntry, EmergencyCallEvent>
            implements BoundedMultiInput {
        private int endedInputs;

        Operator(CallerResolver resolver) {
            super(resolver);
        }

        @Override
        public void endInput(int inputId) throws Exception {
            if (++endedInputs < 2) {
                return;
            }
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, WAITING,
                    (key, waiting) -> {
                        for (EmergencyCallEvent e : waiting.get()) {
                            output.collect(new StreamRecord<>(((CallerResolver) getUserFunction()).unresolved(e)));
                        }
                        waiting.clear();
                    });
        }
    }

    private List<EmergencyCallEvent> held() throws Exception {
        List<EmergencyCallEvent> held = new ArrayList<>();
        Iterable<EmergencyCallEvent> stored = waiting.get();
        if (stored != null) {
            stored.forEach(held::add);
        }
        return held;
    }

    private void release(Context ctx) throws Exception {
        waiting.clear();
        Long at = timer.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
        }
        timer.clear();
    }
}
