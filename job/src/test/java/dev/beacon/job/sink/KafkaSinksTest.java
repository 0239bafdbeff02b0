package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.CALL_STARTED;
import static dev.beacon.job.sink.SinkTestData.DETECTED;
import static dev.beacon.job.sink.SinkTestData.FACT_A;
import static dev.beacon.job.sink.SinkTestData.FACT_B;
import static dev.beacon.job.sink.SinkTestData.fact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The record serializers, called directly (no broker): exact keys, headers and values. */
class KafkaSinksTest {

    private static final SourceRef SOURCE = new SourceRef("graph-notifications", 3, 42, 1, 0);

    private final ObjectMapper mapper = new ObjectMapper();

    /** As the sink does it: through Java serialization (the job graph), then open(). */
    private static <T> KafkaRecordSerializationSchema<T> opened(KafkaRecordSerializationSchema<T> schema)
            throws Exception {
        KafkaRecordSerializationSchema<T> copy =
                InstantiationUtil.clone(schema, KafkaSinksTest.class.getClassLoader());
        copy.open(null, null);
        return copy;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void factRevisionIsABinaryModeCloudEvent() throws Exception {
        EmergencyCallFact f = fact(FACT_A, 2, CALL_STARTED);

        ProducerRecord<byte[], byte[]> r = opened(KafkaSinks.factRecords("emergency-calls")).serialize(f, null, 99L);

        assertThat(r.topic()).isEqualTo("emergency-calls");
        assertThat(r.partition()).isNull();
        assertThat(text(r.key())).isEqualTo(FACT_A);
        assertThat(r.timestamp()).isEqualTo(DETECTED + 2000);
        assertThat(Arrays.stream(r.headers().toArray()).map(h -> h.key() + "=" + text(h.value())))
                .containsExactlyInAnyOrder(
                        "ce_specversion=1.0",
                        "ce_id=" + FACT_A + ":2",
                        "ce_source=urn:beacon:job",
                        "ce_type=dev.beacon.emergency-call.v1",
                        "ce_subject=" + FACT_A,
                        "ce_time=2024-05-01T10:15:33Z",
                        "content-type=application/json");
        assertThat(text(r.value())).isEqualTo(mapper.writeValueAsString(FactJson.toJson(f, mapper)));
    }

    @Test
    void eachRevisionHasItsOwnEventId() throws Exception {
        KafkaRecordSerializationSchema<EmergencyCallFact> schema = opened(KafkaSinks.factRecords("t"));

        assertThat(FactCloudEvents.header(schema.serialize(fact(FACT_A, 1, CALL_STARTED), null, null), "ce_id"))
                .isEqualTo(FACT_A + ":1");
        assertThat(FactCloudEvents.header(schema.serialize(fact(FACT_A, 3, CALL_STARTED), null, null), "ce_id"))
                .isEqualTo(FACT_A + ":3");
    }

    @Test
    void consumersReadTheFactBack() throws Exception {
        EmergencyCallFact f = fact(FACT_A, 3, CALL_STARTED);
        ProducerRecord<byte[], byte[]> produced = opened(KafkaSinks.factRecords("t")).serialize(f, null, null);
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>("t", 0, 7L, produced.timestamp(),
                TimestampType.CREATE_TIME, produced.key().length, produced.value().length, produced.key(),
                produced.value(), produced.headers(), Optional.empty());

        assertThat(FactCloudEvents.readFact(consumed)).isEqualTo(f);
        assertThat(FactCloudEvents.readEvent(consumed).getId()).isEqualTo(FACT_A + ":3");
        assertThat(FactCloudEvents.header(consumed, FactCloudEvents.HEADER_TYPE))
                .isEqualTo(FactCloudEvents.TYPE);
        assertThat(FactCloudEvents.header(consumed, "ce_missing")).isNull();
    }

    @Test
    void aFullyPopulatedFactTravelsWholeInItsCloudEvent() throws Exception {
        EmergencyCallFact f = SinkTestData.fullFact(FACT_A, 2, CALL_STARTED);
        ProducerRecord<byte[], byte[]> produced = opened(KafkaSinks.factRecords("t")).serialize(f, null, null);
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>("t", 0, 7L, produced.timestamp(),
                TimestampType.CREATE_TIME, produced.key().length, produced.value().length, produced.key(),
                produced.value(), produced.headers(), Optional.empty());

        assertThat(FactCloudEvents.readFact(consumed)).isEqualTo(f);
        JsonNode value = mapper.readTree(produced.value());
        assertThat(value.get("kind").asText()).isEqualTo("security-line");
        assertThat(value.get("ended_at").asText()).isEqualTo("2024-05-01T10:17:06Z");
        assertThat(value.get("duration_seconds").asLong()).isEqualTo(95);
        assertThat(value.at("/location/site_id").asText()).isEqualTo("b4");
    }

    @Test
    void aSupersedeIsKeyedByTheProvisionalIdWithItsOwnTypeAndReadsBack() throws Exception {
        EmergencyCallFact live = fact(FACT_B, 4, CALL_STARTED);
        EmergencyCallFact supersede = EmergencyCallFact.supersede(FACT_A, live, CALL_STARTED + 9_000);

        ProducerRecord<byte[], byte[]> r = opened(KafkaSinks.factRecords("t")).serialize(supersede, null, null);

        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(FACT_A);
        assertThat(FactCloudEvents.header(r, "ce_type")).isEqualTo("dev.beacon.emergency-call.superseded.v1");
        assertThat(FactCloudEvents.header(r, "ce_id")).isEqualTo(FACT_A + ":superseded-by:" + FACT_B);
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>("t", 0, 8L, r.timestamp(),
                TimestampType.CREATE_TIME, r.key().length, r.value().length, r.key(), r.value(), r.headers(),
                Optional.empty());
        EmergencyCallFact back = FactCloudEvents.readFact(consumed);
        assertThat(back.isSupersede()).isTrue();
        assertThat(back.supersededBy).isEqualTo(FACT_B);
    }

    @Test
    void aSpeculativeSupersedeIsLeftOutOnlyByTheTransactionalSink() throws Exception {
        EmergencyCallFact live = fact(FACT_B, 2, CALL_STARTED);
        EmergencyCallFact speculative = EmergencyCallFact.supersede(FACT_A, live, CALL_STARTED + 1_000, true);
        EmergencyCallFact confirmed = EmergencyCallFact.supersede(FACT_A, live, CALL_STARTED + 1_000, false);

        assertThat(opened(KafkaSinks.factRecords("t", true)).serialize(speculative, null, null)).isNull();
        assertThat(opened(KafkaSinks.factRecords("t", true)).serialize(confirmed, null, null)).isNotNull();
        assertThat(opened(KafkaSinks.factRecords("t", false)).serialize(speculative, null, null)).isNotNull();
        assertThat(opened(KafkaSinks.factRecords("t", true)).serialize(live, null, null)).isNotNull();
    }

    @Test
    void readFactRejectsARecordWithoutCloudEventHeaders() {
        ConsumerRecord<byte[], byte[]> plain = new ConsumerRecord<>("t", 0, 7L, null, "{}".getBytes());

        assertThatThrownBy(() -> FactCloudEvents.readFact(plain)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deadLetterIsJsonKeyedByItsSourcePosition() throws Exception {
        DeadLetter d = new DeadLetter(SOURCE, DeadLetterReason.MALFORMED_JSON, "unexpected end", "{\"va", false,
                1_714_557_600_000L);

        ProducerRecord<byte[], byte[]> r = opened(KafkaSinks.deadLetterRecords("dlq")).serialize(d, null, 5L);

        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(text(r.key())).isEqualTo("graph-notifications/3/42/1");
        assertThat(r.timestamp()).isEqualTo(5L);
        assertThat(r.headers().toArray()).isEmpty();
        assertThat(text(r.value())).isEqualTo("{\"source\":\"graph-notifications\",\"partition\":3,\"offset\":42,"
                + "\"item_index\":1,\"reason\":\"malformed_json\",\"detail\":\"unexpected end\",\"raw\":\"{\\\"va\","
                + "\"raw_truncated\":false,\"failed_at\":\"2024-05-01T10:00:00Z\"}");
    }

    @Test
    void lifecycleNoticeIsKeyedBySubscription() throws Exception {
        LifecycleNotice l = new LifecycleNotice(SOURCE, "sub-9", "tenant-1", "subscriptionRemoved",
                "{\"lifecycleEvent\":\"subscriptionRemoved\"}");

        ProducerRecord<byte[], byte[]> r = opened(KafkaSinks.lifecycleRecords("lifecycle")).serialize(l, null, null);

        assertThat(text(r.key())).isEqualTo("sub-9");
        assertThat(text(r.value())).isEqualTo("{\"source\":\"graph-notifications\",\"partition\":3,\"offset\":42,"
                + "\"item_index\":1,\"subscription_id\":\"sub-9\",\"tenant_id\":\"tenant-1\","
                + "\"lifecycle_event\":\"subscriptionRemoved\","
                + "\"notification\":{\"lifecycleEvent\":\"subscriptionRemoved\"}}");
    }

    @Test
    void hydrationRequestIsKeyedByTenantSoOneTenantsRequestsShareAPartition() throws Exception {
        HydrationRequest h = new HydrationRequest(SOURCE, "sub-1", "Tenant-1", "updated",
                "chats('19:abc')/messages('1714')", "19:abc", "1714");
        HydrationRequest other = new HydrationRequest(SOURCE, "sub-2", "tenant-1", "created",
                "chats('19:xyz')/messages('1999')", "19:xyz", "1999");
        HydrationRequest noTenant = new HydrationRequest(SOURCE, "sub-3", null, "created",
                "chats('19:xyz')/messages('2000')", "19:xyz", "2000");

        var serializer = opened(KafkaSinks.hydrationRecords("hydrate"));
        ProducerRecord<byte[], byte[]> r = serializer.serialize(h, null, null);

        assertThat(text(r.key())).isEqualTo("tenant-1");
        assertThat(text(serializer.serialize(other, null, null).key())).isEqualTo("tenant-1");
        assertThat(text(serializer.serialize(noTenant, null, null).key())).isEmpty();
        assertThat(text(r.value())).isEqualTo(RecordJson.hydration(h, mapper).toString());
    }

    @Test
    void exactlyOnceGetsATransactionTimeoutUnlessOneIsGiven() {
        Properties given = new Properties();
        given.setProperty("bootstrap.servers", "localhost:9092");

        Properties exactlyOnce = KafkaSinks.producerConfig(given, DeliveryGuarantee.EXACTLY_ONCE);
        Properties atLeastOnce = KafkaSinks.producerConfig(given, DeliveryGuarantee.AT_LEAST_ONCE);
        given.setProperty("transaction.timeout.ms", "30000");
        Properties explicit = KafkaSinks.producerConfig(given, DeliveryGuarantee.EXACTLY_ONCE);

        assertThat(exactlyOnce).containsEntry("transaction.timeout.ms", "60000")
                .containsEntry("bootstrap.servers", "localhost:9092").hasSize(2);
        assertThat(atLeastOnce).doesNotContainKey("transaction.timeout.ms").hasSize(1);
        assertThat(explicit).containsEntry("transaction.timeout.ms", "30000");
        assertThat(exactlyOnce).isNotSameAs(given);
    }

    @Test
    void exactlyOnceNeedsATransactionalIdPrefix() {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", "localhost:9092");

        assertThatThrownBy(() -> KafkaSinks.facts(props, "t", DeliveryGuarantee.EXACTLY_ONCE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactional id prefix");
        assertThatCode(() -> KafkaSinks.facts(props, "t", DeliveryGuarantee.EXACTLY_ONCE, "beacon-facts"))
                .doesNotThrowAnyException();
        assertThatCode(() -> KafkaSinks.deadLetters(props, "dlq", DeliveryGuarantee.AT_LEAST_ONCE, null))
                .doesNotThrowAnyException();
    }

    @Test
    void headerHelperReturnsTheLastValue() {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("t", new byte[0]);
        r.headers().add("ce_id", "a".getBytes()).add("ce_id", "b".getBytes());

        assertThat(FactCloudEvents.header(r, "ce_id")).isEqualTo("b");
        assertThat(Arrays.stream(r.headers().toArray()).map(Header::key)).containsExactly("ce_id", "ce_id");
    }
}
