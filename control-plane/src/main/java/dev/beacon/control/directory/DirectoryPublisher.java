package dev.beacon.control.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.kafka.AckedSends;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Puts directory changes on the compacted {@link ReferenceTopics#DIRECTORY} topic: the user's
 * {@code DirectoryUserRecord} JSON keyed by {@code tenant|userId}, or a tombstone (null value) for a removed user.
 * {@link #publish} returns only after the broker acknowledged every record ({@code acks=all}, idempotent producer),
 * so the caller may then move its delta link.
 */
public final class DirectoryPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final String topic;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    public DirectoryPublisher(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
        this(producer, false, topic, timeout);
    }

    private DirectoryPublisher(Producer<byte[], byte[]> producer, boolean ownsProducer, String topic,
                               Duration timeout) {
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** A publisher to {@code topic} with its own {@code acks=all} idempotent producer, closed with it. */
    public static DirectoryPublisher create(String bootstrap, String topic) {
        Properties p = AckedSends.producerConfig(bootstrap, "beacon-directory-sync");
        return new DirectoryPublisher(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                true, topic, Duration.ofSeconds(30));
    }

    public static DirectoryPublisher create(String bootstrap) {
        return create(bootstrap, ReferenceTopics.DIRECTORY);
    }

    /** Sends all, in order, then waits for every acknowledgement. */
    public void publish(List<DirectoryChange> changes) throws AckedSends.NotAcknowledged {
        List<Future<RecordMetadata>> sent = new ArrayList<>(changes.size());
        try {
            for (DirectoryChange c : changes) {
                byte[] value = c.tombstone() ? null : json.writeValueAsBytes(c.user().toJson(json));
                sent.add(producer.send(new ProducerRecord<>(topic, c.key().getBytes(StandardCharsets.UTF_8), value)));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            throw AckedSends.failed(e, topic, "the directory records");
        }
        AckedSends.awaitAll(sent, timeout, topic, "the directory records");
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
