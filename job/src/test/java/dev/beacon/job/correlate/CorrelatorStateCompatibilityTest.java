package dev.beacon.job.correlate;

import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.testing.KeyedBroadcastHarness;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * State written by the correlator before issue 10 (a one-input keyed function whose {@code open-calls} facts had
 * the old field set) restores into today's broadcast correlator: the open call, its fields and its retention timer
 * survive, the new fields take their defaults, and the next message joins the restored call.
 */
class CorrelatorStateCompatibilityTest {

    private static final long NOW = CREATED_AT + 20_000;
    private static final long RETENTION = Duration.ofHours(24).toMillis();

    /** The fact's type information as the first release declared it. */
    private static final TypeInformation<EmergencyCallFact> OLD_FACT = Types.POJO(EmergencyCallFact.class,
            oldFactFields());
    private static final TypeInformation<OpenCall> OLD_OPEN_CALL = Types.POJO(OpenCall.class,
            new HashMap<>(java.util.Map.of("fact", OLD_FACT, "retainUntilMillis", Types.LONG)));

    private static HashMap<String, TypeInformation<?>> oldFactFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        for (String name : new String[] {"factId", "supersededBy", "tenantId", "callerUserId", "callerDisplayName",
                "dialedNumber", "locationText"}) {
            fields.put(name, Types.STRING);
        }
        for (String name : new String[] {"speculative", "testCall", "callStartedAtInferred"}) {
            fields.put(name, Types.BOOLEAN);
        }
        for (String name : new String[] {"callStartedAtMillis", "detectedAtMillis", "updatedAtMillis"}) {
            fields.put(name, Types.LONG);
        }
        for (String name : new String[] {"notificationCount", "deletedCount", "revision"}) {
            fields.put(name, Types.INT);
        }
        fields.put("sources", new ListTypeInfo<>(Types.STRING));
        fields.put("messages", new ListTypeInfo<>(FactTypes.MESSAGE_REF));
        fields.put("supersedes", new ListTypeInfo<>(Types.STRING));
        return fields;
    }

    /** What the first release's correlator kept: its open calls, under the same state name, with a timer. */
    static final class OldCorrelator extends KeyedProcessFunction<String, MessageChange, EmergencyCallFact> {
        private transient MapState<String, OpenCall> openCalls;

        @Override
        public void open(OpenContext openContext) {
            openCalls = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("open-calls", Types.STRING, OLD_OPEN_CALL));
        }

        @Override
        public void processElement(MessageChange change, Context ctx, Collector<EmergencyCallFact> out)
                throws Exception {
            List<EmergencyCallFact> calls = new ArrayList<>();
            CallerCalls.Decision d = new CallerCalls(Duration.ofMinutes(5).toMillis(), calls)
                    .apply(change, ctx.timerService().currentProcessingTime(), at -> false);
            long retainUntil = ctx.timerService().currentProcessingTime() + RETENTION;
            openCalls.put(d.live().factId, new OpenCall(d.live(), retainUntil));
            ctx.timerService().registerProcessingTimeTimer(retainUntil);
            d.published().forEach(out::collect);
        }
    }

    @Test
    void aFirstReleaseSnapshotRestoresIntoTheBroadcastCorrelator() throws Exception {
        OperatorSubtaskState old;
        try (var before = new KeyedOneInputStreamOperatorTestHarness<String, MessageChange, EmergencyCallFact>(
                new KeyedProcessOperator<>(new OldCorrelator()), Keys::caller, Types.STRING)) {
            before.open();
            before.setProcessingTime(NOW);
            before.processElement(new MessageChange(MessageChange.Kind.NEW,
                    Signals.created("chat-1", "m-1").build()), 0);
            old = before.snapshot(0, 0);
        }

        try (MockEnvironment env = new CapturedMetrics().environment();
                KeyedBroadcastHarness<String, CallerInput, ReferenceUpdate, EmergencyCallFact> after =
                        CallCorrelatorTest.newHarness(env)) {
            after.setup();
            after.initializeState(old);
            after.open();
            after.setProcessingTime(NOW + 1_000);
            after.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                    Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 1_000).build())), 0);

            // After a restore the joining message's own id may have been published by the old job: answered.
            assertThat(after.extractOutputValues()).filteredOn(EmergencyCallFact::isSupersede)
                    .extracting(f -> f.speculative).containsExactly(true);
            List<EmergencyCallFact> out = after.extractOutputValues().stream().filter(f -> !f.isSupersede()).toList();
            assertThat(out).extracting(f -> f.factId, f -> f.revision, f -> f.notificationCount, f -> f.kind,
                    f -> f.durationSeconds).containsExactly(org.assertj.core.groups.Tuple.tuple(
                            FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT), 2, 2,
                            EmergencyCallFact.KIND_EMERGENCY, -1L));
            assertThat(out.get(0).locationText).isEqualTo(Signals.LOCATION);

            after.setProcessingTime(NOW + 1_000 + RETENTION);
            assertThat(after.numKeyedStateEntries()).isZero();
            assertThat(after.numProcessingTimeTimers()).isZero();
        }
    }
}
