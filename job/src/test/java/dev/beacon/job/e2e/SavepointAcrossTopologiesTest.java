package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.sink.FactCloudEvents;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint of the topology before triage was repartitioned by chat (triage chained to the source) restores into
 * the one after it, with its keyed state: no uid changed, and the repartitioning adds no operator. Half of each call
 * is read before the savepoint; after the restore, the other desk's message joins the same fact and a redelivery is
 * recognised as a duplicate, which only the restored deduplication state can tell.
 */
class SavepointAcrossTopologiesTest {

    private static final int CALLS = 4;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    static Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSavepointOfTheChainedTopologyRestoresIntoTheRepartitionedOne() throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 1)) {
            // Per call: Alice's notification, Bob's, Alice's again (a redelivery).
            List<SampleStream.Record> records = new SampleStream(stack.clientState, stack.keys).manyCalls(CALLS);
            for (int i = 0; i < CALLS; i++) {
                publish(stack, records.get(3 * i));
            }
            JobClient before = start(stack, false, null);
            awaitValue(() -> stack.postgres.queryValue("SELECT count(*) FROM emergency_call"), (long) CALLS);
            String savepoint = before.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

            for (int i = 0; i < CALLS; i++) {
                publish(stack, records.get(3 * i + 1));
                publish(stack, records.get(3 * i + 2));
            }
            JobClient after = start(stack, true, savepoint);
            awaitValue(() -> stack.postgres.queryValue("SELECT count(*) FROM notification_audit"),
                    (long) records.size());
            // Facts and audit rows go through different sinks, each batching: the audit rows alone do not say the
            // second revisions are written.
            awaitValue(() -> stack.postgres.queryValue("SELECT count(*) FROM emergency_call WHERE revision = 2"),
                    (long) CALLS);
            after.cancel().get(1, TimeUnit.MINUTES);

            List<Map<String, Object>> rows = stack.postgres.query(
                    "SELECT notification_count, revision FROM emergency_call");
            assertThat(rows).hasSize(CALLS).allSatisfy(row -> {
                assertThat(row.get("notification_count")).isEqualTo(2);
                assertThat(row.get("revision")).isEqualTo(2);
            });
            assertThat(stack.postgres.queryValue(
                    "SELECT count(*) FROM notification_audit WHERE outcome = 'duplicate'")).isEqualTo((long) CALLS);
            // The source resumed from the savepoint's offsets and the correlator from its state: each revision of
            // each fact was published once (a restart from scratch would publish every first revision again).
            List<String> published = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : stack.kafka.readAll(LocalStack.FACTS_TOPIC, false)) {
                EmergencyCallFact fact = FactCloudEvents.readFact(r);
                published.add(fact.factId + "@" + fact.revision);
            }
            assertThat(published).hasSize(2 * CALLS).doesNotHaveDuplicates();
        }
    }

    private static void publish(LocalStack stack, SampleStream.Record r) {
        stack.kafka.send(SampleStream.TOPIC, null, r.key(), r.value(), r.headers());
    }

    private static JobClient start(LocalStack stack, boolean byChat, String savepoint) throws Exception {
        Configuration conf = stack.jobConfiguration();
        conf.set(BeaconOptions.KAFKA_BOUNDED, false);
        conf.set(BeaconOptions.REPARTITION_BY_CHAT, byChat);
        Configuration runtime = BeaconJob.runtimeSettings(conf);
        if (savepoint != null) {
            runtime.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(runtime);
        env.setParallelism(2);
        BeaconJob.defineWorkflow(env.fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(),
                "graph-notifications").uid("kafka-source"), BeaconJob.productionSinks(conf), conf);
        return env.executeAsync(byChat ? "beacon-by-chat" : "beacon-chained");
    }

    /** Polls until {@code query} returns {@code expected}, for at most two minutes. */
    private static void awaitValue(Supplier<Object> query, Object expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        Object last = query.get();
        while (!expected.equals(last) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            last = query.get();
        }
        assertThat(last).isEqualTo(expected);
    }
}
