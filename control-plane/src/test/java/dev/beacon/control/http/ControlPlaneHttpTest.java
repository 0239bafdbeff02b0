package dev.beacon.control.http;

import static dev.beacon.control.http.RecordingOperations.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlPlaneHttpTest {

    static final String TOKEN = "admin-token-0123456789abcdef";
    static final ObjectMapper JSON = ApiJson.mapper();

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
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

    /** Every admin route, with the status it answers when authorized. */
    static final List<Object[]> ADMIN_ROUTES = List.of(
            new Object[] {"GET", "/api/status", null, 200},
            new Object[] {"GET", "/api/integrations", null, 200},
            new Object[] {"POST", "/api/integrations", "{\"id\":\"fabrikam\",\"tenantId\":\"contoso.com\",\"clientId\":\"c0ffee00-0000-4000-8000-000000000001\","
                    + "\"authMode\":\"device-code\"}", 201},
            new Object[] {"GET", "/api/integrations/contoso", null, 200},
            new Object[] {"POST", "/api/integrations/contoso/login", "", 200},
            new Object[] {"GET", "/api/integrations/contoso/login", null, 200},
            new Object[] {"POST", "/api/integrations/contoso/certificates/rotate", "", 200},
            new Object[] {"POST", "/api/integrations/contoso/backfill", "", 202},
            new Object[] {"POST", "/api/integrations/contoso/directory-sync", "", 202},
            new Object[] {"GET", "/api/subscriptions", null, 200},
            new Object[] {"GET", "/api/subscriptions?integration=contoso", null, 200},
            new Object[] {"POST", "/api/subscriptions/sub-1/renew", "", 200},
            new Object[] {"DELETE", "/api/subscriptions/sub-2", null, 204},
            new Object[] {"GET", "/api/org/contoso/ms-teams/connect", null, 302},
            new Object[] {"DELETE", "/api/integrations/contoso", null, 204});

    @Test
    void everyAdminRouteNeedsTheToken() throws Exception {
        for (Object[] route : ADMIN_ROUTES) {
            String method = (String) route[0];
            String path = (String) route[1];
            String body = (String) route[2];
            for (String authorization : new String[] {null, "Bearer wrong-token", "Basic " + TOKEN, TOKEN,
                    "Bearer " + TOKEN + "x"}) {
                HttpResponse<String> r = send(method, path, body, authorization);
                assertThat(r.statusCode()).as(method + " " + path + " with " + authorization).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
            }
            assertThat(ops.calls).as("no operation ran unauthenticated").isEmpty();
        }
        for (Object[] route : ADMIN_ROUTES) {
            HttpResponse<String> r = send((String) route[0], (String) route[1], (String) route[2], "Bearer " + TOKEN);
            assertThat(r.statusCode()).as(route[0] + " " + route[1]).isEqualTo((int) route[3]);
            assertThat(r.body()).doesNotContain(TOKEN);
        }
        assertThat(ops.calls).contains("status", "listIntegrations", "addIntegration fabrikam",
                "startLogin contoso", "startDeviceCodeLogin contoso", "loginState contoso", "rotateCertificates contoso", "requestBackfill contoso",
                "requestDirectorySync contoso",
                "listSubscriptions null", "listSubscriptions contoso", "renewSubscription sub-1",
                "deleteSubscription sub-2", "authorizationUrl contoso", "removeIntegration contoso");
    }

    @Test
    void probesMetricsAndCallbackAreOpen() throws Exception {
        HttpResponse<String> health = send("GET", "/healthz", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");

        HttpResponse<String> ready = send("GET", "/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(ready.body(), Readiness.class)).isEqualTo(new Readiness(true, List.of()));
        ops.readiness = new Readiness(false, List.of("database unreachable"));
        ready = send("GET", "/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readValue(ready.body(), Readiness.class))
                .isEqualTo(new Readiness(false, List.of("database unreachable")));

        HttpResponse<String> metrics = send("GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).get().asString()
                .startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("beacon_leader{integration=\"contoso\"} 1.0");

        HttpResponse<String> callback = send("GET", "/api/org/contoso/ms-teams/callback?code=abc&state="
                + RecordingOperations.AUTH_STATE, null, null);
        assertThat(callback.statusCode()).isEqualTo(200);
        assertThat(callback.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(callback.body()).contains("signed in as svc-beacon@contoso.com");
        assertThat(ops.calls).contains("completeAuthorization contoso");
    }

    @Test
    void statusIsJsonWithIsoInstants() throws Exception {
        HttpResponse<String> r = send("GET", "/api/status", null, "Bearer " + TOKEN);
        JsonNode n = JSON.readTree(r.body());
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(n.get("generatedAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(n.get("replicaId").asText()).isEqualTo("replica-a");
        assertThat(n.at("/subscriptions/0/expiresAt").asText()).isEqualTo("2026-11-23T21:12:00Z");
        assertThat(n.at("/openGaps/0/gapId").asLong()).isEqualTo(7);
        assertThat(n.get("hydration")).isEqualTo(JSON.readTree("{\"running\":true,\"concurrency\":8,"
                + "\"partitions\":[0,2],\"done\":1200,\"published\":1190,\"deleted\":4,\"deadLettered\":6,"
                + "\"retries\":3,\"lag\":57,\"inFlight\":5,\"waiting\":1,"
                + "\"lastFailure\":\"GRAPH_THROTTLED: Graph answered 503\",\"lastFailureAt\":\"2026-11-22T09:59:48Z\"}"));
    }

    @Test
    void connectRedirectsToEntra() throws Exception {
        HttpResponse<String> r = send("GET", "/api/org/contoso/ms-teams/connect", null, "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("https://login.microsoftonline.com/tenant-contoso"
                + "/oauth2/v2.0/authorize?client_id=client-contoso&response_type=code&state=state-123");
        assertThat(send("GET", "/api/org/nobody/ms-teams/connect", null, "Bearer " + TOKEN).statusCode())
                .isEqualTo(404);
    }

    @Test
    void callbackErrorsAreSmallEscapedPages() throws Exception {
        HttpResponse<String> r = send("GET", "/api/org/contoso/ms-teams/callback?error=access_denied"
                + "&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E+The+user+declined", null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("access_denied").contains("&lt;script&gt;alert(1)&lt;/script&gt; The user "
                + "declined").doesNotContain("<script>");

        r = send("GET", "/api/org/contoso/ms-teams/callback?code=abc&state=forged", null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown or expired sign-in state");

        r = send("GET", "/api/org/contoso/ms-teams/callback?state=x", null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("missing its code or state");

        r = send("GET", "/api/org/contoso/ms-teams/callback?code=explode&state=" + RecordingOperations.AUTH_STATE,
                null, null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("Internal error").doesNotContain(SECRET).doesNotContain("token endpoint");
    }

    @Test
    void connectOpensWithATicketInsteadOfTheAdminToken() throws Exception {
        HttpResponse<String> r = send("GET", "/api/org/contoso/ms-teams/connect?ticket="
                + RecordingOperations.GOOD_TICKET, null, null);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("https://login.microsoftonline.com/tenant-contoso"
                + "/oauth2/v2.0/authorize?client_id=client-contoso&response_type=code&state=state-123");

        r = send("GET", "/api/org/contoso/ms-teams/connect?ticket=v1.reused.mac", null, null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("<h1>Sign-in link refused</h1>")
                .contains("This sign-in link was already used; a link works once. Run &#39;beaconctl login "
                        + "contoso&#39; for a new link.");
        assertThat(ops.calls).containsExactly("authorizationUrlWithTicket contoso", "authorizationUrl contoso",
                "authorizationUrlWithTicket contoso");

        r = send("GET", "/api/org/contoso/ms-teams/connect", null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        r = send("GET", "/api/org/nobody/ms-teams/connect?ticket=x", null, null);
        assertThat(r.statusCode()).isEqualTo(403); // no 404: a ticket does not tell which integrations exist
        assertThat(r.body()).contains("This sign-in link is not valid. Run &#39;beaconctl login "
                + "&lt;integration&gt;&#39; for a new link.");
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void callbackAcceptsEntrasFormPost() throws Exception {
        HttpResponse<String> r = postForm("/api/org/contoso/ms-teams/callback",
                "code=abc&state=" + RecordingOperations.AUTH_STATE + "&session_state=s1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<h1>Signed in</h1>").contains("svc-beacon@contoso.com");
        assertThat(ops.calls).contains("completeAuthorization contoso");

        r = postForm("/api/org/contoso/ms-teams/callback", "code=abc&state=forged");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown or expired sign-in state");

        r = postForm("/api/org/contoso/ms-teams/callback", "error=access_denied&error_description=declined&state=x");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Microsoft Entra answered: access_denied");
        assertThat(ops.calls).contains("authorizationDenied contoso access_denied");
    }

    @Test
    void requestValuesCannotForgeLogLines() throws Exception {
        String forged = "INFO dev.beacon.control.ControlPlane - integration contoso: signed in as admin";
        String crlf = "%0D%0A" + java.net.URLEncoder.encode(forged, java.nio.charset.StandardCharsets.UTF_8);
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            HttpResponse<String> r = send("GET", "/api/org/contoso/ms-teams/callback?error=access_denied" + crlf
                    + "&error_description=x" + crlf + "&state=s" + crlf, null, null);
            assertThat(r.statusCode()).isEqualTo(400);
            r = postForm("/api/org/contoso/ms-teams/callback", "error=e" + crlf + "%C2%85%E2%80%A8&state=s" + crlf);
            assertThat(r.statusCode()).isEqualTo(400);
            r = send("GET", "/api/org/bad" + "%0D%0A" + "x/ms-teams/callback?error=e", null, null);
            assertThat(r.statusCode()).isEqualTo(400);

            List<String> lines = logs.lines().stream().flatMap(l -> l.lines()).toList();
            assertThat(lines).noneMatch(l -> l.startsWith("INFO dev.beacon.control.ControlPlane"));
            // Beacon's own lines hold no raw line breaks (Jetty's DEBUG header dumps have CRLF of their own)
            assertThat(logs.lines()).filteredOn(l -> l.matches("(?s)\\w+ dev\\.beacon\\..*"))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l).doesNotContain("\r", "\n", "\u2028", "\u0085"));
            assertThat(logs.text()).contains("refused by Entra: access_denied\\r\\nINFO dev.beacon.control.ControlPlane - "
                            + "integration contoso: signed in as admin")
                    .contains("refused by Entra: e\\r\\nINFO").contains("\\u0085\\u2028")
                    .contains("auth-code sign-in for bad\\r\\nx refused");
            assertThat(lines.stream().filter(l -> l.contains("refused by Entra")).count()).isEqualTo(3);
        }
    }

    @Test
    void errorsMapTo400And404And500WithoutLeaking() throws Exception {
        String auth = "Bearer " + TOKEN;
        // 400: invalid input, checked before the operations run; the message names the field
        HttpResponse<String> r = send("POST", "/api/integrations", "{\"id\":\"Not A Slug\",\"tenantId\":\"t\","
                + "\"clientId\":\"c\",\"authMode\":\"device-code\",\"credential\":\"" + SECRET + "\"}", auth);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("id must be lower-case letters, digits and '-', 1 to 63 characters, starting with a letter or digit");
        assertThat(r.body()).doesNotContain(SECRET);

        // 400: broken JSON holding a secret; Jackson's message would quote it, ours does not.
        r = send("POST", "/api/integrations", "{\"id\":\"x\",\"credential\": " + SECRET + "}", auth);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText())
                .startsWith("the request body is not valid JSON for NewIntegration (line 1, column");
        assertThat(r.body()).doesNotContain(SECRET);

        r = send("POST", "/api/integrations", "{\"id\":\"x\",\"clientSecret\":\"" + SECRET + "\"}", auth);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText())
                .isEqualTo("the request body has an unknown field 'clientSecret'");

        // 404: unknown integration or subscription.
        for (String[] route : new String[][] {{"GET", "/api/integrations/nobody"},
                {"DELETE", "/api/integrations/nobody"}, {"POST", "/api/integrations/nobody/login"},
                {"GET", "/api/integrations/nobody/login"}, {"POST", "/api/integrations/nobody/certificates/rotate"},
                {"POST", "/api/integrations/nobody/backfill"}, {"POST", "/api/integrations/nobody/directory-sync"},
                {"POST", "/api/subscriptions/sub-404/renew"}, {"DELETE", "/api/subscriptions/sub-404"},
                {"GET", "/api/no-such-route"}}) {
            r = send(route[0], route[1], "", auth);
            assertThat(r.statusCode()).as(route[0] + " " + route[1]).isEqualTo(404);
        }
        assertThat(JSON.readTree(send("GET", "/api/integrations/nobody", null, auth).body()).get("error").asText())
                .isEqualTo("no integration 'nobody'");

        // 500: generic message and an id, no secret, no stack trace.
        r = send("GET", "/api/subscriptions?integration=explode", null, auth);
        assertThat(r.statusCode()).isEqualTo(500);
        JsonNode err = JSON.readTree(r.body());
        assertThat(err.get("error").asText()).isEqualTo("internal error; the server log has details under this id");
        assertThat(err.get("errorId").asText()).matches("[0-9a-f-]{36}");
        assertThat(r.body()).doesNotContain(SECRET).doesNotContain("postgres").doesNotContain("Exception");
    }

    @Test
    void addIntegrationPassesTheCredentialButNeverReturnsIt() throws Exception {
        HttpResponse<String> r = send("POST", "/api/integrations", "{\"id\":\"fabrikam\",\"tenantId\":\"contoso.com\","
                + "\"clientId\":\"c0ffee00-0000-4000-8000-000000000001\",\"authMode\":\"client-credentials\",\"credentialKind\":\"secret\","
                + "\"credential\":\"" + SECRET + "\"}", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(ops.added).singleElement().satisfies(n -> assertThat(n.credential()).isEqualTo(SECRET));
        assertThat(r.body()).doesNotContain(SECRET);
        assertThat(JSON.readTree(r.body()).get("id").asText()).isEqualTo("fabrikam");
    }

    private HttpResponse<String> postForm(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
