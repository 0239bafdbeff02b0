package dev.beacon.bench.system;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.SampleStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What every system benchmark runs on, started once: the job's {@link LocalStack} (in-process KRaft Kafka, embedded
 * PostgreSQL with the schema, keys and secrets as files) and a Flink MiniCluster with one slot per core (at least
 * two), on which each run's job uses Beacon's runtime settings (RocksDB, incremental checkpoints).
 */
public final class BenchStack implements AutoCloseable {

    public final LocalStack local;
    public final SampleStream stream;
    public final int slots;
    private final MiniClusterWithClientResource flink;
    private final AtomicInteger runs = new AtomicInteger();

    private BenchStack(Path dir, int slots) throws Exception {
        this.slots = slots;
        local = LocalStack.start(dir, 1);
        stream = Workload.stream(local.clientState, local.keys);
        flink = new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(slots).build());
        flink.before();
    }

    public static BenchStack start(Path dir) throws Exception {
        return new BenchStack(dir, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** A name unique to this run (input topic, transactional ids, callers). */
    public String nextRunId(String what) {
        return what + "-" + runs.incrementAndGet();
    }

    /** The job's settings for a run reading {@code topic}, with its own transactional id prefix. */
    public Configuration jobConfiguration(String runId, String topic, boolean bounded, String guarantee,
            Duration checkpointInterval) {
        Configuration c = local.jobConfiguration();
        c.set(BeaconOptions.KAFKA_TOPICS, List.of(topic));
        c.set(BeaconOptions.KAFKA_BOUNDED, bounded);
        c.set(BeaconOptions.KAFKA_GROUP_ID, "beacon-" + runId);
        c.set(BeaconOptions.DELIVERY_GUARANTEE, guarantee);
        c.set(BeaconOptions.TRANSACTIONAL_ID_PREFIX, "beacon-" + runId);
        c.set(BeaconOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        c.set(BeaconOptions.CHECKPOINT_DIR, local.dir.resolve("checkpoints-" + runId).toUri().toString());
        return c;
    }

    /** An environment on the MiniCluster with Beacon's runtime settings for {@code conf}. */
    public StreamExecutionEnvironment environment(Configuration conf, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(BeaconJob.runtimeSettings(conf));
        env.setParallelism(parallelism);
        return env;
    }

    /** A producer like Graph's side of Event Hubs: acks=all, idempotent; records are partitioned by key. */
    public KafkaProducer<byte[], byte[]> producer(int lingerMillis) {
        Properties p = new Properties();
        p.put("bootstrap.servers", local.kafka.bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", Integer.toString(lingerMillis));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Publishes the workload to a new topic with {@code partitions} partitions, as fast as the broker takes it. */
    public void publish(String topic, int partitions, Workload workload) throws Exception {
        local.kafka.createTopic(topic, partitions);
        try (KafkaProducer<byte[], byte[]> producer = producer(5)) {
            for (Workload.Item item : workload.items()) {
                producer.send(new ProducerRecord<>(topic, item.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        item.value()));
            }
            producer.flush();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            flink.after();
        } finally {
            local.close();
        }
    }
}
