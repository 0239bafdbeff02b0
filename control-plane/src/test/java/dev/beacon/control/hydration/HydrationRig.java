package dev.beacon.control.hydration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A hydration consumer on real parts: the subscription rig (PostgreSQL, the emulator, integration {@code acme} of
 * tenant {@code contoso.com} with one rich subscription and its certificate), a real broker with this test's topics,
 * and what tests read back: committed offsets, fetched messages (decrypted, signature checked), dead letters, rows.
 */
final class HydrationRig implements AutoCloseable {

    static final String TENANT = "contoso.com";
    static final String CHAT = "19:meeting_Yjc4@thread.v2";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final RetryBackoff FAST = new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(100), new Random(7));

    private static final ObjectMapper JSON = new ObjectMapper();

    final SubscriptionRig base;
    final KafkaFixture kafka;
    final String topic;
    final String deadLetterTopic;
    final String eventsTopic;
    final String group;
    final String subscriptionId;
    final HydrationCounters counters = new HydrationCounters(Clock.systemUTC());
    final byte[] signingKey;
    private final List<AutoCloseable> open = new ArrayList<>();

    HydrationRig(PostgresFixture pg, Path exportDir, KafkaFixture kafka, String name, int partitions,
                 boolean createEventsTopic) {
        this.base = new SubscriptionRig(pg, exportDir);
        this.kafka = kafka;
        this.topic = "hyd-" + name;
        this.deadLetterTopic = topic + "-dead-letters";
        this.eventsTopic = "events-" + name;
        this.group = "g-" + name;
        kafka.createTopic(topic, partitions);
        kafka.createTopic(deadLetterTopic, 1);
        if (createEventsTopic) {
            kafka.createTopic(eventsTopic, 1);
        }
        base.desire(SubscriptionRig.ALL_MESSAGES, true, 4320);
        base.reconciler.reconcile(SubscriptionRig.INTEGRATION);
        subscriptionId = base.onlyActive().subscriptionId();
        signingKey = base.vault.derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE);
    }

    /** The control plane's publisher, except that a missing topic fails within a second (not ten). */
    FetchedMessagePublisher publisher() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.block.ms", "1000");
        p.put("delivery.timeout.ms", "5000");
        p.put("request.timeout.ms", "4000");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer());
        open.add(producer::close);
        return new FetchedMessagePublisher(producer, eventsTopic, base.certificates, () -> signingKey,
                Clock.systemUTC(), Duration.ofSeconds(5));
    }

    /** A Graph client whose inline Retry-After waits stop at {@code inlineCap} (sleeps recorded, not slept). */
    GraphClient graph(Duration inlineCap) {
        return GraphClient.create(MicrosoftEndpoints.routedTo(base.emulator.baseUri()), base::token,
                new RetryPolicy(3, inlineCap, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2),
                        new Random(7)), base.sleeps::add), base.clock);
    }

    MessageHydrator hydrator(GraphClient graph, double rate, FetchedMessagePublisher publisher) {
        return new MessageHydrator(base.subscriptions, base.integrations, graph, TenantRateLimiter.perSecond(rate),
                publisher, new HydrationOutcomes(base.sql, base.clock), counters);
    }

    HydrationConsumer start(MessageHydrator hydrator) {
        return start(hydrator, HydrationConsumer.Settings.DEFAULT_CONCURRENCY);
    }

    HydrationConsumer start(MessageHydrator hydrator, int concurrency) {
        HydrationConsumer c = new HydrationConsumer(HydrationConsumer.Settings.of(kafka.bootstrapServers(), topic,
                group, deadLetterTopic).withBackoff(FAST).withConcurrency(concurrency), hydrator).start();
        open.add(c);
        return c;
    }

    /** Default settings: 15 GETs per second per tenant, Graph's own retry policy of the rig. */
    HydrationConsumer start() {
        return start(hydrator(base.graph, 15, publisher()));
    }

    /** A chatMessage as Graph serves it, registered in the emulator; returns its JSON. */
    String message(String id) {
        String json = "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#chats('" + CHAT
                + "')/messages/$entity\",\"id\":\"" + id + "\",\"chatId\":\"" + CHAT + "\",\"messageType\":"
                + "\"message\",\"createdDateTime\":\"2026-03-02T08:00:00.123Z\",\"body\":{\"contentType\":\"html\","
                + "\"content\":\"<p>emergency call started \\u00e9</p>\"}}";
        base.emulator.putMessage(TENANT, CHAT, json);
        return json;
    }

    /** A request as the job writes it (keyed by tenant, lower case), for a message of {@link #CHAT}. */
    void request(String messageId) {
        request(messageId, subscriptionId, TENANT, null);
    }

    void request(String messageId, String subscription, String tenant, Integer partition) {
        HydrationRequestRecord r = new HydrationRequestRecord("eventhub:beacon/0", 0, 7, 0, subscription, tenant,
                "created", "chats('" + CHAT + "')/messages('" + messageId + "')", CHAT, messageId);
        kafka.send(topic, partition, tenant == null ? "" : tenant.toLowerCase(java.util.Locale.ROOT),
                r.toJson(JSON).toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    void raw(String value) {
        kafka.send(topic, 0, "poison", value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Fetched messages on the events topic, oldest first. */
    List<FetchedMessage> events() {
        List<FetchedMessage> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(eventsTopic, false)) {
            try {
                out.add(FetchedMessageCodec.fromJson(JSON.readTree(r.value())));
            } catch (Exception e) {
                throw new AssertionError("not a fetched message on " + eventsTopic, e);
            }
        }
        return out;
    }

    /** The chatMessage bytes inside, decrypted with the integration's private key as the job would. */
    byte[] decrypt(FetchedMessage m) throws Exception {
        Map<String, java.security.PrivateKey> keys = new TreeMap<>();
        for (EncryptionCertificates.KeyEntry k : base.certificates.keys()) {
            keys.put(k.certificateId(), k.privateKey());
        }
        return new RichNotificationCrypto.Decryptor((id, thumbprint) -> Optional.ofNullable(keys.get(id)))
                .decrypt(m.content());
    }

    List<JsonNode> deadLetters() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(deadLetterTopic, false)) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    List<Map<String, Object>> outcomes(PostgresFixture pg) {
        return pg.query("SELECT integration_id, chat_id, message_id, subscription_id, outcome, graph_status "
                + "FROM hydration_outcome ORDER BY message_id");
    }

    /** The group's committed offsets for the topic, summed over partitions. */
    long committed() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }

    /** The topic's end offsets, summed over partitions (what {@link #committed} reaches once all is done). */
    long endOffsets() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .size();
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets", e);
        }
    }

    /** Waits (bounded) for {@code condition}; the assertion is the condition, not the time. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // closing what the test opened; the next test starts clean anyway
            }
        }
        base.close();
    }
}
