package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Kafka sinks: fact revisions as CloudEvents (binary mode, see {@link FactCloudEvents}), and dead letters,
 * lifecycle notices and hydration requests as plain JSON ({@link RecordJson}). Keys keep related records in one
 * partition: a fact's revisions by fact id, a subscription's lifecycle events by subscription id, a tenant's
 * hydration requests by tenant.
 *
 * <p>The {@code *Records(topic)} serializers are public so tests and other sinks can use them directly.
 */
public final class KafkaSinks {

    /** Used for EXACTLY_ONCE unless the producer properties say otherwise; must not exceed the broker's maximum. */
    static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "60000";

    private KafkaSinks() {}

    public static KafkaSink<EmergencyCallFact> facts(
            Properties producerProps, String topic, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return build(producerProps, guarantee, transactionalIdPrefix,
                factRecords(topic, guarantee == DeliveryGuarantee.EXACTLY_ONCE));
    }

    public static KafkaSink<DeadLetter> deadLetters(
            Properties producerProps, String topic, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return build(producerProps, guarantee, transactionalIdPrefix, deadLetterRecords(topic));
    }

    public static KafkaSink<LifecycleNotice> lifecycle(
            Properties producerProps, String topic, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return build(producerProps, guarantee, transactionalIdPrefix, lifecycleRecords(topic));
    }

    public static KafkaSink<HydrationRequest> needsHydration(
            Properties producerProps, String topic, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return build(producerProps, guarantee, transactionalIdPrefix, hydrationRecords(topic));
    }

    public static KafkaRecordSerializationSchema<EmergencyCallFact> factRecords(String topic) {
        return factRecords(topic, false);
    }

    /**
     * @param transactional true for exactly-once output: what a failed attempt wrote was aborted, so speculative
     *                      supersedes (answers to ids only a failed attempt may have published) are left out
     */
    public static KafkaRecordSerializationSchema<EmergencyCallFact> factRecords(String topic, boolean transactional) {
        return new FactCloudEventSerializer(topic, transactional);
    }

    /** Keyed by {@code source/partition/offset/itemIndex}, the dead letter's identity. */
    public static KafkaRecordSerializationSchema<DeadLetter> deadLetterRecords(String topic) {
        return new JsonRecordSerializer<>(topic, KafkaSinks::deadLetterKey, RecordJson::deadLetter);
    }

    /** Keyed by subscription id. */
    public static KafkaRecordSerializationSchema<LifecycleNotice> lifecycleRecords(String topic) {
        return new JsonRecordSerializer<>(topic, LifecycleNotice::subscriptionId, RecordJson::lifecycle);
    }

    /**
     * Keyed by tenant (lower case), so all of one tenant's requests are in one partition and so read by one
     * control-plane consumer at a time: that consumer's per-tenant rate limit is then the tenant's only one, however
     * many replicas run (Graph limits message GETs per app and tenant). Repeated requests for one message stay in
     * order too.
     */
    public static KafkaRecordSerializationSchema<HydrationRequest> hydrationRecords(String topic) {
        return new JsonRecordSerializer<>(topic, KafkaSinks::hydrationKey, RecordJson::hydration);
    }

    static String deadLetterKey(DeadLetter d) {
        SourceRef s = d.source();
        return s.source() + "/" + s.partition() + "/" + s.offset() + "/" + s.itemIndex();
    }

    static String hydrationKey(HydrationRequest h) {
        return h.tenantId() == null ? "" : h.tenantId().toLowerCase(Locale.ROOT);
    }

    /** A copy of the caller's properties, completed for the delivery guarantee. */
    static Properties producerConfig(Properties producerProps, DeliveryGuarantee guarantee) {
        Properties p = new Properties();
        for (String name : producerProps.stringPropertyNames()) {
            p.setProperty(name, producerProps.getProperty(name));
        }
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE && !p.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)) {
            // Kafka's 15 min broker maximum is below Flink's 1 h default; a checkpoint interval fits in a minute.
            p.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
        }
        return p;
    }

    private static <T> KafkaSink<T> build(Properties producerProps, DeliveryGuarantee guarantee,
            String transactionalIdPrefix, KafkaRecordSerializationSchema<T> serializer) {
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE
                && (transactionalIdPrefix == null || transactionalIdPrefix.isBlank())) {
            throw new IllegalArgumentException("EXACTLY_ONCE needs a transactional id prefix unique to this sink");
        }
        var builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(producerConfig(producerProps, guarantee))
                .setDeliveryGuarantee(guarantee)
                .setRecordSerializer(serializer);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /** Fact revisions as CloudEvents; see {@link FactCloudEvents#toRecord}. */
    static final class FactCloudEventSerializer implements KafkaRecordSerializationSchema<EmergencyCallFact> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final boolean skipSpeculative;
        private transient ObjectMapper mapper;

        FactCloudEventSerializer(String topic, boolean skipSpeculative) {
            this.topic = topic;
            this.skipSpeculative = skipSpeculative;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            mapper = new ObjectMapper();
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                EmergencyCallFact fact, KafkaSinkContext context, Long timestamp) {
            if (skipSpeculative && fact.speculative) {
                return null; // the KafkaWriter skips null records
            }
            return FactCloudEvents.toRecord(topic, fact, mapper);
        }
    }

    /**
     * One JSON document per record, with a text key (null key when the key function gives null); both written by
     * {@link SafeText}, so no key or value can fail the sink.
     */
    static final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final SerializableFunction<T, String> key;
        private final JsonEncoder<T> encoder;
        private transient ObjectMapper mapper;

        JsonRecordSerializer(String topic, SerializableFunction<T, String> key, JsonEncoder<T> encoder) {
            this.topic = topic;
            this.key = key;
            this.encoder = encoder;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            mapper = new ObjectMapper();
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, SafeText.escapedUtf8(key.apply(element)),
                    SafeText.jsonUtf8(mapper, encoder.toJson(element, mapper)));
        }
    }
}
