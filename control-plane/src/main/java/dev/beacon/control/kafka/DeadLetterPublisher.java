package dev.beacon.control.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes poison records (of {@code graph-lifecycle}, {@code graph-needs-hydration}) to a dead-letter topic,
 * synchronously: the caller commits the record only after the broker acknowledged its dead letter. A failed write
 * throws, and the record is retried like any record whose dependency is down.
 *
 * <p>The dead letter's value is JSON (field names like the job's dead letters):
 * <pre>{@code
 * {"reason": "not-json", "detail": "not JSON (at character 5)",
 *  "source_topic": "graph-lifecycle", "source_partition": 0, "source_offset": 41, "source_timestamp": "…",
 *  "consumer_group": "beacon-control-plane", "dead_lettered_at": "…",
 *  "raw": "<the value, secrets redacted by key>", "raw_truncated": false}
 * }</pre>
 * with the source record's key, and headers {@code beacon.dead-letter.reason} and {@code beacon.source} (topic,
 * partition, offset) for tools that do not read the value. The source record's headers are not copied.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    /** Dead letters keep at most this much of the record (a lifecycle notice is well under 4 KiB). */
    public static final int MAX_RAW_CHARS = 64 * 1024;

    private static final long SEND_TIMEOUT_SECONDS = 40;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String groupId;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, String groupId, Clock clock) {
        this.producer = Objects.requireNonNull(producer);
        this.topic = Objects.requireNonNull(topic);
        this.groupId = groupId;
        this.clock = clock;
    }

    /** An idempotent producer that gives up within seconds, so a missing topic never stalls the poll loop long. */
    public static Producer<byte[], byte[]> newProducer(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        p.put("max.block.ms", "10000");
        p.put("request.timeout.ms", "10000");
        p.put("delivery.timeout.ms", "30000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public String topic() {
        return topic;
    }

    /** Sends the dead letter and waits for the acknowledgement; throws if it was not written. */
    public void publish(ConsumerRecord<byte[], byte[]> source, DeadLetterReason reason, String detail) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic, null, source.key(), value(source, reason,
                detail));
        letter.headers().add("beacon.dead-letter.reason", reason.label().getBytes(StandardCharsets.UTF_8));
        letter.headers().add("beacon.source", (source.topic() + "/" + source.partition() + "@" + source.offset())
                .getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(letter).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("interrupted while writing to " + topic, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new DeadLetterException("could not write to the dead-letter topic " + topic,
                    e instanceof ExecutionException ee && ee.getCause() != null ? ee.getCause() : e);
        }
    }

    byte[] value(ConsumerRecord<byte[], byte[]> source, DeadLetterReason reason, String detail) {
        ObjectNode n = mapper.createObjectNode();
        n.put("reason", reason.label());
        n.put("detail", detail);
        n.put("source_topic", source.topic());
        n.put("source_partition", source.partition());
        n.put("source_offset", source.offset());
        n.put("source_timestamp", source.timestamp() >= 0 ? Instant.ofEpochMilli(source.timestamp()).toString() : null);
        n.put("consumer_group", groupId);
        n.put("dead_lettered_at", clock.instant().toString());
        String raw = redactedRaw(source.value());
        boolean truncated = raw != null && raw.length() > MAX_RAW_CHARS;
        n.put("raw", truncated ? raw.substring(0, MAX_RAW_CHARS) : raw);
        n.put("raw_truncated", truncated);
        try {
            return mapper.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a dead letter as JSON", e);
        }
    }

    /** The record's value as text with secrets redacted by key; JSON objects are redacted in the tree. */
    private String redactedRaw(byte[] value) {
        if (value == null) {
            return null;
        }
        String text = new String(value, StandardCharsets.UTF_8);
        try {
            JsonNode tree = mapper.readTree(text);
            if (tree != null && (tree.isObject() || tree.isArray())) {
                return mapper.writeValueAsString(SecretRedactor.redact(tree, mapper));
            }
        } catch (IOException e) {
            // not JSON: the text scanners
        }
        return SecretRedactor.redactText(text, mapper);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The dead letter was not written; the record stays uncommitted and is retried. */
    public static final class DeadLetterException extends RuntimeException {
        DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
