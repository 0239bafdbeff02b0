package dev.beacon.control.lifecycle;

import static dev.beacon.control.lifecycle.KafkaProbe.await;
import static dev.beacon.control.lifecycle.KafkaProbe.committed;
import static dev.beacon.control.lifecycle.KafkaProbe.lifecycleRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.control.kafka.RetryBackoff;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The consumer on a real broker with a scripted handler: what is committed (read back with the AdminClient), what
 * is retried, what goes to the dead-letter topic. Each test has its own topic and group.
 */
class LifecycleConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryBackoff FAST = new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(100),
            new Random(7));
    private static KafkaFixture kafka;

    private final ScriptedHandler handler = new ScriptedHandler();
    private String topic;
    private String group;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /** Acts like the reconciler, except that a test decides which subscriptions' dependency is down. */
    static final class ScriptedHandler implements LifecycleHandler {
        final List<LifecycleEvent> handled = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Set<String> down = ConcurrentHashMap.newKeySet();

        @Override
        public String handle(LifecycleEvent e) {
            attempts.computeIfAbsent(e.subscriptionId(), k -> new AtomicInteger()).incrementAndGet();
            if (down.contains(e.subscriptionId())) {
                throw new IllegalStateException("database unavailable");
            }
            handled.add(e);
            return "noted";
        }

        long handledCount(String subscriptionId) {
            return handled.stream().filter(e -> e.subscriptionId().equals(subscriptionId)).count();
        }

        int attempts(String subscriptionId) {
            AtomicInteger n = attempts.get(subscriptionId);
            return n == null ? 0 : n.get();
        }
    }

    private void topic(TestInfo test, int partitions, boolean withDeadLetters) {
        String name = test.getTestMethod().orElseThrow().getName();
        topic = "lc-" + name;
        group = "g-" + name;
        kafka.createTopic(topic, partitions);
        if (withDeadLetters) {
            kafka.createTopic(topic + "-dead-letters", 1);
        }
    }

    private LifecycleConsumer consumer(LifecycleHandler h) {
        return new LifecycleConsumer(LifecycleConsumer.Settings.of(kafka.bootstrapServers(), topic, group)
                .withBackoff(FAST).withStillFailingLogEvery(Duration.ofHours(1)), h, Clock.systemUTC());
    }

    private void send(int partition, String key, String value) {
        KafkaProbe.send(kafka, topic, partition, key, value);
    }

    private void sendEvent(int partition, String subscriptionId, String event) {
        send(partition, subscriptionId, lifecycleRecord(subscriptionId, "tenant-1", event));
    }

    @Test
    void handlesEventsInOrderAndCommitsExactlyWhatWasHandled(TestInfo test) throws Exception {
        topic(test, 1, true);
        sendEvent(0, "sub-1", "reauthorizationRequired");
        sendEvent(0, "sub-2", "subscriptionRemoved");
        send(0, "sub-3", "{\"source\":\"eh\",\"partition\":0,\"offset\":8,\"item_index\":0,\"subscription_id\":"
                + "\"sub-3\",\"tenant_id\":null,\"lifecycle_event\":\"missed\",\"notification\":\"kept as text\"}");
        Map<Long, Instant> timestamps = new ConcurrentHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, true)) {
            timestamps.put(r.offset(), Instant.ofEpochMilli(r.timestamp()));
        }

        try (LifecycleConsumer consumer = consumer(handler).start()) {
            await("3 handled", () -> consumer.counters().handledTotal() == 3);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 3L)));
            assertThat(handler.handled).containsExactly(
                    new LifecycleEvent("sub-1", "tenant-1", "reauthorizationRequired", timestamps.get(0L)),
                    new LifecycleEvent("sub-2", "tenant-1", "subscriptionRemoved", timestamps.get(1L)),
                    new LifecycleEvent("sub-3", null, "missed", timestamps.get(2L)));
            assertThat(consumer.counters().handledCount("missed")).isEqualTo(1);
            assertThat(consumer.counters().retries()).isZero();
            assertThat(consumer.counters().deadLettersTotal()).isZero();
            assertThat(consumer.counters().running()).isTrue();
        }
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 3L));

        // A new consumer in the group starts after the commit: only the new record arrives.
        handler.handled.clear();
        try (LifecycleConsumer second = consumer(handler).start()) {
            sendEvent(0, "sub-4", "missed");
            await("the new one handled", () -> second.counters().handledTotal() == 1);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 4L)));
            assertThat(handler.handled).extracting(LifecycleEvent::subscriptionId).containsExactly("sub-4");
        }
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 4L));
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheirReasonAndCommittedAndTheNextEventIsHandled(TestInfo test)
            throws Exception {
        topic(test, 1, true);
        sendEvent(0, "sub-1", "missed");                                                           // 0
        send(0, "x", "this is { not json \"clientState\": \"s3cr3t-1\"");                          // 1
        send(0, "y", "{\"tenant_id\":\"t\",\"lifecycle_event\":\"missed\",\"clientState\":\"s3cr3t-2\"}"); // 2
        send(0, "sub-3", "{\"subscription_id\":\"sub-3\",\"lifecycle_event\":\"somethingNew\",\"notification\":"
                + "{\"clientState\":\"s3cr3t-3\",\"client_secret\":\"s3cr3t-4\",\"resource\":\"chats\"}}");  // 3
        send(0, "z", "");                                                                           // 4
        send(0, "w", "{\"subscription_id\":42,\"lifecycle_event\":\"missed\"}");                   // 5
        sendEvent(0, "sub-2", "subscriptionRemoved");                                              // 6

        try (CapturedLogs logs = CapturedLogs.atDebug();
             LifecycleConsumer consumer = consumer(handler).start()) {
            await("all done", () -> consumer.counters().handledTotal() + consumer.counters().deadLettersTotal() == 7);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 7L)));

            assertThat(handler.handled).extracting(LifecycleEvent::subscriptionId).containsExactly("sub-1", "sub-2");
            LifecycleCounters c = consumer.counters();
            assertThat(c.deadLetters(PoisonReason.NOT_JSON)).isEqualTo(1);
            assertThat(c.deadLetters(PoisonReason.MISSING_SUBSCRIPTION_ID)).isEqualTo(1);
            assertThat(c.deadLetters(PoisonReason.UNKNOWN_LIFECYCLE_EVENT)).isEqualTo(1);
            assertThat(c.deadLetters(PoisonReason.EMPTY_RECORD)).isEqualTo(1);
            assertThat(c.deadLetters(PoisonReason.INVALID_FIELD)).isEqualTo(1);
            assertThat(c.retries()).isZero();

            List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(topic + "-dead-letters", false);
            assertThat(letters).hasSize(5);
            List<JsonNode> values = letters.stream().map(r -> read(r.value())).toList();
            assertThat(values).extracting(v -> v.get("reason").asText()).containsExactly("not-json",
                    "missing-subscription-id", "unknown-lifecycle-event", "empty-record", "invalid-field");
            assertThat(values).extracting(v -> v.get("source_offset").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(values).allSatisfy(v -> {
                assertThat(v.get("source_topic").asText()).isEqualTo(topic);
                assertThat(v.get("source_partition").asInt()).isZero();
                assertThat(v.get("consumer_group").asText()).isEqualTo(group);
                assertThat(v.get("raw_truncated").asBoolean()).isFalse();
            });
            assertThat(letters).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("x", "y", "sub-3", "z", "w");
            assertThat(new String(letters.get(2).headers().lastHeader("beacon.dead-letter.reason").value(),
                    StandardCharsets.UTF_8)).isEqualTo("unknown-lifecycle-event");
            assertThat(values.get(2).get("detail").asText()).contains("'somethingNew'");
            assertThat(values.get(0).get("raw").asText()).isEqualTo(
                    "this is { not json \"clientState\": \"[redacted]\"");
            JsonNode unknown = read(values.get(2).get("raw").asText().getBytes(StandardCharsets.UTF_8));
            assertThat(unknown.at("/notification/clientState").asText()).isEqualTo("[redacted]");
            assertThat(unknown.at("/notification/client_secret").asText()).isEqualTo("[redacted]");
            assertThat(unknown.at("/notification/resource").asText()).isEqualTo("chats");

            String everything = letters.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertThat(everything).doesNotContain("s3cr3t");
            assertThat(logs.text()).doesNotContain("s3cr3t");
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("poison lifecycle record"))
                    .hasSize(5);
        }
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 7L));
    }

    @Test
    void aPoisonRecordWaitsWhileTheDeadLetterTopicCannotBeWritten(TestInfo test) throws Exception {
        topic(test, 1, false); // no dead-letter topic yet (the broker does not create topics on demand)
        send(0, "x", "not json");
        sendEvent(0, "sub-1", "missed");

        try (LifecycleConsumer consumer = consumer(handler).start()) {
            await("a failed dead-letter write", () -> consumer.counters().retries() >= 1);
            assertThat(committed(kafka, group, topic)).isEmpty();
            assertThat(handler.handled).isEmpty(); // the event behind it waits
            assertThat(consumer.counters().waiting()).singleElement().satisfies(w -> {
                assertThat(w.offset()).isZero();
                assertThat(w.lifecycleEvent()).isNull();
                assertThat(w.lastFailure()).startsWith("DeadLetterException");
            });

            kafka.createTopic(topic + "-dead-letters", 1);
            await("both done", () -> handler.handled.size() == 1
                    && consumer.counters().deadLetters(PoisonReason.NOT_JSON) == 1);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 2L)));
            assertThat(consumer.counters().waiting()).isEmpty();
        }
        assertThat(kafka.readAll(topic + "-dead-letters", false)).hasSize(1);
    }

    @Test
    void aStopDuringARetryCommitsNothingAndTheNextConsumerHandlesTheEvent(TestInfo test) throws Exception {
        topic(test, 1, true);
        handler.down.add("sub-x");
        sendEvent(0, "sub-a", "missed");
        sendEvent(0, "sub-x", "subscriptionRemoved");
        sendEvent(0, "sub-b", "missed");

        LifecycleConsumer first = consumer(handler).start();
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            await("several failed attempts", () -> handler.attempts("sub-x") >= 4);
            await("the event before it committed", () -> committed(kafka, group, topic).equals(Map.of(0, 1L)));
            assertThat(first.counters().waiting()).singleElement().satisfies(w -> {
                assertThat(w.offset()).isEqualTo(1);
                assertThat(w.subscriptionId()).isEqualTo("sub-x");
                assertThat(w.lifecycleEvent()).isEqualTo("subscriptionRemoved");
                assertThat(w.lastFailure()).isEqualTo("IllegalStateException");
            });
            first.close(); // during the retries
            assertThat(first.counters().running()).isFalse();
            // One WARN for the outage, however many attempts (the reminder interval is an hour here).
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("sub-x")).hasSize(1);
        }
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 1L));
        assertThat(handler.handledCount("sub-x")).isZero();
        assertThat(handler.handledCount("sub-b")).isZero(); // never passed the failing event
        assertThat(first.counters().retries()).isEqualTo(handler.attempts("sub-x"));

        handler.down.clear(); // the database is back
        try (LifecycleConsumer second = consumer(handler).start()) {
            await("both handled", () -> second.counters().handledTotal() == 2);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 3L)));
            assertThat(second.counters().retries()).isZero();
        }
        assertThat(handler.handled).extracting(LifecycleEvent::subscriptionId)
                .containsExactly("sub-a", "sub-x", "sub-b");
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 3L));
    }

    @Test
    void committedOffsetsFollowHandledRecordsAcrossARebalance(TestInfo test) throws Exception {
        topic(test, 2, true);
        handler.down.add("b1");
        for (String s : List.of("a0", "a1", "a2")) {
            sendEvent(0, s, "missed");
        }
        for (String s : List.of("b0", "b1", "b2")) {
            sendEvent(1, s, "missed");
        }

        LifecycleConsumer one = consumer(handler).start();
        LifecycleConsumer two = null;
        try {
            await("partition 0 done, partition 1 stuck at b1", () -> one.counters().handledTotal() == 4
                    && handler.attempts("b1") >= 2);
            await("committed up to the failing event", () -> committed(kafka, group, topic)
                    .equals(Map.of(0, 3L, 1, 1L)));
            assertThat(one.counters().waiting()).extracting(LifecycleCounters.WaitingEvent::partition)
                    .containsExactly(1);

            two = consumer(handler).start();
            LifecycleConsumer second = two;
            await("one partition each", () -> one.counters().assignedPartitions().size() == 1
                    && second.counters().assignedPartitions().size() == 1);
            int attemptsBefore = handler.attempts("b1");
            await("b1 retried by its new owner", () -> handler.attempts("b1") > attemptsBefore);
            // Revocation committed what was handled and nothing past b1.
            assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 3L, 1, 1L));
            assertThat(handler.handledCount("b2")).isZero();

            handler.down.clear();
            await("all handled", () -> handler.handled.size() == 6);
            await("committed", () -> committed(kafka, group, topic).equals(Map.of(0, 3L, 1, 3L)));
        } finally {
            one.close();
            if (two != null) {
                two.close();
            }
        }
        assertThat(committed(kafka, group, topic)).isEqualTo(Map.of(0, 3L, 1, 3L));
        for (String s : List.of("a0", "a1", "a2", "b0", "b1", "b2")) {
            assertThat(handler.handledCount(s)).as(s).isEqualTo(1);
        }
        assertThat(handler.handled).extracting(LifecycleEvent::subscriptionId)
                .containsSubsequence("b0", "b1", "b2");
    }

    private static JsonNode read(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
