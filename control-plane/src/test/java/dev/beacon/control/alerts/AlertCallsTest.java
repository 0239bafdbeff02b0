package dev.beacon.control.alerts;

import static dev.beacon.control.alerts.FactRecords.fact;
import static dev.beacon.control.alerts.FactRecords.publish;
import static dev.beacon.control.alerts.FactRecords.publishSupersede;
import static dev.beacon.control.alerts.FactRecords.supersedes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultRekey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Which alert a fact belongs to and where it goes ({@link AlertRig}): a supersede continues the provisional id's
 * alert, test calls go to test routes; route URLs and secrets are sealed and follow a vault key rotation.
 */
class AlertCallsTest extends AlertRig {

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
        await("all records handled", () -> committed(topic, group) == 5);
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
}
