package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.sink.FactCloudEvents;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
 * The job fails mid-stream after a checkpoint and restarts from it (RocksDB, incremental checkpoints). With
 * exactly-once Kafka output and idempotent PostgreSQL upserts, every fact is still there exactly once: one row per
 * call in PostgreSQL, and each (fact, revision) exactly once on the facts topic for a read_committed consumer.
 */
class CheckpointRecoveryTest {

    private static final int CALLS = 12;

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
    void restartFromCheckpointKeepsEveryFactExactlyOnce() throws Exception {
        List<SampleStream.Record> records = new SampleStream(stack.clientState, stack.keys).manyCalls(CALLS);
        for (SampleStream.Record r : records) {
            stack.kafka.send(SampleStream.TOPIC, null, r.key(), r.value(), r.headers());
        }
        Configuration conf = stack.jobConfiguration();
        conf.set(BeaconOptions.DELIVERY_GUARANTEE, "exactly-once");
        conf.set(BeaconOptions.TRANSACTIONAL_ID_PREFIX, "recovery-test");
        conf.set(BeaconOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));

        StreamExecutionEnvironment env = MiniClusters.restartingEnvironment(conf, 3);
        FailOnceAfterCheckpoint.reset();
        DataStream<RawRecord> input = env
                .fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications")
                .map(new FailOnceAfterCheckpoint(records.size() / 4, 60));
        BeaconJob.defineWorkflow(input, BeaconJob.productionSinks(conf), conf);
        env.execute("beacon-recovery-test");

        assertThat(FailOnceAfterCheckpoint.FAILURES.get()).as("the injected failure happened").isEqualTo(1);

        Set<String> expectedFactIds = new HashSet<>();
        for (int i = 0; i < CALLS; i++) {
            expectedFactIds.add(FactIds.factId(SampleStream.TENANT, String.format("00000000-0000-4000-8000-%012d", i),
                    Instant.parse("2026-11-22T10:00:00Z").plusSeconds(600L * i).toEpochMilli()));
        }

        List<Map<String, Object>> rows = stack.postgres.query(
                "SELECT fact_id::text AS fact_id, notification_count, revision FROM emergency_call");
        assertThat(rows).hasSize(CALLS);
        for (Map<String, Object> row : rows) {
            assertThat(expectedFactIds).contains((String) row.get("fact_id"));
            assertThat(row.get("notification_count")).isEqualTo(2);
            assertThat(row.get("revision")).isEqualTo(2);
        }

        List<String> published = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : stack.kafka.readAll(LocalStack.FACTS_TOPIC, true)) {
            EmergencyCallFact fact = FactCloudEvents.readFact(r);
            published.add(fact.factId + "@" + fact.revision);
        }
        Set<String> expected = new HashSet<>();
        for (String id : expectedFactIds) {
            expected.add(id + "@1");
            expected.add(id + "@2");
        }
        assertThat(published).as("each fact revision exactly once").hasSize(2 * CALLS)
                .containsExactlyInAnyOrderElementsOf(expected);

        assertThat(stack.postgres.queryValue(
                "SELECT count(*) FROM notification_audit WHERE outcome = 'duplicate'")).isEqualTo(Long.valueOf(CALLS));
        assertThat(stack.postgres.queryValue("SELECT count(*) FROM notification_audit"))
                .isEqualTo(Long.valueOf(records.size()));
    }
}
