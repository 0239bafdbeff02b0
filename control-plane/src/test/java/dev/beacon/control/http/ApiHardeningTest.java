package dev.beacon.control.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.ops.Readiness;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Probes answer HEAD, every body field is bounded and checked, answers carry the server's clock, actions are logged. */
class ApiHardeningTest {

    static final String TOKEN = "admin-token-0123456789abcdef";
    static final String AUTH = "Bearer " + TOKEN;
    static final String GUID = "c0ffee00-0000-4000-8000-000000000001";
    static final ObjectMapper JSON = ApiJson.mapper();

    private final HttpClient client = HttpClient.newHttpClient();
    private RecordingOperations ops;
    private ControlPlaneHttp http;

    @BeforeEach
    void start() {
        ops = new RecordingOperations();
        var metrics = new ControlPlaneMetrics(ops::status, new MutableClock(RecordingOperations.NOW),
                Duration.ofSeconds(5));
        http = new ControlPlaneHttp(ops, metrics, AdminAuth.token(TOKEN)).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void probesAnswerHeadWithoutToken() throws Exception {
        HttpResponse<String> health = send("HEAD", "/healthz", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEmpty();
        assertThat(send("HEAD", "/readyz", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        ops.readiness = new Readiness(false, List.of("database unreachable"));
        assertThat(send("HEAD", "/readyz", null, null).statusCode()).isEqualTo(503);
        assertThat(send("GET", "/readyz", null, null).statusCode()).isEqualTo(503);
        // the admin API stays closed to HEAD without the token
        assertThat(send("HEAD", "/api/status", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void everyFieldOfANewIntegrationIsCheckedAndNamedIn400() throws Exception {
        String ok = "\"id\":\"fabrikam\",\"tenantId\":\"fabrikam.onmicrosoft.com\",\"clientId\":\"" + GUID
                + "\",\"authMode\":\"device-code\"";
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{" + ok.replace("fabrikam\",\"tenant", "Fab Rikam\",\"tenant") + "}",
                "id must be lower-case letters, digits and '-', 1 to 63 characters, starting with a letter or digit");
        bodies.put("{" + ok + ",\"displayName\":\"" + "x".repeat(201) + "\"}",
                "displayName is longer than 200 characters");
        bodies.put("{" + ok + ",\"displayName\":\"line\\nforged\"}", "displayName must not contain control characters");
        bodies.put("{" + ok.replace("fabrikam.onmicrosoft.com", "contoso/../x") + "}",
                "tenantId must be a tenant GUID or a verified domain such as contoso.onmicrosoft.com");
        bodies.put("{" + ok.replace("fabrikam.onmicrosoft.com", "t") + "}",
                "tenantId must be a tenant GUID or a verified domain such as contoso.onmicrosoft.com");
        bodies.put("{" + ok.replace("fabrikam.onmicrosoft.com", "") + "}", "tenantId is required");
        bodies.put("{" + ok.replace(GUID, "app-1") + "}",
                "clientId must be a GUID (the app registration's application id)");
        bodies.put("{" + ok.replace("device-code", "password") + "}",
                "authMode must be one of device-code, auth-code, client-credentials");
        bodies.put("{" + ok + ",\"credentialKind\":\"pem\"}", "credentialKind must be one of secret, certificate");
        bodies.put("{" + ok + ",\"credentialPassword\":\"" + "p".repeat(1025) + "\"}",
                "credentialPassword is longer than 1024 characters");
        bodies.put("{" + ok + ",\"subscriptions\":[{\"resource\":\"" + "r".repeat(1001) + "\","
                + "\"notificationUrl\":\"ingress\"}]}", "subscriptions[0].resource is longer than 1000 characters");
        bodies.put("{" + ok + ",\"subscriptions\":[{\"notificationUrl\":\"ftp://example.com/x\"}]}",
                "subscriptions[0].notificationUrl must be an http(s) URL, EventHub:https://… or 'ingress'");
        bodies.put("{" + ok + ",\"subscriptions\":[{\"notificationUrl\":\"ingress\","
                + "\"lifecycleNotificationUrl\":\"not a url\"}]}",
                "subscriptions[0].lifecycleNotificationUrl must be an http(s) URL, EventHub:https://… or 'ingress'");
        bodies.put("{" + ok + ",\"subscriptions\":[{\"notificationUrl\":\"ingress\",\"changeTypes\":\"created;drop\"}]}",
                "subscriptions[0].changeTypes must be a comma-separated list such as created,updated");
        bodies.put("{" + ok + ",\"subscriptions\":[{\"notificationUrl\":\"ingress\",\"lifetimeMinutes\":5}]}",
                "subscriptions[0].lifetimeMinutes must be 45..4320");
        bodies.put("{" + ok + ",\"emergencyPolicies\":[\"" + "p".repeat(257) + "\"]}",
                "emergencyPolicies[0] is longer than 256 characters");
        for (var e : bodies.entrySet()) {
            HttpResponse<String> r = send("POST", "/api/integrations", e.getKey(), AUTH);
            assertThat(r.statusCode()).as(e.getValue()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo(e.getValue());
        }
        assertThat(ops.added).as("nothing invalid reached the operations").isEmpty();

        HttpResponse<String> r = send("POST", "/api/integrations", "{" + ok
                + ",\"displayName\":\"Fabrikam security desk\"}", AUTH);
        assertThat(r.statusCode()).isEqualTo(201);
        r = send("POST", "/api/integrations", "{\"id\":\"tailspin\",\"tenantId\":\"" + GUID + "\",\"clientId\":\""
                + GUID + "\",\"authMode\":\"device-code\"}", AUTH);
        assertThat(r.statusCode()).as("a tenant GUID is fine").isEqualTo(201);
        assertThat(send("PUT", "/api/integrations/contoso/emergency-policies",
                "{\"policies\":[\"" + "p".repeat(257) + "\"]}", AUTH).body())
                .isEqualTo("{\"error\":\"policies[0] is longer than 256 characters\"}");
    }

    @Test
    void oversizedBodiesAreRefusedBeforeParsing() throws Exception {
        // the measured defect: a 900 KB displayName was accepted and /api/status grew to 1 MB
        String body = "{\"id\":\"big\",\"tenantId\":\"contoso.com\",\"clientId\":\"" + GUID
                + "\",\"authMode\":\"device-code\",\"displayName\":\"" + "x".repeat(900_000) + "\"}";
        HttpResponse<String> r = send("POST", "/api/integrations", body, AUTH);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(ops.added).isEmpty();
        assertThat(send("GET", "/api/status", null, AUTH).body().length()).isLessThan(20_000);
    }

    @Test
    void pathIdsAreCheckedAndNamed() throws Exception {
        HttpResponse<String> r = send("GET", "/api/integrations/Bad%20Id", null, AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("integration id must be lower-case");
        r = send("DELETE", "/api/subscriptions/sub%3Bx", null, AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("subscription id must be");
        r = send("GET", "/api/subscriptions?integration=a%2Fb", null, AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("integration must be lower-case");
        assertThat(ops.calls).isEmpty();
    }

    @Test
    void everyAnswerCarriesTheServerClock() throws Exception {
        ops.serverNow = Instant.parse("2027-01-02T03:04:05Z");
        for (String path : List.of("/api/status", "/api/subscriptions", "/healthz")) {
            assertThat(send("GET", path, null, AUTH).headers().firstValue(ControlPlaneHttp.SERVER_TIME_HEADER))
                    .as(path).contains("2027-01-02T03:04:05Z");
        }
    }

    @Test
    void everyManualActionIsLoggedWithActionIntegrationAndActor() throws Exception {
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            send("POST", "/api/integrations", "{\"id\":\"fabrikam\",\"tenantId\":\"contoso.com\",\"clientId\":\""
                    + GUID + "\",\"authMode\":\"device-code\"}", AUTH);
            send("POST", "/api/integrations/contoso/login", "", AUTH);
            send("POST", "/api/subscriptions/sub-1/renew", "", AUTH);
            send("DELETE", "/api/subscriptions/sub-2", null, AUTH);
            send("POST", "/api/integrations/contoso/certificates/rotate", "", AUTH);
            send("POST", "/api/integrations/contoso/backfill", "", AUTH);
            send("POST", "/api/integrations/contoso/directory-sync", "", AUTH);
            send("DELETE", "/api/integrations/fabrikam", null, AUTH);
            String logger = "INFO dev.beacon.control.audit.ManualAction - ";
            assertThat(logs.lines().stream().filter(l -> l.startsWith(logger)).toList()).containsExactly(
                    logger + "manual action: integrations add integration=fabrikam actor=admin token "
                            + "(auth device-code)",
                    logger + "manual action: login started integration=contoso actor=admin token (pending)",
                    logger + "manual action: subscriptions renew integration=contoso actor=admin token "
                            + "(subscription sub-1)",
                    logger + "manual action: subscriptions delete integration=contoso actor=admin token "
                            + "(subscription sub-2)",
                    logger + "manual action: certs rotate integration=contoso actor=admin token",
                    logger + "manual action: backfill integration=contoso actor=admin token (requested)",
                    logger + "manual action: directory sync integration=contoso actor=admin token (requested)",
                    logger + "manual action: integrations remove integration=fabrikam actor=admin token");
            assertThat(logs.text()).as("a device code's user code is never logged").doesNotContain("ABCD-EFGH");
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
