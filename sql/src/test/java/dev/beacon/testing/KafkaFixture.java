package dev.beacon.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) from Kafka's own test kit, for tests and
 * the local run. Transactions work, so exactly-once sinks can be tested against it.
 */
public final class KafkaFixture implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final KafkaProducer<byte[], byte[]> producer;

    private KafkaFixture(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static KafkaFixture start() {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaFixture(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-process Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** A compacted topic, as Beacon's reference-data topics are (latest value per key; a null value deletes it). */
    public void createCompactedTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of("cleanup.policy", "compact"));
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    /** Sends one record and waits for the broker's acknowledgement. Headers are name/value pairs. */
    public void send(String topic, Integer partition, String key, byte[] value, String... headers) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.headers().add(new RecordHeader(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        try {
            producer.send(r).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not send to " + topic, e);
        }
    }

    /**
     * Every record currently in the topic, from the beginning to the end offsets as of now.
     *
     * @param readCommitted read with {@code isolation.level=read_committed} (transactional producers)
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    @Override
    public void close() throws Exception {
        producer.close();
        cluster.close();
    }
}
