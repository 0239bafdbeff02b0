package dev.beacon.control.alerts;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the notifier tests share: a real broker and PostgreSQL, a local HTTP receiver for webhook and Teams posts,
 * GreenMail for SMTP, and per test its own tenant, integration, topic and group ({@link #setUp}).
 */
abstract class AlertRig {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    static Database db;
    static Sql sql;
    static String keyBase64;
    static SealedBox box;
    static GreenMail mail;
    static Receiver receiver;

    final List<AlertNotifier> notifiers = new ArrayList<>();
    final AlertMetrics metrics = AlertMetrics.standalone();
    AlertRouteStore routes;
    String tenant;
    String integration;
    String topic;
    String group;

    @BeforeAll
    static void startAll() throws Exception {
        db = Database.open(PG.jdbcUrl(), PG.user(), PG.password(), 4);
        sql = new Sql(db.dataSource());
        keyBase64 = SealedBox.newKeyBase64();
        box = SealedBox.fromBase64(keyBase64, List.of());
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        receiver = new Receiver();
    }

    @AfterAll
    static void stopAll() {
        receiver.close();
        mail.stop();
        db.close();
    }

    @AfterEach
    void stopNotifiers() {
        notifiers.forEach(AlertNotifier::close);
    }

    void setUp(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        tenant = "tenant-" + name;
        integration = "int-" + name.toLowerCase();
        topic = "facts-" + name;
        group = "alerts-" + name;
        KAFKA.get().createTopic(topic, 2);
        KAFKA.get().createTopic(topic + "-dead", 1);
        new IntegrationStore(sql, box, Clock.systemUTC()).add(integration, "Contoso", tenant, "client-1",
                AuthMode.DEVICE_CODE, null, null);
        routes = new AlertRouteStore(sql, box, Clock.systemUTC());
    }

    AlertNotifier start(String groupId, int maxAttempts) {
        AlertsSettings settings = new AlertsSettings(true, topic, groupId, topic + "-dead",
                new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(400), new Random(3)), maxAttempts,
                Optional.of(new SmtpSettings("127.0.0.1", mail.getSmtp().getPort(), null, null,
                        "beacon@alerts.example", SmtpSettings.StartTls.OFF)));
        AlertNotifier n = new AlertNotifier(KAFKA.get().bootstrapServers(), settings, routes,
                new AlertLedger(sql, JSON), metrics, JSON, Clock.systemUTC()).start();
        notifiers.add(n);
        return n;
    }

    AlertNotifier start() {
        return start(group, 4);
    }

    String webhook(String route, String path, String calls) {
        return routes.add(integration, new NewAlertRoute(route, "webhook", calls, receiver.url(path + "?code=s3cr3t"),
                null, null)).generatedSecret();
    }

    List<Map<String, Object>> deliveries() {
        return PG.query("SELECT d.route_id, d.fact_id, d.revision, d.kind, d.status, d.attempts, d.last_error "
                + "FROM alert_delivery d JOIN alert_route r USING (route_id) WHERE r.integration_id = ? "
                + "ORDER BY d.route_id, d.fact_id, d.revision", integration);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    List<MimeMessage> mailsTo(String address) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
                out.add(m);
            }
        }
        return out;
    }

    static JsonNode json(Receiver.Request r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String id(String n) {
        return UUID.nameUUIDFromBytes(n.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The group's committed offsets for the topic, summed over partitions. */
    static long committed(String topic, String group) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", KAFKA.get().bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }
}
