package dev.beacon.job.triage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.DottedMetrics;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * {@link NotificationTriage} in an operator harness with a real keystore, clientState and the built-in rules, for
 * the tests of the feeds besides chat messages. Close it after each test.
 */
final class TriageHarness implements AutoCloseable {

    static final String TOPIC = "graph-notifications";
    static final long RECORD_TIME = 1_704_103_260_000L;

    final DottedMetrics metrics = new DottedMetrics();
    private final MockEnvironment environment;
    private final OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;
    private long nextOffset = 100;

    TriageHarness(Path dir, String clientState, TestKeys keys, long now) throws Exception {
        char[] password = "keystore-password".toCharArray();
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), password, keys);
        TriageSettings settings = new TriageSettings(DecodeLimits.defaults(),
                Secret.fromFile(Files.writeString(dir.resolve("client-state"), clientState).toString()),
                keystore.toString(), null,
                Secret.fromFile(Files.writeString(dir.resolve("password"), new String(password)).toString()),
                null, null);
        environment = metrics.environment();
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new NotificationTriage(settings)),
                environment);
        harness.open();
        harness.setProcessingTime(now);
    }

    /** A record of the notifications topic with {@code value}; each gets its own offset. */
    RawRecord record(String value, String... headers) {
        return new RawRecord(TOPIC, 0, nextOffset++, RECORD_TIME, null, headers,
                value.getBytes(StandardCharsets.UTF_8));
    }

    RawRecord process(String value, String... headers) throws Exception {
        RawRecord r = record(value, headers);
        harness.processElement(r, 0L);
        return r;
    }

    List<EmergencySignal> signals() {
        return harness.extractOutputValues();
    }

    <T> List<T> out(OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    <T> T single(OutputTag<T> tag) {
        List<T> values = out(tag);
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    @Override
    public void close() throws Exception {
        harness.close();
        environment.close();
    }
}
