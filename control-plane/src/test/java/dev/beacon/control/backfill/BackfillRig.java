package dev.beacon.control.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.control.certs.EncryptionCertificates.KeyEntry;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link SubscriptionRig} (PostgreSQL, emulator, stores, delegated integration {@code acme}) plus an app-only
 * integration {@code acme-app}, a real Kafka topic and a {@link Backfiller} wired like the control plane's, with a
 * pacer and retry policy that record their waits instead of sleeping.
 */
final class BackfillRig implements AutoCloseable {

    static final String APP_ONLY = "acme-app";
    static final String TENANT = "contoso.com";
    static final String USER_ALL_MESSAGES = "/users/" + SubscriptionRig.USER + "/chats/getAllMessages?model=B";
    static final ObjectMapper JSON = new ObjectMapper();

    final SubscriptionRig rig;
    final KafkaFixture kafka;
    final String topic = "teams-events-" + UUID.randomUUID();
    final List<Duration> pacerWaits = new CopyOnWriteArrayList<>();
    final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    final BackfillSettings settings;
    final GraphClient graph;
    final BackfillCursorStore cursors;
    final BackfillCounters counters = new BackfillCounters();
    final FetchedMessagePublisher publisher;
    final Backfiller backfiller;
    final byte[] signingKey = new byte[32];

    BackfillRig(PostgresFixture pg, KafkaFixture kafka, Path exportDir) {
        this.rig = new SubscriptionRig(pg, exportDir);
        this.kafka = kafka;
        kafka.createTopic(topic, 1);
        new Random(3).nextBytes(signingKey);
        settings = new BackfillSettings(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(2),
                Duration.ofDays(7), 10, Duration.ofSeconds(30), topic);
        RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), new Random(7)), retryWaits::add);
        graph = GraphClient.create(MicrosoftEndpoints.routedTo(rig.emulator.baseUri()), this::token, retry, rig.clock);
        cursors = new BackfillCursorStore(rig.sql);
        publisher = FetchedMessagePublisher.create(kafka.bootstrapServers(), topic, rig.certificates,
                () -> signingKey, rig.clock);
        backfiller = backfiller(publisher);
        rig.integrations.add(APP_ONLY, "Acme (app-only)", TENANT, SubscriptionRig.APP, AuthMode.CLIENT_CREDENTIALS,
                "secret", "not-used".getBytes(StandardCharsets.UTF_8));
        rig.integrations.setStatus(APP_ONLY, IntegrationStatus.ACTIVE, null);
    }

    /** A backfiller publishing with {@code p} (another producer: a broker that is down). */
    Backfiller backfiller(FetchedMessagePublisher p) {
        return backfiller(p, settings, System::nanoTime);
    }

    /** A backfiller with other settings, its run budget measured on {@code nanoTime}. */
    Backfiller backfiller(FetchedMessagePublisher p, BackfillSettings s, java.util.function.LongSupplier nanoTime) {
        // A constant clock for the pacer: every wait it asks for is recorded, none is slept.
        RequestPacer pacer = new RequestPacer(s.ratePerSecond(), () -> 0L, pacerWaits::add);
        return new Backfiller(rig.integrations, cursors, new MessageLister(graph, this::token, pacer), p, s,
                counters, rig.clock, nanoTime);
    }

    /** A backfiller whose lister lists the tenant-wide resource for the integrations' {@code users}. */
    Backfiller backfiller(BackfillUsers users, TenantWideCoverage coverage) {
        RequestPacer pacer = new RequestPacer(settings.ratePerSecond(), () -> 0L, pacerWaits::add);
        return new Backfiller(rig.integrations, cursors, new MessageLister(graph, this::token, pacer, users::list,
                coverage), publisher, settings, counters, rig.clock);
    }

    /** Delegated token for the service account of {@code acme}; app-only token for {@code acme-app}. */
    GraphToken token(String integrationId) throws SignInRequiredException {
        if (!integrationId.equals(APP_ONLY)) {
            return rig.token(integrationId);
        }
        Instant exp = rig.clock.instant().plus(Duration.ofHours(1));
        return new GraphToken(rig.emulator.entra().issueAccessToken(new IssuedToken(TENANT, null, null,
                SubscriptionRig.APP, true, exp)), exp, null, null);
    }

    void desireAppOnly(String resource) {
        rig.integrations.putDesired(new DesiredSubscription(APP_ONLY, resource, "created,updated,deleted",
                SubscriptionRig.HUB, SubscriptionRig.LIFECYCLE_HUB, true, 4320));
    }

    /** Stores a chatMessage in the emulator, modified at {@code modified}; returns its JSON. */
    ObjectNode message(String chatId, String id, Instant modified, String type) {
        ObjectNode m = JSON.createObjectNode();
        m.put("@odata.type", "#microsoft.graph.chatMessage");
        m.put("id", id);
        m.put("chatId", chatId);
        m.put("messageType", type);
        m.put("createdDateTime", modified.minusSeconds(1).toString());
        m.put("lastModifiedDateTime", modified.toString());
        m.putNull("deletedDateTime");
        m.putObject("body").put("contentType", "text").put("content", "message " + id);
        rig.emulator.putMessage(TENANT, chatId, m.toString());
        return m;
    }

    ObjectNode message(String chatId, String id, Instant modified) {
        return message(chatId, id, modified, "message");
    }

    /** A decrypted, verified record of the topic. */
    record Published(FetchedMessage message, JsonNode chatMessage, boolean signatureValid) {}

    List<Published> published() throws Exception {
        List<Published> out = new ArrayList<>();
        RichNotificationCrypto.Decryptor decryptor = new RichNotificationCrypto.Decryptor((id, thumbprint) ->
                rig.certificates.keys().stream().filter(k -> k.certificateId().equals(id))
                        .map(KeyEntry::privateKey).findFirst());
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, false)) {
            FetchedMessage m = FetchedMessageCodec.fromJson(JSON.readTree(r.value()));
            out.add(new Published(m, JSON.readTree(decryptor.decrypt(m.content())),
                    FetchedMessageSignature.verify(m, List.of(signingKey))));
        }
        return out;
    }

    /** Ids of the published messages, in topic order. */
    List<String> publishedIds() throws Exception {
        return published().stream().map(p -> p.message().messageId()).toList();
    }

    Optional<Instant> backfilledAt(long gapId) {
        return rig.sql.query("SELECT backfilled_at FROM delivery_gap WHERE gap_id = ?",
                rs -> Optional.ofNullable(dev.beacon.control.store.Sql.instant(rs, "backfilled_at")), gapId).get(0);
    }

    @Override
    public void close() {
        publisher.close();
        rig.close();
    }
}
