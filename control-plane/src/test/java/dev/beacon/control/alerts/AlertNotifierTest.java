package dev.beacon.control.alerts;

import static dev.beacon.control.alerts.FactRecords.fact;
import static dev.beacon.control.alerts.FactRecords.publish;
import static dev.beacon.control.alerts.FactRecords.publishSupersede;
import static dev.beacon.control.alerts.FactRecords.supersedes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultRekey;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier end to end on a real broker and PostgreSQL, with a local HTTP receiver for webhook and Teams posts
 * and GreenMail for SMTP: exact requests and e-mails, one alert per call, updates, supersedes, test-call routing,
 * retries, dead deliveries and deduplication across a restart. Each test has its own tenant, topic and group.
 */
class AlertNotifierTest {

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

    private final List<AlertNotifier> notifiers = new ArrayList<>();
    private final AlertMetrics metrics = AlertMetrics.standalone();
    private AlertRouteStore routes;
    private String tenant;
    private String integration;
    private String topic;
    private String group;

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

    private void setUp(TestInfo test) {
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

    private AlertNotifier start(String groupId, int maxAttempts) {
        AlertsSettings settings = new AlertsSettings(true, topic, groupId, topic + "-dead",
                new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(400), new Random(3)), maxAttempts,
                Optional.of(new SmtpSettings("127.0.0.1", mail.getSmtp().getPort(), null, null,
                        "beacon@alerts.example", SmtpSettings.StartTls.OFF)));
        AlertNotifier n = new AlertNotifier(KAFKA.get().bootstrapServers(), settings, routes,
                new AlertLedger(sql, JSON), metrics, JSON, Clock.systemUTC()).start();
        notifiers.add(n);
        return n;
    }

    private AlertNotifier start() {
        return start(group, 4);
    }

    private String webhook(String route, String path, String calls) {
        return routes.add(integration, new NewAlertRoute(route, "webhook", calls, receiver.url(path + "?code=s3cr3t"),
                null, null)).generatedSecret();
    }

    private List<Map<String, Object>> deliveries() {
        return PG.query("SELECT d.route_id, d.fact_id, d.revision, d.kind, d.status, d.attempts, d.last_error "
                + "FROM alert_delivery d JOIN alert_route r USING (route_id) WHERE r.integration_id = ? "
                + "ORDER BY d.route_id, d.fact_id, d.revision", integration);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private List<MimeMessage> mailsTo(String address) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
                out.add(m);
            }
        }
        return out;
    }

    private static JsonNode json(Receiver.Request r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static String id(String n) {
        return UUID.nameUUIDFromBytes(n.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void oneCallAlertsEveryChannelExactlyAndUpdatesOnANewRevision(TestInfo test) throws Exception {
        setUp(test);
        String secret = webhook("hook-a", "/a/hook", "real");
        routes.add(integration, new NewAlertRoute("teams-a", "teams", "both", receiver.url("/a/teams?sig=abc"), null,
                null));
        String ops = "ops-a@contoso.example";
        routes.add(integration, new NewAlertRoute("mail-a", "email", "real", null, null, List.of(ops)));
        start();
        String factId = id("call-a");
        Instant detected = now();
        ObjectNode rev1 = fact(factId, tenant, 1, detected);
        publish(KAFKA.get(), topic, rev1);
        publish(KAFKA.get(), topic, rev1); // redelivered by an at-least-once producer: still one alert

        await("three first alerts", () -> deliveries().stream().filter(d -> "delivered".equals(d.get("status")))
                .count() == 3);
        // The webhook: signed JSON.
        Receiver.Request hook = receiver.to("/a/hook").get(0);
        String ts = hook.header(WebhookSender.TIMESTAMP_HEADER);
        assertThat(Long.parseLong(ts)).isBetween(detected.getEpochSecond() - 1, Instant.now().getEpochSecond());
        assertThat(hook.header(WebhookSender.SIGNATURE_HEADER)).isEqualTo("sha256="
                + WebhookSender.sign(secret.getBytes(StandardCharsets.UTF_8), ts, hook.body()));
        assertThat(hook.header(WebhookSender.DELIVERY_HEADER)).isEqualTo("hook-a:" + factId + ":1");
        assertThat(hook.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode body = json(hook);
        String alertId = body.get("alert_id").asText();
        assertThat(body.get("type").asText()).isEqualTo("beacon.alert.created");
        assertThat(body.get("fact_id").asText()).isEqualTo(factId);
        assertThat(body.get("revision").asInt()).isEqualTo(1);
        assertThat(body.get("is_test_call").asBoolean()).isFalse();
        assertThat(body.get("title").asText()).isEqualTo("Emergency call: Adele Vance (adele@contoso.example) "
                + "dialled 911");
        assertThat(body.get("changes").size()).isZero();
        assertThat(body.get("fact")).isEqualTo(rev1);
        assertThat(JSON.convertValue(body.get("summary"), Map.class)).containsExactly(
                Map.entry("Call", "Emergency call"),
                Map.entry("Caller", "Adele Vance (adele@contoso.example)"),
                Map.entry("Caller phone", "+15550101"),
                Map.entry("Department", "Facilities"),
                Map.entry("Number dialled", "911"),
                Map.entry("Site", "Redmond HQ"),
                Map.entry("Location", "Building 1, floor 2, 1 Microsoft Way, Redmond"),
                Map.entry("Policy", "HQ"),
                Map.entry("Started", detected.minusSeconds(3).toString()),
                Map.entry("Test call", "no"));

        // Teams: one Adaptive Card, no actions or links.
        JsonNode teams = json(receiver.to("/a/teams").get(0));
        assertThat(teams.get("type").asText()).isEqualTo("message");
        assertThat(teams.get("attachments").size()).isEqualTo(1);
        JsonNode attachment = teams.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).isEqualTo("1.4");
        assertThat(card.has("actions")).isFalse();
        assertThat(card.get("body").get(0).get("text").asText())
                .isEqualTo("Emergency call: Adele Vance (adele@contoso.example) dialled 911");
        assertThat(card.get("body").get(0).get("color").asText()).isEqualTo("Attention");
        JsonNode facts = card.get("body").get(1).get("facts");
        assertThat(facts.get(0).get("title").asText()).isEqualTo("Call");
        assertThat(facts.get(5).get("title").asText()).isEqualTo("Site");
        assertThat(facts.get(5).get("value").asText()).isEqualTo("Redmond HQ");
        assertThat(facts.size()).isEqualTo(10);
        assertThat(card.get("body").toString()).doesNotContain("http").doesNotContain("s3cr3t");

        // E-mail: subject, recipients, our Message-ID.
        await("one e-mail", () -> {
            try {
                return mailsTo(ops).size() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        MimeMessage first = mailsTo(ops).get(0);
        assertThat(first.getSubject()).isEqualTo("Emergency call: Adele Vance (adele@contoso.example) dialled 911");
        assertThat(first.getFrom()[0].toString()).isEqualTo("beacon@alerts.example");
        // Each route has its own alert (thread) per call; the e-mail's Message-ID names the mail route's.
        Object mailThread = PG.queryValue("SELECT thread_id FROM alert_thread WHERE route_id = 'mail-a'");
        assertThat(first.getMessageID()).isEqualTo("<" + mailThread + "@alerts.example>");
        assertThat(first.getHeader("X-Beacon-Alert")).containsExactly(mailThread.toString());
        assertThat(first.getRecipients(Message.RecipientType.TO)).extracting(Object::toString).containsExactly(ops);
        String rootId = first.getMessageID();
        assertThat(first.getHeader("In-Reply-To")).isNull();
        assertThat(((String) first.getContent())).contains("Site: Redmond HQ").doesNotContain("http");

        // A new revision: the location and the end of the call changed; one update per route.
        ObjectNode rev2 = fact(factId, tenant, 2, detected);
        ((ObjectNode) rev2.get("location")).put("floor", "3");
        rev2.put("ended_at", detected.plusSeconds(60).toString()).put("duration_seconds", 63);
        publish(KAFKA.get(), topic, rev2);
        await("three updates", () -> deliveries().stream().filter(d -> "delivered".equals(d.get("status")))
                .count() == 6);
        JsonNode update = json(receiver.to("/a/hook").get(1));
        assertThat(update.get("type").asText()).isEqualTo("beacon.alert.updated");
        assertThat(update.get("alert_id").asText()).isEqualTo(alertId);
        assertThat(update.get("changes").toString()).isEqualTo(JSON.createArrayNode()
                .add(JSON.createObjectNode().put("field", "Location")
                        .put("before", "Building 1, floor 2, 1 Microsoft Way, Redmond")
                        .put("after", "Building 1, floor 3, 1 Microsoft Way, Redmond"))
                .add(JSON.createObjectNode().put("field", "Ended").putNull("before")
                        .put("after", detected.plusSeconds(60) + " (63 s)")).toString());
        JsonNode teamsUpdate = json(receiver.to("/a/teams").get(1)).get("attachments").get(0).get("content");
        assertThat(teamsUpdate.get("body").get(0).get("text").asText()).startsWith("Update: Emergency call");
        assertThat(teamsUpdate.get("body").get(1).get("text").asText()).isEqualTo("What changed:\n"
                + "- Location: Building 1, floor 2, 1 Microsoft Way, Redmond → Building 1, floor 3, 1 Microsoft Way, "
                + "Redmond\n- Ended: " + detected.plusSeconds(60) + " (63 s)");
        await("two e-mails", () -> {
            try {
                return mailsTo(ops).size() == 2;
            } catch (Exception e) {
                return false;
            }
        });
        MimeMessage followUp = mailsTo(ops).get(1);
        assertThat(followUp.getSubject()).isEqualTo("Re: " + first.getSubject());
        assertThat(followUp.getHeader("In-Reply-To")).containsExactly(rootId);
        assertThat(followUp.getHeader("References")).containsExactly(rootId);
        assertThat(followUp.getMessageID()).isNotEqualTo(rootId);
        assertThat(((String) followUp.getContent()).replace("\r\n", "\n")).startsWith("Update: ").contains("What changed:\n  Location: ");

        assertThat(receiver.to("/a/hook")).hasSize(2);
        assertThat(receiver.to("/a/teams")).hasSize(2);
        assertThat(deliveries()).extracting(d -> d.get("route_id") + " " + d.get("revision") + " " + d.get("kind")
                + " " + d.get("status") + " " + d.get("attempts")).containsExactly(
                "hook-a 1 new delivered 1", "hook-a 2 update delivered 1",
                "mail-a 1 new delivered 1", "mail-a 2 update delivered 1",
                "teams-a 1 new delivered 1", "teams-a 2 update delivered 1");
        assertThat(PG.query("SELECT count(*) AS n FROM alert_delivery d JOIN alert_route r USING (route_id) "
                + "WHERE r.integration_id = ? AND latency_ms >= 0 AND delivered_at IS NOT NULL", integration)
                .get(0).get("n")).isEqualTo(6L);
        assertThat(metrics.count("beacon.alerts.sent", AlertChannel.WEBHOOK)).isEqualTo(2.0);
        assertThat(metrics.count("beacon.alerts.sent", AlertChannel.EMAIL)).isEqualTo(2.0);

        // A revision with nothing an alert shows changed is recorded, not sent.
        ObjectNode rev3 = fact(factId, tenant, 3, detected);
        ((ObjectNode) rev3.get("location")).put("floor", "3");
        rev3.put("ended_at", detected.plusSeconds(60).toString()).put("duration_seconds", 63);
        rev3.put("notification_count", 9);
        publish(KAFKA.get(), topic, rev3);
        await("revision 3 recorded", () -> deliveries().stream().filter(d -> "unchanged".equals(d.get("status")))
                .count() == 3);
        assertThat(receiver.to("/a/hook")).hasSize(2);
        // The routes' secrets are sealed: neither the URL's query nor the secret is stored readable.
        assertThat(PG.query("SELECT target_redacted FROM alert_route WHERE integration_id = ? ORDER BY route_id",
                integration)).extracting(r -> r.get("target_redacted")).containsExactly(
                receiver.url("/…"), ops, receiver.url("/…"));
    }

    @Test
    void aSupersededProvisionalIdsAlertContinuesUnderTheLiveId(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-s", "/s/hook", "real");
        start();
        String provisional = id("call-s-provisional");
        String live = id("call-s-live");
        Instant detected = now();
        publish(KAFKA.get(), topic, fact(provisional, tenant, 1, detected));
        await("first alert", () -> receiver.to("/s/hook").size() == 1);
        String alertId = json(receiver.to("/s/hook").get(0)).get("alert_id").asText();

        // The earlier message arrives: the job publishes the live id (listing the provisional one) and a supersede.
        ObjectNode liveRev = supersedes(fact(live, tenant, 1, detected), List.of(provisional));
        liveRev.put("call_started_at", detected.minusSeconds(20).toString());
        publish(KAFKA.get(), topic, liveRev);
        publishSupersede(KAFKA.get(), topic, provisional, live, tenant);
        // A replayed later revision of the provisional id is not news any more.
        publish(KAFKA.get(), topic, fact(provisional, tenant, 2, detected));
        ObjectNode live2 = supersedes(fact(live, tenant, 2, detected), List.of(provisional));
        live2.put("call_started_at", detected.minusSeconds(20).toString()).put("ended_at",
                detected.plusSeconds(5).toString());
        publish(KAFKA.get(), topic, live2);

        await("two updates", () -> receiver.to("/s/hook").size() == 3);
        await("all records handled", () -> AlertNotifierTest.committed(topic, group) == 5);
        List<JsonNode> bodies = new ArrayList<>();
        for (Receiver.Request r : receiver.to("/s/hook")) {
            bodies.add(json(r));
        }
        assertThat(bodies).extracting(b -> b.get("type").asText() + " " + b.get("alert_id").asText() + " "
                + b.get("fact_id").asText() + " " + b.get("revision").asInt()).containsExactly(
                "beacon.alert.created " + alertId + " " + provisional + " 1",
                "beacon.alert.updated " + alertId + " " + live + " 1",
                "beacon.alert.updated " + alertId + " " + live + " 2");
        assertThat(bodies.get(1).get("changes").get(0).get("field").asText()).isEqualTo("Started");
        assertThat(PG.query("SELECT fact_id, superseded_by FROM alert_thread_fact WHERE route_id = 'hook-s' "
                + "ORDER BY fact_id = ?", live)).extracting(r -> r.get("fact_id") + ">" + r.get("superseded_by"))
                .containsExactly(provisional + ">" + live, live + ">null");
        assertThat(PG.queryValue("SELECT count(DISTINCT thread_id) FROM alert_thread WHERE route_id = 'hook-s'"))
                .isEqualTo(1L);
    }

    @Test
    void testCallsGoToTheTestRouteAndRealCallsToTheRealOne(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-real", "/t/real", "real");
        webhook("hook-test", "/t/test", "test");
        start();
        Instant detected = now();
        ObjectNode flagged = fact(id("t-flagged"), tenant, 1, detected).put("is_test_call", true);
        ObjectNode dialled933 = fact(id("t-933"), tenant, 1, detected).put("dialed_number", "933");
        ObjectNode real = fact(id("t-real"), tenant, 1, detected);
        publish(KAFKA.get(), topic, flagged);
        publish(KAFKA.get(), topic, dialled933);
        publish(KAFKA.get(), topic, real);
        await("all handled", () -> committed(topic, group) == 3);
        assertThat(receiver.to("/t/test")).extracting(r -> {
            try {
                JsonNode b = json(r);
                return b.get("fact_id").asText() + " " + b.get("is_test_call").asBoolean() + " "
                        + b.get("title").asText().startsWith("[TEST] ");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).containsExactlyInAnyOrder(id("t-flagged") + " true true", id("t-933") + " true true");
        assertThat(receiver.to("/t/real")).extracting(r -> {
            try {
                return json(r).get("fact_id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).containsExactly(id("t-real"));
    }

    @Test
    void retriesAfterServerErrorsThenDeliversOnceAndCommits(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-r", "/r/hook", "real");
        receiver.script("/r/hook", 500, 503, 429);
        start(group, 5);
        String factId = id("call-r");
        publish(KAFKA.get(), topic, fact(factId, tenant, 1, now()));
        await("delivered", () -> deliveries().stream().anyMatch(d -> "delivered".equals(d.get("status"))));
        await("committed", () -> committed(topic, group) == 1);
        assertThat(receiver.to("/r/hook")).hasSize(4);
        assertThat(deliveries()).extracting(d -> d.get("status") + " " + d.get("attempts") + " " + d.get("last_error"))
                .containsExactly("delivered 4 HTTP 429");
        assertThat(metrics.count("beacon.alerts.failed", AlertChannel.WEBHOOK)).isEqualTo(3.0);
        assertThat(metrics.count("beacon.alerts.sent", AlertChannel.WEBHOOK)).isEqualTo(1.0);
        // Every attempt was signed afresh and carried the same delivery key.
        assertThat(receiver.to("/r/hook")).extracting(r -> r.header(WebhookSender.DELIVERY_HEADER)).containsOnly(
                "hook-r:" + factId + ":1");
    }

    @Test
    void aRouteThatKeepsFailingIsMarkedAndLoggedOnceAndOthersGoOn(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-down", "/p/down", "real");
        webhook("hook-gone", "/p/gone", "real");
        webhook("hook-ok", "/p/ok", "real");
        receiver.always("/p/down", 502);
        receiver.always("/p/gone", 404);
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            start(group, 3);
            publish(KAFKA.get(), topic, fact(id("p-1"), tenant, 1, now()));
            await("p-1 committed", () -> committed(topic, group) == 1);
            // Marked failing: the next call gets one attempt on it, so it holds nothing back.
            publish(KAFKA.get(), topic, fact(id("p-2"), tenant, 1, now()));
            await("both committed", () -> committed(topic, group) == 2);
            assertThat(deliveries()).extracting(d -> d.get("route_id") + " " + d.get("fact_id") + " "
                    + d.get("status") + " " + d.get("attempts") + " " + d.get("last_error")).containsExactlyInAnyOrder(
                    "hook-down " + id("p-1") + " dead 3 HTTP 502", "hook-down " + id("p-2") + " dead 1 HTTP 502",
                    "hook-gone " + id("p-1") + " dead 1 HTTP 404", "hook-gone " + id("p-2") + " dead 1 HTTP 404",
                    "hook-ok " + id("p-1") + " delivered 1 null", "hook-ok " + id("p-2") + " delivered 1 null");
            assertThat(receiver.to("/p/down")).hasSize(4);
            assertThat(receiver.to("/p/gone")).hasSize(2);
            assertThat(receiver.to("/p/ok")).hasSize(2);
            assertThat(PG.query("SELECT route_id, failing_detail, failing_since IS NOT NULL AS failing "
                    + "FROM alert_route WHERE integration_id = ? ORDER BY route_id", integration))
                    .extracting(r -> r.get("route_id") + " " + r.get("failing") + " " + r.get("failing_detail"))
                    .containsExactly("hook-down true HTTP 502", "hook-gone true HTTP 404", "hook-ok false null");
            assertThat(logs.lines().stream().filter(l -> l.contains("is failing")).toList())
                    .hasSize(2).allSatisfy(l -> assertThat(l).doesNotContain("127.0.0.1").doesNotContain("s3cr3t"));
            assertThat(logs.text()).doesNotContain("code=s3cr3t").doesNotContain("Adele");
            assertThat(metrics.count("beacon.alerts.dead", AlertChannel.WEBHOOK)).isEqualTo(4.0);

            // It works again: the mark is cleared (logged once).
            receiver.always("/p/down", 200);
            publish(KAFKA.get(), topic, fact(id("p-3"), tenant, 1, now()));
            await("p-3 committed", () -> committed(topic, group) == 3);
            assertThat(routes.get("hook-down").orElseThrow().failingSince()).isNull();
            assertThat(logs.lines().stream().filter(l -> l.contains("hook-down") && l.contains("delivers again")))
                    .hasSize(1);
        }
    }

    @Test
    void aRestartedNotifierReadingEverythingAgainSendsNothingTwice(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-d", "/d/hook", "both");
        routes.add(integration, new NewAlertRoute("mail-d", "email", "both", null, null,
                List.of("ops-d@contoso.example")));
        AlertNotifier first = start();
        Instant detected = now();
        publish(KAFKA.get(), topic, fact(id("d-1"), tenant, 1, detected));
        publish(KAFKA.get(), topic, fact(id("d-2"), tenant, 1, detected).put("is_test_call", true));
        publish(KAFKA.get(), topic, fact(id("d-1"), tenant, 2, detected).put("ended_at",
                detected.plusSeconds(9).toString()));
        await("committed", () -> committed(topic, group) == 3);
        first.close();
        assertThat(receiver.to("/d/hook")).hasSize(3);
        // Another group reads the topic from the start (as after lost offsets): the audit deduplicates.
        start("other-" + group, 4);
        await("re-read", () -> committed(topic, "other-" + group) == 3);
        assertThat(receiver.to("/d/hook")).hasSize(3);
        assertThat(mailsTo("ops-d@contoso.example")).hasSize(3);
        assertThat(deliveries()).extracting(d -> d.get("route_id") + " " + d.get("revision") + " " + d.get("status")
                + " " + d.get("attempts")).containsExactlyInAnyOrder("hook-d 1 delivered 1", "hook-d 1 delivered 1",
                "hook-d 2 delivered 1", "mail-d 1 delivered 1", "mail-d 1 delivered 1", "mail-d 2 delivered 1");
    }

    @Test
    void aRecordThatIsNotAFactIsDeadLetteredAndTheNextOneAlerts(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-x", "/x/hook", "real");
        start();
        KAFKA.get().send(topic, 0, "k", "{\"fact_id\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "ce_type", "something.else");
        KAFKA.get().send(topic, 0, "k", "not json".getBytes(StandardCharsets.UTF_8), "ce_type", AlertFact.TYPE);
        ObjectNode ok = fact(id("x-1"), tenant, 1, now());
        publish(KAFKA.get(), topic, ok);
        await("alerted", () -> receiver.to("/x/hook").size() == 1);
        await("dead letters", () -> KAFKA.get().readAll(topic + "-dead", false).size() == 2);
    }

    @Test
    void routeUrlsAndSecretsAreSealedAndAKeyRotationReseals(TestInfo test) throws Exception {
        setUp(test);
        webhook("hook-v", "/v/hook", "real");
        byte[] sealedUrl = (byte[]) PG.queryValue("SELECT url_sealed FROM alert_route WHERE route_id = 'hook-v'");
        assertThat(new String(sealedUrl, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t")
                .doesNotContain("/v/hook");
        long boxes = (Long) PG.queryValue("SELECT count(url_sealed) + count(secret_sealed) FROM alert_route");
        String newKey = SealedBox.newKeyBase64();
        VaultRekey.Result r = new VaultRekey(sql, SealedBox.fromBase64(newKey, List.of(keyBase64))).run();
        assertThat(r.alertRouteSecrets()).isEqualTo((int) boxes);
        AlertRouteStore.Target t = new AlertRouteStore(sql, SealedBox.fromBase64(newKey, List.of()),
                Clock.systemUTC()).target(routes.get("hook-v").orElseThrow());
        assertThat(t.url()).isEqualTo(receiver.url("/v/hook?code=s3cr3t"));
        assertThat(t.secret()).hasSize(64);
        // The other tests' routes go on with the key they were sealed under: reseal them back.
        new VaultRekey(sql, SealedBox.fromBase64(keyBase64, List.of(newKey))).run();
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
