package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.sink.FactCloudEvents;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash the failure drill found, made deterministic: each call's later desk message is on partition 0, the
 * earlier one on partition 1. The first attempt sees only the later messages, publishes them (at-least-once: the
 * rows and records stay), and dies before any checkpoint covers them. The second attempt sees the earlier messages
 * first. The anchor-on-first-arrival design left two rows per call here; now each call ends as one row under the
 * id of its earliest message, and every provisional id is answered by a supersede.
 */
class ReorderedRecoveryTest {

    private static final int CALLS = 6;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    static Path dir;

    static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(dir, 2);
    }

    @AfterAll
    static void stopStack() throws Exception {
        stack.close();
    }

    @Test
    void aCallWhoseDeskMessagesArriveInAnotherOrderAfterACrashIsStillOneFact() throws Exception {
        SampleStream.ReorderedCalls calls = new SampleStream(stack.clientState, stack.keys).reorderedCalls(CALLS);
        for (int i = 0; i < CALLS; i++) {
            SampleStream.Record late = calls.late().get(i);
            SampleStream.Record early = calls.early().get(i);
            stack.kafka.send(SampleStream.TOPIC, 0, late.key(), late.value(), late.headers());
            stack.kafka.send(SampleStream.TOPIC, 1, early.key(), early.value(), early.headers());
        }
        Configuration conf = stack.jobConfiguration();
        conf.set(BeaconOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));

        StreamExecutionEnvironment env = MiniClusters.restartingEnvironment(conf, 2);
        PartitionAdversary.reset();
        DataStream<RawRecord> input = env
                .fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications")
                .map(new PartitionAdversary(CALLS));
        BeaconJob.defineWorkflow(input, BeaconJob.productionSinks(conf), conf);
        env.execute("beacon-reordered-recovery-test");

        assertThat(PartitionAdversary.FAILURES.get()).as("the first attempt died").isEqualTo(1);
        Set<String> expected = new HashSet<>();
        Set<String> provisional = new HashSet<>();
        for (int i = 0; i < CALLS; i++) {
            long at = SampleStream.reorderedCallAt(i).toEpochMilli();
            expected.add(FactIds.factId(SampleStream.TENANT, SampleStream.reorderedCaller(i), at));
            provisional.add(FactIds.factId(SampleStream.TENANT, SampleStream.reorderedCaller(i), at + 2_000));
        }

        List<String> rows = stack.postgres.query(
                "SELECT fact_id::text AS id, notification_count, revision FROM emergency_call").stream()
                .map(r -> r.get("id") + " n=" + r.get("notification_count") + " r=" + r.get("revision")).toList();
        assertThat(rows).as("one row per call, under its earliest message's id")
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(id -> id + " n=2 r=2").toList());
        List<String> aliases = stack.postgres.query("SELECT alias_id::text AS a, fact_id::text AS f FROM fact_alias")
                .stream().map(r -> r.get("a") + "->" + r.get("f")).toList();
        assertThat(aliases).hasSize(CALLS);
        for (int i = 0; i < CALLS; i++) {
            long at = SampleStream.reorderedCallAt(i).toEpochMilli();
            String caller = SampleStream.reorderedCaller(i);
            assertThat(aliases).contains(FactIds.factId(SampleStream.TENANT, caller, at + 2_000) + "->"
                    + FactIds.factId(SampleStream.TENANT, caller, at));
        }

        List<EmergencyCallFact> published = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : stack.kafka.readAll(LocalStack.FACTS_TOPIC, false)) {
            published.add(FactCloudEvents.readFact(r));
        }
        Set<String> keysSeen = new HashSet<>();
        published.forEach(f -> keysSeen.add(f.factId));
        assertThat(provisional).as("the first attempt really published the provisional ids")
                .allMatch(keysSeen::contains);
        LiveFacts consumer = new LiveFacts().applyAll(published);
        assertThat(consumer.facts()).extracting(f -> f.factId).containsExactlyInAnyOrderElementsOf(expected);
        for (String id : keysSeen) {
            assertThat(expected).as("every id on the topic resolves to its call's live id").contains(consumer.resolve(id));
        }
    }

    /**
     * Orders partitions against the job. Attempt 0: partition 0 flows, partition 1 holds its first record (which
     * also holds back every checkpoint) until partition 0 is through and flushed, then the attempt fails. Attempt 1:
     * partition 0 waits until partition 1 is through. Static counters: the MiniCluster shares the test's JVM.
     */
    static final class PartitionAdversary extends RichMapFunction<RawRecord, RawRecord> {
        static final AtomicInteger FAILURES = new AtomicInteger();
        static final AtomicInteger[] PASSED = {new AtomicInteger(), new AtomicInteger()};
        private static final long DEADLINE_MILLIS = 60_000;

        private final int perPartition;

        PartitionAdversary(int perPartition) {
            this.perPartition = perPartition;
        }

        static void reset() {
            FAILURES.set(0);
            PASSED[0].set(0);
            PASSED[1].set(0);
        }

        @Override
        public RawRecord map(RawRecord record) throws Exception {
            int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
            int partition = record.partition();
            if (attempt == 0 && partition == 1) {
                awaitPassed(0);
                Thread.sleep(1_500); // let the JDBC and Kafka sinks flush what the late messages produced
                PASSED[0].set(0); // the next attempt counts afresh; partition 0 has nothing left to pass
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure before any checkpoint covers partition 0");
            }
            if (attempt == 1 && partition == 0) {
                awaitPassed(1);
            }
            PASSED[partition].incrementAndGet();
            return record;
        }

        private void awaitPassed(int partition) throws InterruptedException {
            long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
            while (PASSED[partition].get() < perPartition) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("partition " + partition + " never got through");
                }
                Thread.sleep(20);
            }
        }
    }
}
