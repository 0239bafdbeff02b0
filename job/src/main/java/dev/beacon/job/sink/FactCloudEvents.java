package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.correlate.EmergencyCallFact;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The CloudEvents envelope of a published fact revision, in Kafka binary mode: attributes in {@code ce_*} headers,
 * the {@link FactJson} document as the value, the fact id as the key (so all revisions of a call land in one
 * partition, in order). Writing is used by {@link KafkaSinks}; reading is for tests and downstream consumers.
 */
public final class FactCloudEvents {

    public static final String SOURCE = "urn:beacon:job";
    public static final String TYPE = "dev.beacon.emergency-call.v1";
    /** A provisional fact id that now names another (live) fact; see {@code FactIds}. */
    public static final String SUPERSEDED_TYPE = "dev.beacon.emergency-call.superseded.v1";
    public static final String CONTENT_TYPE = "application/json";

    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_CONTENT_TYPE = "content-type";

    private static final URI SOURCE_URI = URI.create(SOURCE);
    /** For the static readers only; ObjectMapper is thread-safe once configured. */
    private static final ObjectMapper READER = new ObjectMapper();

    private FactCloudEvents() {}

    /** Unique per revision (or supersede), so consumers can deduplicate redeliveries by {@code ce_id}. */
    public static String eventId(EmergencyCallFact f) {
        return f.isSupersede() ? f.factId + ":superseded-by:" + f.supersededBy : f.factId + ":" + f.revision;
    }

    /** The Kafka record for one fact revision; the record timestamp is the fact's {@code updated_at}. */
    public static ProducerRecord<byte[], byte[]> toRecord(String topic, EmergencyCallFact f, ObjectMapper m) {
        byte[] json = SafeText.jsonUtf8(m, FactJson.toJson(f, m));
        // Header values and the key are text: SafeText's text rule keeps them lossless (a fact id is a UUID anyway).
        CloudEvent event = CloudEventBuilder.v1()
                .withId(SafeText.escapeText(eventId(f)))
                .withSource(SOURCE_URI)
                .withType(f.isSupersede() ? SUPERSEDED_TYPE : TYPE)
                .withSubject(SafeText.escapeText(f.factId))
                .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(f.updatedAtMillis), ZoneOffset.UTC))
                .withDataContentType(CONTENT_TYPE)
                .withData(json)
                .build();
        byte[] key = SafeText.escapedUtf8(f.factId);
        return KafkaMessageFactory.<byte[]>createWriter(topic, null, f.updatedAtMillis, key).writeBinary(event);
    }

    /** The CloudEvent in a binary-mode record. */
    public static CloudEvent readEvent(ConsumerRecord<byte[], byte[]> record) {
        try {
            return KafkaMessageFactory.createReader(record).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new IllegalArgumentException("not a CloudEvents binary-mode record: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The fact revision or supersede record a record carries.
     *
     * @throws IllegalArgumentException if the record is not a Beacon fact event (the message never quotes the payload)
     */
    public static EmergencyCallFact readFact(ConsumerRecord<byte[], byte[]> record) {
        CloudEvent event = readEvent(record);
        if (!TYPE.equals(event.getType()) && !SUPERSEDED_TYPE.equals(event.getType())) {
            throw new IllegalArgumentException("unexpected CloudEvent type " + event.getType());
        }
        if (event.getData() == null) {
            throw new IllegalArgumentException("fact event " + event.getId() + " has no data");
        }
        try {
            return FactJson.fromJson(READER.readTree(event.getData().toBytes()));
        } catch (IOException e) {
            throw new IllegalArgumentException("fact event " + event.getId() + " does not hold JSON");
        }
    }

    /** The last value of a header as UTF-8 text, or null when absent; {@link SafeText#unescapeText} decodes it. */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        return header(record.headers(), name);
    }

    public static String header(ProducerRecord<?, ?> record, String name) {
        return header(record.headers(), name);
    }
}
