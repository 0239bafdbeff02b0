package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hydration as the service runs it: {@code startBackground} starts the hydration consumer next to the lifecycle
 * consumer (Kafka configured, default topic names), and a request on {@code graph-needs-hydration} becomes a fetched
 * message on {@code teams-events} signed with the vault-derived key and encrypted for the integration's current
 * certificate, with the metrics counting it and no chat content or token in any log line.
 */
class HydrationEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final String TENANT = "contoso.example";
    static final String CHAT = "19:e2e-hydration@thread.v2";
    static final String HUB =
            "EventHub:https://contoso-beacon.servicebus.windows.net/eventhubname/graph?tenantId=contoso.example";
    static KafkaFixture kafka;

    @TempDir
    static Path dir;

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        kafka.createTopic("graph-lifecycle", 1);
        kafka.createTopic(ControlPlaneSettings.DEFAULT_HYDRATION_TOPIC, 1);
        kafka.createTopic(ControlPlaneSettings.DEFAULT_HYDRATION_DEAD_LETTER_TOPIC, 1);
        kafka.createTopic(ControlPlaneSettings.DEFAULT_EVENTS_TOPIC, 1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void aHydrationRequestBecomesASignedEncryptedFetchedMessageOnTheJobsInputTopic() throws Exception {
        String vaultKey = SealedBox.newKeyBase64();
        String content = "emergency-call-content-" + Long.toHexString(System.nanoTime());
        try (CapturedLogs logs = CapturedLogs.atDebug();
             MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret("c0ffee00-0000-4000-8000-000000000002", "the-app-secret");
            String message = "{\"id\":\"1772438400123\",\"chatId\":\"" + CHAT + "\",\"messageType\":\"message\","
                    + "\"body\":{\"contentType\":\"text\",\"content\":\"" + content + "\"}}";
            emulator.putMessage(TENANT, CHAT, message);
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(
                    env(emulator, vaultKey)), clock, SignInSettings.defaults())) {
                cp.controlPlane().addIntegration(new NewIntegration("contoso", "Contoso", TENANT,
                        "c0ffee00-0000-4000-8000-000000000002", "client-credentials", "secret", "the-app-secret",
                        null, List.of(new DesiredSubscriptionView("/chats/getAllMessages", null, HUB, HUB, true,
                                4320))));
                cp.controlPlane().tick();
                String subscriptionId = emulator.graph().subscriptions().get(0).id();
                assertThat(cp.controlPlane().hydrationConsumer()).isPresent();

                HydrationRequestRecord request = new HydrationRequestRecord("graph-notifications", 0, 3, 0,
                        subscriptionId, TENANT, "created", "chats('" + CHAT + "')/messages('1772438400123')", CHAT,
                        "1772438400123");
                kafka.send(ControlPlaneSettings.DEFAULT_HYDRATION_TOPIC, 0, TENANT, // the job keys by tenant
                        request.toJson(json).toString().getBytes(StandardCharsets.UTF_8));
                await(() -> cp.controlPlane().hydrationConsumer().orElseThrow().counters().publishedCount() == 1);

                List<ConsumerRecord<byte[], byte[]>> events = kafka.readAll(ControlPlaneSettings.DEFAULT_EVENTS_TOPIC,
                        false);
                assertThat(events).hasSize(1);
                FetchedMessage m = FetchedMessageCodec.fromJson(json.readTree(events.get(0).value()));
                assertThat(m.origin()).isEqualTo(Origin.HYDRATION);
                assertThat(m.integrationId()).isEqualTo("contoso");
                assertThat(m.subscriptionId()).isEqualTo(subscriptionId);
                SealedBox vault = SealedBox.fromBase64(vaultKey, List.of());
                assertThat(FetchedMessageSignature.verify(m, List.of(vault.derivedKey(
                        FetchedMessagePublisher.SIGNING_KEY_PURPOSE)))).isTrue();
                Map<String, PrivateKey> keys = new HashMap<>();
                for (EncryptionCertificates.KeyEntry k : new EncryptionCertificates(
                        new Sql(cp.database().dataSource()), vault, clock).keys()) {
                    keys.put(k.certificateId(), k.privateKey());
                }
                byte[] plain = new RichNotificationCrypto.Decryptor((id, thumb) -> Optional.ofNullable(keys.get(id)))
                        .decrypt(m.content());
                assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(message);

                String metrics = get(cp.port(), "/metrics");
                assertThat(metrics).contains("beacon_hydration_published_total 1.0")
                        .contains("beacon_hydration_fetched_total 1.0")
                        .contains("beacon_hydration_consumer_running 1.0")
                        .contains("beacon_hydration_dead_letters_total{reason=\"forbidden\"} 0.0")
                        .contains("beacon_hydration_in_flight 0.0");

                // /api/status shows this replica's consumer: exactly one request done, published, nothing failing.
                await(() -> cp.controlPlane().status().hydration().lag() == 0);
                dev.beacon.control.ops.HydrationView view = cp.controlPlane().status().hydration();
                assertThat(view.partitions()).isNotEmpty();
                assertThat(view).isEqualTo(new dev.beacon.control.ops.HydrationView(true, 8, view.partitions(), 1, 1,
                        0, 0, 0, 0, 0, 0, null, null));
            }
            assertThat(logs.lines()).noneMatch(l -> l.contains(content));
            for (String token : emulator.entra().issuedAccessTokens()) {
                assertThat(logs.lines()).noneMatch(l -> l.contains(token));
            }
            assertThat(logs.lines()).noneMatch(l -> l.contains("the-app-secret"));
        }
    }

    private Map<String, String> env(MicrosoftEmulator emulator, String vaultKey) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", vaultKey);
        env.put("BEACON_ADMIN_TOKEN", "admin-token-for-the-hydration-e2e");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", dir.resolve("export").toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", "replica-h");
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        return env;
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
