package dev.beacon.control.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ReferenceTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "beacon-directory-sync");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        return new DirectoryPublisher(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                true, topic, Duration.ofSeconds(30));
    }

    public static DirectoryPublisher create(String bootstrap) {
        return create(bootstrap, ReferenceTopics.DIRECTORY);
    }

    /** Sends all, in order, then waits for every acknowledgement. */
    public void publish(List<DirectoryChange> changes) throws PublishFailedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(changes.size());
        try {
            for (DirectoryChange c : changes) {
                byte[] value = c.tombstone() ? null : json.writeValueAsBytes(c.user().toJson(json));
                sent.add(producer.send(new ProducerRecord<>(topic, c.key().getBytes(StandardCharsets.UTF_8), value)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException | JsonProcessingException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("Kafka did not acknowledge the directory records on " + topic + ": "
                    + cause.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The broker did not take every record; the caller keeps its delta link and retries. */
    public static final class PublishFailedException extends Exception {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
