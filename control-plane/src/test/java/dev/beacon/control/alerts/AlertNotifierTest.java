package dev.beacon.control.alerts;

import static dev.beacon.control.alerts.FactRecords.fact;
import static dev.beacon.control.alerts.FactRecords.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.testing.CapturedLogs;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The notifier end to end ({@link AlertRig}): exact webhook, Teams and e-mail alerts and updates, retries, dead
 * deliveries logged once, deduplication when everything is read again, dead letters.
 */
class AlertNotifierTest extends AlertRig {

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
}
