package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.ODD_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The four Kafka sinks on a real broker, fed text no output can hold as is: no record fails, and keys, CloudEvents
 * headers and JSON values each give back the exact original.
 */
class KafkaSinksAnyTextTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final List<String> TOPICS = List.of("facts", "dead-letters", "lifecycle", "hydration");

    private static KafkaFixture kafka;

    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        TOPICS.forEach(topic -> kafka.createTopic(topic, 1));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void anyTextReachesEveryTopicLosslessly() throws Exception {
        List<EmergencyCallFact> facts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<LifecycleNotice> notices = new ArrayList<>();
        List<HydrationRequest> hydrations = new ArrayList<>();
        for (String text : ODD_TEXT.keySet()) {
            EmergencyCallFact f = SinkTestData.oddFact(text);
            f.factId = text; // a UUID by construction, but the key and ce_* headers must take anything
            facts.add(f);
            deadLetters.add(SinkTestData.oddDeadLetter(deadLetters.size(), text));
            SourceRef source = new SourceRef(text, 0, notices.size(), 0, 0);
            // Triage hands over the notification as JSON text, unpaired surrogates and all.
            notices.add(new LifecycleNotice(source, text, text, text,
                    mapper.createObjectNode().put("lifecycleEvent", text).toString()));
            hydrations.add(new HydrationRequest(source, text, text, text, text, text, text));
        }
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", kafka.bootstrapServers());
        DeliveryGuarantee guarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(facts).sinkTo(KafkaSinks.facts(producer, "facts", guarantee, null));
        env.fromData(deadLetters).sinkTo(KafkaSinks.deadLetters(producer, "dead-letters", guarantee, null));
        env.fromData(notices).sinkTo(KafkaSinks.lifecycle(producer, "lifecycle", guarantee, null));
        env.fromData(hydrations).sinkTo(KafkaSinks.needsHydration(producer, "hydration", guarantee, null));
        env.execute();

        List<ConsumerRecord<byte[], byte[]>> factRecords = kafka.readAll("facts", false);
        List<ConsumerRecord<byte[], byte[]>> deadLetterRecords = kafka.readAll("dead-letters", false);
        List<ConsumerRecord<byte[], byte[]>> lifecycleRecords = kafka.readAll("lifecycle", false);
        List<ConsumerRecord<byte[], byte[]>> hydrationRecords = kafka.readAll("hydration", false);
        assertThat(List.of(factRecords.size(), deadLetterRecords.size(), lifecycleRecords.size(),
                hydrationRecords.size())).containsOnly(ODD_TEXT.size());
        int i = 0;
        for (var odd : ODD_TEXT.entrySet()) {
            String text = odd.getKey();
            String stored = odd.getValue();

            ConsumerRecord<byte[], byte[]> fact = factRecords.get(i);
            assertThat(utf8(fact.key())).isEqualTo(stored);
            assertThat(FactCloudEvents.header(fact, FactCloudEvents.HEADER_SUBJECT)).isEqualTo(stored);
            assertThat(SafeText.unescapeText(FactCloudEvents.header(fact, FactCloudEvents.HEADER_ID)))
                    .isEqualTo(text + ":1");
            assertThat(FactCloudEvents.readFact(fact)).isEqualTo(facts.get(i));

            ConsumerRecord<byte[], byte[]> deadLetter = deadLetterRecords.get(i);
            assertThat(SafeText.unescapeText(utf8(deadLetter.key()))).isEqualTo(text + "/3/" + i + "/-1");
            assertTextFields(deadLetter, text, "source", "detail", "raw");

            ConsumerRecord<byte[], byte[]> lifecycle = lifecycleRecords.get(i);
            assertThat(utf8(lifecycle.key())).isEqualTo(stored);
            assertTextFields(lifecycle, text, "source", "subscription_id", "tenant_id", "lifecycle_event");
            assertThat(mapper.readTree(lifecycle.value()).path("notification").path("lifecycleEvent").textValue())
                    .isEqualTo(text);

            ConsumerRecord<byte[], byte[]> hydration = hydrationRecords.get(i);
            // Keyed by tenant, lower case: one tenant's requests share a partition (one consumer, one rate limit).
            assertThat(SafeText.unescapeText(utf8(hydration.key()))).isEqualTo(text.toLowerCase(Locale.ROOT));
            assertTextFields(hydration, text,
                    "source", "subscription_id", "tenant_id", "change_type", "resource", "chat_id", "message_id");
            i++;
        }
    }

    private void assertTextFields(ConsumerRecord<byte[], byte[]> record, String text, String... fields)
            throws Exception {
        JsonNode value = mapper.readTree(record.value());
        for (String field : fields) {
            assertThat(value.path(field).textValue()).as("%s on %s", field, record.topic()).isEqualTo(text);
        }
    }

    /** Bytes that are not UTF-8 would decode to U+FFFD and so not match the stored text. */
    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
