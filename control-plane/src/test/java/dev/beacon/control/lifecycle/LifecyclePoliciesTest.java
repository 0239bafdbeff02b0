package dev.beacon.control.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.LifecycleRecord;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.kafka.SecretRedactor;
import dev.beacon.control.kafka.WaitingPartitions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The consumer's policies without a broker: backoff, what is poison, redaction, dead letters, retry logging. */
class LifecyclePoliciesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");

    // ---- backoff ----------------------------------------------------------------------------------------------------

    @Test
    void backoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        RetryBackoff b = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(3));
        assertThat(List.of(1, 2, 3, 9, 10, 50, 1000)).extracting(b::ceiling).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(256), Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofMinutes(5));
        for (int failures = 1; failures <= 40; failures++) {
            Duration ceiling = b.ceiling(failures);
            for (int i = 0; i < 50; i++) {
                assertThat(b.delay(failures, Optional.empty())).isBetween(ceiling.dividedBy(2), ceiling);
            }
        }
    }

    @Test
    void aRetryAfterFromTheDependencyIsALowerBoundEvenBeyondTheCap() {
        RetryBackoff b = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(3));
        assertThat(b.delay(1, Optional.of(Duration.ofMinutes(20)))).isEqualTo(Duration.ofMinutes(20));
        assertThat(b.delay(1, Optional.of(Duration.ofMillis(1)))).isBetween(Duration.ofMillis(500),
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- poison -------------------------------------------------------------------------------------------------------

    @Test
    void poisonIsWhatCanNeverBeHandledWithAReasonThatQuotesNoContent() {
        var parser = new LifecycleRecordParser();
        assertThat(reason(parser, null)).isEqualTo(PoisonReason.EMPTY_RECORD);
        assertThat(reason(parser, "")).isEqualTo(PoisonReason.EMPTY_RECORD);
        assertThat(reason(parser, "{\"clientState\":\"s3cr3t\" oops")).isEqualTo(PoisonReason.NOT_JSON);
        assertThat(reason(parser, "[1,2]")).isEqualTo(PoisonReason.NOT_AN_OBJECT);
        assertThat(reason(parser, "\"text\"")).isEqualTo(PoisonReason.NOT_AN_OBJECT);
        assertThat(reason(parser, "{\"lifecycle_event\":\"missed\"}")).isEqualTo(PoisonReason.MISSING_SUBSCRIPTION_ID);
        assertThat(reason(parser, "{\"subscription_id\":\" \",\"lifecycle_event\":\"missed\"}"))
                .isEqualTo(PoisonReason.MISSING_SUBSCRIPTION_ID);
        assertThat(reason(parser, "{\"subscription_id\":\"s\"}")).isEqualTo(PoisonReason.MISSING_LIFECYCLE_EVENT);
        assertThat(reason(parser, "{\"subscription_id\":\"s\",\"lifecycle_event\":null}"))
                .isEqualTo(PoisonReason.MISSING_LIFECYCLE_EVENT);
        assertThat(reason(parser, "{\"subscription_id\":{\"a\":1},\"lifecycle_event\":\"missed\"}"))
                .isEqualTo(PoisonReason.INVALID_FIELD);
        assertThat(reason(parser, "{\"subscription_id\":\"s\",\"lifecycle_event\":\"Missed\"}"))
                .isEqualTo(PoisonReason.UNKNOWN_LIFECYCLE_EVENT);

        var notJson = parser.parse("{\"clientState\":\"s3cr3t\" oops".getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(notJson.detail()).startsWith("not JSON (line 1, column").doesNotContain("s3cr3t");
        var unknown = parser.parse(("{\"subscription_id\":\"s\",\"lifecycle_event\":\"" + "x".repeat(500) + "\"}")
                .getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(unknown.detail()).hasSizeLessThan(150);

        // An unknown subscription or tenant is not the parser's business: the handler decides (it ignores it).
        var ok = parser.parse("{\"subscription_id\":\"not-ours\",\"tenant_id\":7,\"lifecycle_event\":\"missed\"}"
                .getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(ok.poison()).isNull();
        assertThat(ok.event()).isEqualTo(new LifecycleEvent("not-ours", null, "missed", NOW));
    }

    @Test
    void readsWhatTheJobWritesThroughTheContract() throws Exception {
        // The job's RecordJson.lifecycle is LifecycleRecord.toJson (job RecordJsonTest checks that side).
        var written = new LifecycleRecord("teams-events", 3, 1042, 1, "sub-7", "tenant-7", "reauthorizationRequired",
                JSON.readTree("{\"subscriptionId\":\"sub-7\",\"lifecycleEvent\":\"reauthorizationRequired\"}"));
        var parsed = new LifecycleRecordParser().parse(JSON.writeValueAsBytes(written.toJson(JSON)), NOW);

        assertThat(parsed.poison()).isNull();
        assertThat(parsed.event()).isEqualTo(new LifecycleEvent("sub-7", "tenant-7", "reauthorizationRequired", NOW));
        var noTenant = new LifecycleRecord("teams-events", 3, 1043, 0, "sub-8", null, "missed", null);
        assertThat(new LifecycleRecordParser().parse(JSON.writeValueAsBytes(noTenant.toJson(JSON)), NOW).event())
                .isEqualTo(new LifecycleEvent("sub-8", null, "missed", NOW));
    }

    private static PoisonReason reason(LifecycleRecordParser parser, String value) {
        return parser.parse(value == null ? null : value.getBytes(StandardCharsets.UTF_8), NOW).poison();
    }

    // ---- redaction ----------------------------------------------------------------------------------------------------

    @Test
    void secretsAreRedactedByKeyInJsonAtAnyDepthAndInText() throws Exception {
        assertThat(List.of("clientState", "client_state", "CLIENT-STATE", "refresh_token", "access_token",
                "client_secret", "password", "Authorization", "encryptedContent", "dataKey", "apiKey",
                "validationToken")).allMatch(SecretRedactor::isSecretKey);
        assertThat(List.of("subscription_id", "tenant_id", "lifecycle_event", "resource", "offset", "source",
                "subscriptionExpirationDateTime")).noneMatch(SecretRedactor::isSecretKey);

        JsonNode tree = JSON.readTree("{\"a\":{\"clientState\":\"s1\",\"list\":[{\"refresh_token\":\"s2\"},"
                + "{\"resource\":\"chats\"}]},\"notification\":\"{\\\"clientState\\\":\\\"s3\\\",\\\"x\\\":1}\","
                + "\"password\":{\"nested\":\"s4\"},\"n\":5}");
        String redacted = JSON.writeValueAsString(SecretRedactor.redact(tree, JSON));
        assertThat(redacted).doesNotContain("s1", "s2", "s3", "s4").contains("\"resource\":\"chats\"", "\"n\":5",
                "\"x\\\":1");

        assertThat(SecretRedactor.redactText("oops {\"clientState\" : \"s\\\"5\", \"id\":\"keep\"}", JSON))
                .isEqualTo("oops {\"clientState\" : \"[redacted]\", \"id\":\"keep\"}");
        assertThat(SecretRedactor.redactText("{\"id\":\"keep\",\"clientState\":\"s6-cut-short", JSON))
                .isEqualTo("{\"id\":\"keep\",\"clientState\":\"[redacted]\"");
        assertThat(SecretRedactor.redactText("{\"token\": 12345, \"id\": 1", JSON))
                .isEqualTo("{\"token\": \"[redacted]\", \"id\": 1");
        assertThat(SecretRedactor.redactText("grant=x&client_secret=s7&code_verifier=ok; Password=s8", JSON))
                .isEqualTo("grant=x&client_secret=[redacted]&code_verifier=ok; Password=[redacted]");
    }

    // ---- dead letters ------------------------------------------------------------------------------------------------

    @Test
    void aDeadLetterCarriesTheReasonThePositionAndTheRedactedRecordCutToSize() throws Exception {
        var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        var publisher = new DeadLetterPublisher(producer, "graph-lifecycle-dead-letters", "beacon-control-plane",
                Clock.fixed(NOW, ZoneOffset.UTC));
        String big = "{\"clientState\":\"s3cr3t\",\"pad\":\"" + "x".repeat(DeadLetterPublisher.MAX_RAW_CHARS) + "\"}";
        var source = new ConsumerRecord<>("graph-lifecycle", 2, 41L, "sub-1".getBytes(StandardCharsets.UTF_8),
                big.getBytes(StandardCharsets.UTF_8));

        publisher.publish(source, PoisonReason.MISSING_LIFECYCLE_EVENT, "lifecycle_event is missing or empty");

        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertThat(letter.topic()).isEqualTo("graph-lifecycle-dead-letters");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("sub-1");
        assertThat(new String(letter.headers().lastHeader("beacon.source").value(), StandardCharsets.UTF_8))
                .isEqualTo("graph-lifecycle/2@41");
        JsonNode v = JSON.readTree(letter.value());
        assertThat(v.get("reason").asText()).isEqualTo("missing-lifecycle-event");
        assertThat(v.get("detail").asText()).isEqualTo("lifecycle_event is missing or empty");
        assertThat(v.get("source_partition").asInt()).isEqualTo(2);
        assertThat(v.get("source_offset").asLong()).isEqualTo(41);
        assertThat(v.get("dead_lettered_at").asText()).isEqualTo(NOW.toString());
        assertThat(v.get("raw_truncated").asBoolean()).isTrue();
        assertThat(v.get("raw").asText()).hasSize(DeadLetterPublisher.MAX_RAW_CHARS)
                .startsWith("{\"clientState\":\"[redacted]\",\"pad\":\"xxx");
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).doesNotContain("s3cr3t");

        producer.sendException = new TimeoutException("broker away");
        assertThatThrownBy(() -> publisher.publish(source, PoisonReason.NOT_JSON, "not JSON"))
                .isInstanceOf(DeadLetterPublisher.DeadLetterException.class).hasCauseInstanceOf(TimeoutException.class);
    }

    // ---- retry state and its logs ------------------------------------------------------------------------------------

    @Test
    void oneWarnPerStateChangeNotPerRetryAndTheWaitIsPublished() {
        AtomicLong nanos = new AtomicLong(0);
        var counters = new LifecycleCounters(Clock.fixed(NOW.plusSeconds(90), ZoneOffset.UTC));
        var waiting = new WaitingPartitions(new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5),
                new Random(1)), Duration.ofMinutes(10), counters, Clock.fixed(NOW, ZoneOffset.UTC), nanos::get,
                org.slf4j.LoggerFactory.getLogger(LifecycleConsumer.class));
        var record = new ConsumerRecord<>("graph-lifecycle", 0, 7L, new byte[0], new byte[0]);
        var event = new LifecycleEvent("sub-1", "t", LifecycleEvent.SUBSCRIPTION_REMOVED, NOW);
        var dbDown = new RecordProcessor.RetryLater(event, new IllegalStateException("db"), Optional.empty());
        TopicPartition tp = new TopicPartition("graph-lifecycle", 0);

        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            for (int i = 0; i < 30; i++) { // 30 attempts within 10 minutes
                Duration wait = waiting.failed(record, dbDown);
                assertThat(waiting.due()).isEmpty();
                assertThat(waiting.untilNextDue(Duration.ofHours(1))).isEqualTo(wait);
                nanos.addAndGet(Duration.ofSeconds(19).toNanos());
            }
            assertThat(warnings(logs)).hasSize(1);
            assertThat(warnings(logs).get(0)).contains("subscriptionRemoved for subscription sub-1",
                    "graph-lifecycle-0@7", "IllegalStateException", "up to PT5M");

            nanos.addAndGet(Duration.ofMinutes(1).toNanos()); // past the reminder interval
            waiting.failed(record, dbDown);
            assertThat(warnings(logs)).hasSize(2);
            assertThat(warnings(logs).get(1)).contains("still failing", "after 31 attempts");

            var graphDown = new RecordProcessor.RetryLater(event, new RetryLaterException("graph", null,
                    new IllegalStateException()), Optional.of(Duration.ofMinutes(30)));
            assertThat(waiting.failed(record, graphDown)).isEqualTo(Duration.ofMinutes(30));
            assertThat(warnings(logs)).hasSize(3);
            assertThat(warnings(logs).get(2)).contains("now with RetryLaterException caused by IllegalStateException");

            assertThat(counters.retries()).isEqualTo(32);
            assertThat(counters.waiting()).singleElement().isEqualTo(new LifecycleCounters.WaitingEvent(
                    "graph-lifecycle", 0, 7, "subscriptionRemoved", "sub-1", 32, NOW,
                    "RetryLaterException caused by IllegalStateException"));
            assertThat(counters.oldestWaiting()).isEqualTo(Duration.ofSeconds(90));

            nanos.addAndGet(Duration.ofMinutes(30).toNanos());
            assertThat(waiting.due()).containsExactly(tp);
            waiting.succeeded(tp, 7);
            assertThat(counters.waiting()).isEmpty();
            assertThat(counters.oldestWaiting()).isZero();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("INFO") && l.contains("done after 32 failed"))
                    .hasSize(1);
            assertThat(warnings(logs)).hasSize(3);
        }
    }

    private static List<String> warnings(CapturedLogs logs) {
        return logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }
}
