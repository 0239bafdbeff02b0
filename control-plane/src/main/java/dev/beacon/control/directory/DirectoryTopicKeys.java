package dev.beacon.control.directory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Which users the directory topic holds now: its keys whose latest record is not a tombstone. A full sync needs it
 * because Graph's full round reports no deletions: a user deleted while the delta link was lost (expired) would
 * otherwise stay on the compacted topic for good. Reads the whole topic from the beginning (no consumer group).
 */
public class DirectoryTopicKeys {

    private final String bootstrap;
    private final String topic;
    private final Duration timeout;

    public DirectoryTopicKeys(String bootstrap, String topic, Duration timeout) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * The live keys starting with {@code prefix} (a tenant's {@code tenant|}).
     *
     * @throws IllegalStateException when the topic could not be read to its end in time
     */
    public Set<String> live(String prefix) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "beacon-directory-keys");
        p.put("enable.auto.commit", "false");
        p.put("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        Map<String, Boolean> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist: create it with "
                        + "cleanup.policy=compact");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix)) {
                        latest.put(key, r.value() != null);
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("could not read " + topic + ": " + e.getClass().getSimpleName(), e);
        }
        Set<String> live = new TreeSet<>();
        latest.forEach((k, v) -> {
            if (v) {
                live.add(k);
            }
        });
        return live;
    }
}
