package dev.beacon.control.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LifecycleConsumerTest {

    private static final String TOPIC = "graph-lifecycle";
    private static final String GROUP = "beacon-control-plane-test";
    private static KafkaFixture kafka;

    private final List<LifecycleEvent> handled = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        kafka.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /** Acts like the reconciler: fails twice for sub-flaky, always for sub-broken. */
    private String handle(LifecycleEvent e) {
        int n = attempts.computeIfAbsent(e.subscriptionId(), k -> new AtomicInteger()).incrementAndGet();
        if (e.subscriptionId().equals("sub-flaky") && n <= 2 || e.subscriptionId().equals("sub-broken")) {
            throw new IllegalStateException("database unavailable");
        }
        handled.add(e);
        return "noted";
    }

    @Test
    void handlesValidEventsSkipsBadOnesAndCommits() throws Exception {
        send("sub-1", valid("sub-1", "tenant-1", "reauthorizationRequired", 0));
        send("x", "this is { not json");
        send("sub-2", "{\"tenant_id\":\"tenant-1\",\"lifecycle_event\":\"missed\",\"notification\":{}}");
        send("sub-2", valid("sub-2", "tenant-1", "subscriptionRemoved", 3));
        send("sub-3", valid("sub-3", "tenant-2", "somethingNew", 4));
        send("sub-3", valid("sub-3", "tenant-2", "missed", 5));
        send("sub-flaky", valid("sub-flaky", "tenant-2", "reauthorizationRequired", 6));
        send("sub-broken", valid("sub-broken", "tenant-2", "missed", 7));
        send("sub-4", "{\"source\":\"eh\",\"partition\":0,\"offset\":8,\"item_index\":0,\"subscription_id\":\"sub-4\","
                + "\"tenant_id\":null,\"lifecycle_event\":\"missed\",\"notification\":\"kept as text\"}");
        Map<Long, Instant> timestamps = timestampsByOffset();

        var consumer = new LifecycleConsumer(kafka.bootstrapServers(), TOPIC, GROUP, this::handle,
                Clock.systemUTC(), new LifecycleConsumer.Retry(3, Duration.ofMillis(10)));
        consumer.start();
        try {
            LifecycleCounters c = consumer.counters();
            await(() -> c.handledTotal() + c.badRecords() + c.failed() == 9);

            assertThat(handled).containsExactly(
                    new LifecycleEvent("sub-1", "tenant-1", "reauthorizationRequired", timestamps.get(0L)),
                    new LifecycleEvent("sub-2", "tenant-1", "subscriptionRemoved", timestamps.get(3L)),
                    new LifecycleEvent("sub-3", "tenant-2", "missed", timestamps.get(5L)),
                    new LifecycleEvent("sub-flaky", "tenant-2", "reauthorizationRequired", timestamps.get(6L)),
                    new LifecycleEvent("sub-4", null, "missed", timestamps.get(8L)));
            assertThat(c.badRecords()).isEqualTo(3);
            assertThat(c.failed()).isEqualTo(1);
            assertThat(c.handledCount("reauthorizationRequired")).isEqualTo(2);
            assertThat(c.handledCount("subscriptionRemoved")).isEqualTo(1);
            assertThat(c.handledCount("missed")).isEqualTo(2);
            assertThat(c.handledCount("somethingNew")).isZero();
            assertThat(attempts.get("sub-flaky")).hasValue(3);
            assertThat(attempts.get("sub-broken")).hasValue(3);
            await(() -> committedOffset() == 9L);
        } finally {
            consumer.close();
        }
        assertThat(committedOffset()).isEqualTo(9L);

        // A new consumer in the same group starts after the committed offset: only the new record arrives.
        handled.clear();
        var second = new LifecycleConsumer(kafka.bootstrapServers(), TOPIC, GROUP, this::handle,
                Clock.systemUTC(), new LifecycleConsumer.Retry(3, Duration.ofMillis(10)));
        second.start();
        try {
            send("sub-5", valid("sub-5", "tenant-1", "missed", 9));
            await(() -> second.counters().handledTotal() == 1);
            assertThat(handled).extracting(LifecycleEvent::subscriptionId).containsExactly("sub-5");
            assertThat(second.counters().badRecords()).isZero();
            assertThat(second.counters().failed()).isZero();
        } finally {
            second.close();
        }
        assertThat(committedOffset()).isEqualTo(10L);
    }

    private static String valid(String subscriptionId, String tenantId, String event, long offset) {
        return "{\"source\":\"eventhub:beacon/0\",\"partition\":0,\"offset\":" + offset + ",\"item_index\":0,"
                + "\"subscription_id\":\"" + subscriptionId + "\",\"tenant_id\":\"" + tenantId + "\","
                + "\"lifecycle_event\":\"" + event + "\",\"notification\":{\"subscriptionId\":\"" + subscriptionId
                + "\",\"lifecycleEvent\":\"" + event + "\"}}";
    }

    private static void send(String key, String value) {
        kafka.send(TOPIC, 0, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<Long, Instant> timestampsByOffset() {
        Map<Long, Instant> m = new ConcurrentHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(TOPIC, true)) {
            m.put(r.offset(), Instant.ofEpochMilli(r.timestamp()));
        }
        return m;
    }

    private static long committedOffset() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(TOPIC, 0));
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
