package dev.beacon.control.emergency;

import static dev.beacon.control.emergency.EmergencyRig.APP_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.subscriptions.ReconcileReport;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.control.subscriptions.SubscriptionStore;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emergency-call-event subscriptions per emergency calling policy, reconciled against the emulator (which applies
 * Graph's rules for them) with PostgreSQL: exact create body, one-day renewal, 409 adoption, delegated refusal,
 * the API version setting.
 */
class EmergencyEventSubscriptionsTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = "Emergency Policy";
    static final String QUOTED_POLICY = "O'Brien desk";
    static final String RESOURCE = "communications/calls/getEmergencyEventsByPolicy(policyName='Emergency Policy')";
    static final String QUOTED_RESOURCE =
            "communications/calls/getEmergencyEventsByPolicy(policyName='O''Brien desk')";

    @TempDir
    Path exportDir;
    EmergencyRig rig;

    EmergencyRig rig(String version) {
        rig = new EmergencyRig(PG, exportDir, version);
        return rig;
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    ReconcileReport reconcile() {
        return rig.reconciler.reconcile(APP_ONLY);
    }

    EmulatedSubscription inGraph(String resource) {
        List<EmulatedSubscription> found = rig.base.emulator.graph().subscriptions().stream()
                .filter(s -> s.resource().equals(resource)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    SubscriptionStore.Row row(String resource) {
        List<SubscriptionStore.Row> found = rig.base.subscriptions.active(APP_ONLY).stream()
                .filter(r -> r.resource().equals(resource)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void createsOneRichOneDaySubscriptionPerPolicyWithTheDocumentedBody() throws Exception {
        rig("beta");
        Instant t0 = rig.base.clock.instant();
        rig.policies.replace(APP_ONLY, List.of(POLICY, QUOTED_POLICY));

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(APP_ONLY, 3, 0, 0, 0, 0, 0, 0, "ok"));
        String certificateId = rig.base.certificates.current(APP_ONLY).id();
        for (String resource : List.of(RESOURCE, QUOTED_RESOURCE)) {
            EmulatedSubscription g = inGraph(resource);
            JsonNode body = JSON.readTree(rig.base.emulator.graph().requestBodies(g.id()).get(0));
            Set<String> fields = new TreeSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyInAnyOrder("changeType", "notificationUrl",
                    "lifecycleNotificationUrl", "resource", "expirationDateTime", "clientState",
                    "includeResourceData", "encryptionCertificate", "encryptionCertificateId");
            assertThat(body.get("resource").asText()).isEqualTo(resource);
            assertThat(body.get("changeType").asText()).isEqualTo("updated");
            assertThat(body.get("includeResourceData").asBoolean()).isTrue();
            assertThat(body.get("encryptionCertificateId").asText()).isEqualTo(certificateId);
            assertThat(body.get("encryptionCertificate").asText())
                    .isEqualTo(rig.base.certificates.current(APP_ONLY).base64());
            assertThat(body.get("notificationUrl").asText()).isEqualTo(SubscriptionRig.HUB);
            assertThat(body.get("lifecycleNotificationUrl").asText()).isEqualTo(SubscriptionRig.LIFECYCLE_HUB);
            assertThat(Instant.parse(body.get("expirationDateTime").asText())).isEqualTo(t0.plus(Duration.ofDays(1)));
            assertThat(g.clientState()).isEqualTo(rig.base.clientStates.open(row(resource).clientStateId()));
            assertThat(row(resource).expiresAt()).isEqualTo(t0.plus(Duration.ofDays(1)));
            assertThat(row(resource).encryptionCertificateId()).isEqualTo(certificateId);
        }
        // managed through beta; the chat subscription stays on v1.0
        assertThat(rig.base.emulator.countCalls("POST", "/beta/subscriptions")).isEqualTo(2);
        assertThat(rig.base.emulator.countCalls("POST", "/v1\\.0/subscriptions")).isEqualTo(1);
        // status and `subscriptions list` show the policy
        Map<String, String> policyBySubscription = new HashMap<>();
        for (SubscriptionView v : rig.base.subscriptions.views(APP_ONLY)) {
            policyBySubscription.put(v.resource(), v.policyName());
        }
        assertThat(policyBySubscription).containsEntry(RESOURCE, POLICY).containsEntry(QUOTED_RESOURCE,
                QUOTED_POLICY).containsEntry(EmergencyRig.APP_ONLY_RESOURCE, null);
        assertThat(JSON.readTree(dev.beacon.control.http.ApiJson.mapper().writeValueAsString(
                rig.base.subscriptions.views(APP_ONLY))).findValuesAsText(
                "policyName")).contains(POLICY, QUOTED_POLICY);
        // a second pass changes nothing
        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 0, 0, 0, 0, 0, 0, 0, "ok"));
    }

    @Test
    void renewsAtHalfTheDayToAtMostOneDay() throws Exception {
        rig("beta");
        rig.policies.replace(APP_ONLY, List.of(POLICY));
        reconcile();
        String id = inGraph(RESOURCE).id();

        rig.base.clock.advance(Duration.ofHours(11).plusMinutes(59));
        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 0, 0, 0, 0, 0, 0, 0, "ok"));

        rig.base.clock.advance(Duration.ofMinutes(1));
        Instant renewedAt = rig.base.clock.instant();
        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 0, 1, 0, 0, 0, 0, 0, "ok"));

        assertThat(rig.base.emulator.countCalls("PATCH", "/beta/subscriptions/" + id)).isEqualTo(1);
        JsonNode patch = JSON.readTree(rig.base.emulator.graph().lastRequestBody(id));
        assertThat(Instant.parse(patch.get("expirationDateTime").asText()))
                .isEqualTo(renewedAt.plus(Duration.ofDays(1)));
        assertThat(inGraph(RESOURCE).expirationDateTime()).isEqualTo(renewedAt.plus(Duration.ofDays(1)));
        assertThat(row(RESOURCE).subscriptionId()).isEqualTo(id);
        assertThat(row(RESOURCE).renewalCount()).isEqualTo(1);
        assertThat(row(RESOURCE).expiresAt()).isEqualTo(renewedAt.plus(Duration.ofDays(1)));
    }

    @Test
    void adoptsAConflictingSubscriptionForThePolicyByRecreatingIt() throws Exception {
        rig("beta");
        // made by hand (or by a crashed run) for the same app, tenant and policy, delivering elsewhere
        HttpResponse<String> manual = post("/beta/subscriptions", rig.appAccessToken(), createBody(RESOURCE,
                "updated", true, rig.base.clock.instant().plus(Duration.ofHours(20)),
                "EventHub:https://other-ns.servicebus.windows.net/eventhubname/x?tenantId=contoso.com"));
        assertThat(manual.statusCode()).isEqualTo(201);
        String foreign = JSON.readTree(manual.body()).get("id").asText();
        rig.policies.replace(APP_ONLY, List.of(POLICY));

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(APP_ONLY, 1, 0, 0, 1, 0, 0, 0, "ok"));
        assertThat(rig.base.emulator.countCalls("GET", "/beta/subscriptions")).isEqualTo(1);
        assertThat(rig.base.emulator.countCalls("DELETE", "/beta/subscriptions/" + foreign)).isEqualTo(1);
        EmulatedSubscription ours = inGraph(RESOURCE);
        assertThat(ours.id()).isNotEqualTo(foreign);
        assertThat(ours.notificationUrl()).isEqualTo(SubscriptionRig.HUB);
        assertThat(row(RESOURCE).subscriptionId()).isEqualTo(ours.id());
        assertThat(ours.clientState()).isEqualTo(rig.base.clientStates.open(row(RESOURCE).clientStateId()));
    }

    @Test
    void aRefusedEmergencySubscriptionWaitsAloneWithoutFlaggingAQuota() {
        rig("beta");
        rig.policies.replace(APP_ONLY, List.of(POLICY));
        rig.base.emulator.inject("POST", "/beta/subscriptions", dev.beacon.control.emulator.MicrosoftEmulator.Response
                .json(403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Insufficient privileges\"}}"), 1);

        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 1, 0, 0, 0, 0, 0, 1, "ok"));
        assertThat(rig.base.integrations.require(APP_ONLY).status())
                .isEqualTo(dev.beacon.control.integration.IntegrationStatus.ACTIVE);

        rig.base.clock.advance(Duration.ofHours(2)); // past the backoff (at most 1 h)
        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 1, 0, 0, 0, 0, 0, 0, "ok"));
        inGraph(RESOURCE);
    }

    @Test
    void removingAPolicyDeletesItsSubscription() {
        rig("beta");
        rig.policies.replace(APP_ONLY, List.of(POLICY, QUOTED_POLICY));
        reconcile();
        String gone = inGraph(QUOTED_RESOURCE).id();

        rig.policies.replace(APP_ONLY, List.of(POLICY));

        assertThat(reconcile()).isEqualTo(new ReconcileReport(APP_ONLY, 0, 0, 0, 0, 1, 0, 0, "ok"));
        assertThat(rig.base.emulator.countCalls("DELETE", "/beta/subscriptions/" + gone)).isEqualTo(1);
        assertThat(rig.base.emulator.graph().subscription(gone)).isEmpty();
        assertThat(rig.policies.list(APP_ONLY)).containsExactly(POLICY);
    }

    @Test
    void delegatedIntegrationsAreRefusedWithTheReason() throws Exception {
        rig("beta");
        assertThatThrownBy(() -> rig.policies.replace(SubscriptionRig.INTEGRATION, List.of(POLICY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CallEvents-Emergency.Read.All")
                .hasMessageContaining("client-credentials");
        assertThat(rig.policies.list(SubscriptionRig.INTEGRATION)).isEmpty();
        // and Graph (the emulator) refuses a delegated token for the resource
        String delegated = rig.base.token(SubscriptionRig.INTEGRATION).accessToken();
        assertThat(post("/beta/subscriptions", delegated, createBody(RESOURCE, "updated", true,
                rig.base.clock.instant().plus(Duration.ofHours(2)), SubscriptionRig.HUB)).statusCode()).isEqualTo(403);
    }

    @Test
    void emulatorAppliesGraphsRulesForTheResource() throws Exception {
        rig("beta");
        Instant now = rig.base.clock.instant();
        String token = rig.appAccessToken();
        String hub = SubscriptionRig.HUB;
        assertThat(post("/beta/subscriptions", token, createBody(RESOURCE, "updated", true,
                now.plus(Duration.ofDays(1)).plusSeconds(1), hub)).statusCode()).isEqualTo(400);
        assertThat(post("/beta/subscriptions", token, createBody(RESOURCE, "updated", false,
                now.plus(Duration.ofHours(2)), hub)).statusCode()).isEqualTo(400);
        assertThat(post("/beta/subscriptions", token, createBody(RESOURCE, "created", true,
                now.plus(Duration.ofHours(2)), hub)).statusCode()).isEqualTo(400);
        HttpResponse<String> ok = post("/beta/subscriptions", token, createBody(RESOURCE, "updated", true,
                now.plus(Duration.ofDays(1)), hub));
        assertThat(ok.statusCode()).isEqualTo(201);
        // one per app, tenant and policy: another URL does not make it another subscription
        assertThat(post("/beta/subscriptions", token, createBody(RESOURCE, "updated", true,
                now.plus(Duration.ofHours(2)), hub + "&x=1")).statusCode()).isEqualTo(409);
        // renewal beyond a day is refused too
        String id = JSON.readTree(ok.body()).get("id").asText();
        assertThat(send("PATCH", "/beta/subscriptions/" + id, token, "{\"expirationDateTime\":\""
                + now.plus(Duration.ofDays(2)) + "\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void theApiVersionSettingChoosesTheGraphVersionAndIsValidated() {
        rig("v1.0");
        rig.policies.replace(APP_ONLY, List.of(POLICY));
        assertThat(reconcile().created()).isEqualTo(2);
        assertThat(rig.base.emulator.countCalls("POST", "/v1\\.0/subscriptions")).isEqualTo(2);
        assertThat(rig.base.emulator.countCalls("POST", "/beta/subscriptions")).isZero();

        assertThat(EmergencyEventsApi.version(Map.of())).isEqualTo("beta");
        assertThat(EmergencyEventsApi.version(Map.of(EmergencyEventsApi.SETTING, "v1.0"))).isEqualTo("v1.0");
        assertThatThrownBy(() -> EmergencyEventsApi.version(Map.of(EmergencyEventsApi.SETTING, "v2")))
                .hasMessageContaining("BEACON_EMERGENCY_EVENTS_API_VERSION");
        Map<String, String> env = new HashMap<>(Map.of("BEACON_JDBC_URL", "jdbc:postgresql://db/beacon",
                "BEACON_JDBC_USER", "beacon", "BEACON_JDBC_PASSWORD", "pw", "BEACON_ADMIN_AUTH", "disabled",
                EmergencyEventsApi.SETTING, "gamma"));
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(env).validateForService())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEACON_EMERGENCY_EVENTS_API_VERSION must be 'beta' or 'v1.0'")
                .hasMessageNotContaining("gamma");
    }

    @Test
    void policyNamesAreQuoteEscapedAndParsedBack() {
        assertThat(EmergencyEventResources.resource(QUOTED_POLICY)).isEqualTo(QUOTED_RESOURCE);
        assertThat(EmergencyEventResources.policyOf(QUOTED_RESOURCE)).contains(QUOTED_POLICY);
        assertThat(EmergencyEventResources.policyOf("/chats/getAllMessages")).isEmpty();
        assertThatThrownBy(() -> EmergencyEventResources.resource(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- direct Graph calls (someone else's subscription, Graph's refusals) ----

    String createBody(String resource, String changeType, boolean rich, Instant expires, String url) {
        var b = JSON.createObjectNode().put("changeType", changeType).put("notificationUrl", url)
                .put("lifecycleNotificationUrl", url).put("resource", resource)
                .put("expirationDateTime", expires.toString()).put("clientState", "someone-elses-state")
                .put("includeResourceData", rich);
        if (rich) {
            b.put("encryptionCertificate", rig.base.certificates.current(APP_ONLY).base64()).put("encryptionCertificateId", "theirs");
        }
        return b.toString();
    }

    HttpResponse<String> post(String path, String token, String body) {
        return send("POST", path, token, body);
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rig.base.emulator.baseUri()
                            + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
