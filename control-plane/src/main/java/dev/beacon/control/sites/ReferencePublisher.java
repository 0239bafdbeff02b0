package dev.beacon.control.sites;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes reference records (sites, security lines) to their compacted topics
 * ({@code dev.beacon.contracts.records.ReferenceTopics}) and returns only after the broker acknowledged them
 * ({@code acks=all}, idempotent producer). A {@code null} value is a tombstone: compaction deletes the key.
 * Callers commit their database change after {@link #publish} returned, never before.
 */
public final class ReferencePublisher implements AutoCloseable {

    /** How long an API call waits for Kafka before it answers 503. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final Producer<byte[], byte[]> producer; // null: Kafka is not configured
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    private ReferencePublisher(Producer<byte[], byte[]> producer, Duration timeout) {
        this.producer = producer;
        this.timeout = timeout;
    }

    /** @param bootstrap {@code BEACON_KAFKA_BOOTSTRAP}, or null: every publish then fails with a message saying so */
    public static ReferencePublisher create(String bootstrap, Duration timeout) {
        if (bootstrap == null || bootstrap.isBlank()) {
            return new ReferencePublisher(null, timeout);
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "beacon-reference-data");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        long ms = Math.max(1000, timeout.toMillis());
        p.put("max.block.ms", String.valueOf(ms));
        p.put("request.timeout.ms", String.valueOf(ms));
        p.put("delivery.timeout.ms", String.valueOf(ms * 2));
        return new ReferencePublisher(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                timeout);
    }

    /**
     * Publishes one record and waits for the broker.
     *
     * @param value the record's JSON, or null for a tombstone
     * @throws ReferencePublishException when Kafka is not configured or did not acknowledge in time
     */
    public void publish(String topic, String key, JsonNode value) {
        if (producer == null) {
            throw new ReferencePublishException("reference data is published to Kafka: BEACON_KAFKA_BOOTSTRAP is "
                    + "not set", null);
        }
        byte[] bytes;
        try {
            bytes = value == null ? null : json.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode a reference record", e);
        }
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), bytes))
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReferencePublishException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            // a missing topic looks like this too: the producer waits for metadata that never comes
            throw new ReferencePublishException("Kafka did not acknowledge the record on " + topic + " ("
                    + cause.getClass().getSimpleName() + (cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? ": is Kafka up and the compacted topic created?" : "") + "); nothing was changed, try again",
                    e);
        }
    }

    /**
     * Publishes many records (all sent before any is awaited, so a start-up republish of thousands of sites takes
     * one round trip rather than one per site) and returns once the broker acknowledged every one.
     */
    public void publishAll(String topic, java.util.Map<String, ? extends JsonNode> values) {
        if (values.isEmpty()) {
            return;
        }
        if (producer == null) {
            publish(topic, "", null); // throws: not configured
        }
        java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        try {
            for (var e : values.entrySet()) {
                sent.add(producer.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8),
                        json.writeValueAsBytes(e.getValue()))));
            }
            for (var f : sent) {
                f.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReferencePublishException("interrupted while publishing to " + topic, e);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new ReferencePublishException("Kafka did not acknowledge the records on " + topic + " ("
                    + cause.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Kafka is not configured or did not take the record; the change was not made (HTTP 503). */
    public static final class ReferencePublishException extends RuntimeException {
        public ReferencePublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
