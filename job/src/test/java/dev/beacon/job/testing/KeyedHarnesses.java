package dev.beacon.job.testing;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The operator harness the keyed-function tests share: String keys, metrics captured through the environment. */
public final class KeyedHarnesses {

    private KeyedHarnesses() {}

    /** A harness around {@code function}, not yet opened (restore tests initialise it from a snapshot first). */
    public static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> keyedByString(
            KeyedProcessFunction<String, I, O> function, KeySelector<I, String> key, MockEnvironment environment)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), key, Types.STRING,
                environment);
    }
}
