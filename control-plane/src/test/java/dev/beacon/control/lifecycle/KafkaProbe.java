package dev.beacon.control.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.LifecycleRecord;
import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the lifecycle tests ask the broker: committed offsets, exactly, and records to send. */
final class KafkaProbe {

    static final Duration WAIT = Duration.ofSeconds(60);

    private KafkaProbe() {}

    /** The group's committed offsets for {@code topic}, by partition; partitions without a commit are absent. */
    static Map<Integer, Long> committed(KafkaFixture kafka, String group, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<Integer, Long> out = new TreeMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }

    static void send(KafkaFixture kafka, String topic, int partition, String key, String value) {
        kafka.send(topic, partition, key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A record as the job writes it: the contract's {@link LifecycleRecord}, which the job's encoder builds. */
    static String lifecycleRecord(String subscriptionId, String tenantId, String event) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode notification = m.createObjectNode().put("subscriptionId", subscriptionId)
                .put("lifecycleEvent", event);
        return new LifecycleRecord("eventhub:beacon/0", 0, 7, 0, subscriptionId, tenantId, event, notification)
                .toJson(m).toString();
    }

    /** Waits (bounded) for {@code condition}; the assertion is the condition, not the time. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
