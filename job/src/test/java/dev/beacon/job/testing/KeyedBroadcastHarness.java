package dev.beacon.job.testing;

import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * A harness around a {@link KeyedBroadcastProcessFunction} whose metrics land in the given environment (Flink's own
 * broadcast harness builds its environment itself). Keyed input: {@link #processElement}; broadcast input:
 * {@link #processBroadcastElement}.
 */
public final class KeyedBroadcastHarness<K, IN1, IN2, OUT> extends AbstractStreamOperatorTestHarness<OUT> {

    private final CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> broadcastOperator;

    public KeyedBroadcastHarness(KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> function,
            List<MapStateDescriptor<?, ?>> broadcastStates, KeySelector<IN1, K> key, TypeInformation<K> keyType,
            MockEnvironment environment) throws Exception {
        this(new CoBroadcastWithKeyedOperator<>(function, broadcastStates), key, keyType, environment);
    }

    private KeyedBroadcastHarness(CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> operator, KeySelector<IN1, K> key,
            TypeInformation<K> keyType, MockEnvironment environment) throws Exception {
        super(operator, environment);
        this.broadcastOperator = operator;
        config.setStatePartitioner(0, key);
        config.setStateKeySerializer(keyType.createSerializer(executionConfig.getSerializerConfig()));
        config.serializeAllConfigs();
    }

    public void processElement(IN1 value, long timestamp) throws Exception {
        StreamRecord<IN1> record = new StreamRecord<>(value, timestamp);
        broadcastOperator.setKeyContextElement1(record);
        broadcastOperator.processElement1(record);
    }

    public void processBroadcastElement(IN2 value, long timestamp) throws Exception {
        broadcastOperator.processElement2(new StreamRecord<>(value, timestamp));
    }

    public int numKeyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) broadcastOperator.getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
