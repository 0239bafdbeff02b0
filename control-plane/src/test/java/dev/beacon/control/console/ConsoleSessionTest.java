package dev.beacon.control.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ApiJson;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.http.RecordingOperations;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's session flow over real HTTP (Javalin, the control plane's HTTP surface) on a real PostgreSQL: the
 * page and its Content-Security-Policy, sign-in with the admin token, the cookie's flags, 401 without a session,
 * the CSRF header on changes, logout and expiry, and the admin bearer API working as before.
 */
class ConsoleSessionTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final String TOKEN = "admin-token-0123456789abcdef";
    static final ObjectMapper JSON = ApiJson.mapper();
    static Database db;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final MutableClock wallClock = new MutableClock(Instant.parse("2026-11-28T00:00:00Z"));
    private RecordingOperations ops;
    private ControlPlaneHttp http;

    @BeforeAll
    static void openDatabase() {
        db = Database.open(PG.jdbcUrl(), PG.user(), PG.password(), 2);
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void start() {
        PG.truncateAll();
        startWith(false);
    }

    private void startWith(boolean alwaysSecure) {
        ops = new RecordingOperations();
        AdminAuth auth = AdminAuth.token(TOKEN);
        ConsoleRoutes console = new ConsoleRoutes(ops, new ConsoleQueries(new Sql(db.dataSource())),
                new ConsoleSessions(wallClock, Duration.ofHours(8), Duration.ofMinutes(30)), auth, alwaysSecure);
        var metrics = new ControlPlaneMetrics(ops::status, new MutableClock(RecordingOperations.NOW),
                Duration.ofSeconds(5));
        http = new ControlPlaneHttp(ops, metrics, auth).withRoutes(console::routes).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void thePageAndItsAssetsAreServedUnderAStrictContentSecurityPolicy() throws Exception {
        for (String[] asset : new String[][] {{"/console", "text/html"}, {"/console/console.js", "text/javascript"},
                {"/console/console.css", "text/css"}}) {
            HttpResponse<String> r = send("GET", asset[0], null, Map.of());
            assertThat(r.statusCode()).as(asset[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith(asset[1]);
            assertThat(r.headers().firstValue("Content-Security-Policy")).contains("default-src 'none'; "
                    + "script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; "
                    + "frame-ancestors 'none'; base-uri 'none'");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(r.body()).as("bundled: nothing from another origin").doesNotContainPattern("https?://");
        }
        String html = send("GET", "/console", null, Map.of()).body();
        assertThat(html).contains("<script src=\"/console/console.js\" defer></script>")
                .doesNotContainPattern("<script>|<script [^s]|\\son[a-z]+=|style=\"|<style");
        assertThat(send("GET", "/console/console.js", null, Map.of()).body()).doesNotContain("innerHTML")
                .doesNotContain("eval(");
    }

    @Test
    void withoutASessionTheConsoleApiAnswers401() throws Exception {
        for (String[] route : new String[][] {{"GET", "/console/api/session"}, {"GET", "/console/api/overview"},
                {"GET", "/console/api/integrations/contoso/sign-in"},
                {"POST", "/console/api/integrations/contoso/sign-in"}, {"DELETE", "/console/session"}}) {
            for (Map<String, String> headers : List.of(Map.<String, String>of(),
                    Map.of("Cookie", ConsoleRoutes.COOKIE + "=made-up-session-id"),
                    Map.of("Authorization", "Bearer wrong-token"))) {
                HttpResponse<String> r = send(route[0], route[1], "", headers);
                assertThat(r.statusCode()).as(route[0] + " " + route[1] + " " + headers).isEqualTo(401);
                assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("unauthorized");
            }
        }
        assertThat(ops.calls).doesNotContain("startLogin contoso", "status");
    }

    @Test
    void signInGivesAnHttpOnlySameSiteStrictSessionCookie() throws Exception {
        HttpResponse<String> refused = signIn("wrong-token");
        assertThat(refused.statusCode()).isEqualTo(303);
        assertThat(refused.headers().firstValue("Location")).contains("/console?signin=refused");
        assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(signIn("").headers().allValues("Set-Cookie")).isEmpty();

        HttpResponse<String> accepted = signIn(TOKEN);
        assertThat(accepted.statusCode()).isEqualTo(303);
        assertThat(accepted.headers().firstValue("Location")).contains("/console");
        List<String> setCookie = accepted.headers().allValues("Set-Cookie");
        assertThat(setCookie).hasSize(1);
        String cookie = setCookie.get(0);
        assertThat(cookie).matches(ConsoleRoutes.COOKIE + "=[A-Za-z0-9_-]{43}; .*")
                .containsIgnoringCase("; HttpOnly").containsIgnoringCase("SameSite=Strict")
                .containsIgnoringCase("Path=/console").containsIgnoringCase("Max-Age=28800")
                .doesNotContainIgnoringCase("Secure;").doesNotContain(TOKEN);
        assertThat(cookie.toLowerCase()).doesNotEndWith("secure");

        Map<String, String> session = Map.of("Cookie", cookieValue(accepted));
        JsonNode s = JSON.readTree(send("GET", "/console/api/session", null, session).body());
        assertThat(s.get("csrfHeader").asText()).isEqualTo(ConsoleSessions.CSRF_HEADER);
        assertThat(s.get("csrfToken").asText()).hasSize(43).isNotEqualTo(cookieValue(accepted).split("=")[1]);
        assertThat(s.get("expiresAt").asText()).isEqualTo("2026-11-28T08:00:00Z");

        HttpResponse<String> overview = send("GET", "/console/api/overview", null, session);
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(overview.body()).at("/integrations/0/id").asText()).isEqualTo("contoso");

        // the cookie is no admin token: the admin API still wants the bearer token
        assertThat(send("GET", "/api/status", null, session).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/status", null, Map.of("Authorization", "Bearer " + TOKEN)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void changesWithTheCookieNeedTheCsrfHeader() throws Exception {
        String cookie = cookieValue(signIn(TOKEN));
        String csrf = JSON.readTree(send("GET", "/console/api/session", null, Map.of("Cookie", cookie)).body())
                .get("csrfToken").asText();
        String path = "/console/api/integrations/contoso/sign-in";

        HttpResponse<String> none = send("POST", path, "", Map.of("Cookie", cookie));
        HttpResponse<String> wrong = send("POST", path, "", Map.of("Cookie", cookie,
                ConsoleSessions.CSRF_HEADER, csrf + "x"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(none.body()).get("error").asText()).contains(ConsoleSessions.CSRF_HEADER);
        assertThat(ops.calls).doesNotContain("startLogin contoso");

        HttpResponse<String> started = send("POST", path, "", Map.of("Cookie", cookie,
                ConsoleSessions.CSRF_HEADER, csrf));
        assertThat(started.statusCode()).isEqualTo(200);
        JsonNode login = JSON.readTree(started.body());
        assertThat(login.get("phase").asText()).isEqualTo("pending");
        assertThat(login.get("userCode").asText()).isEqualTo("ABCD-EFGH");
        assertThat(login.get("verificationUri").asText()).isEqualTo("https://microsoft.com/devicelogin");
        assertThat(ops.calls).contains("startLogin contoso");

        // another session's CSRF token is no good for this one
        String other = cookieValue(signIn(TOKEN));
        String otherCsrf = JSON.readTree(send("GET", "/console/api/session", null, Map.of("Cookie", other)).body())
                .get("csrfToken").asText();
        assertThat(send("POST", path, "", Map.of("Cookie", cookie, ConsoleSessions.CSRF_HEADER, otherCsrf))
                .statusCode()).isEqualTo(403);

        // the bearer token (no cookie, so nothing a browser sends by itself) needs no CSRF header
        assertThat(send("POST", path, "", Map.of("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/console/api/integrations/nobody/sign-in", "", Map.of("Cookie", cookie,
                ConsoleSessions.CSRF_HEADER, csrf)).statusCode()).isEqualTo(404);
    }

    @Test
    void logoutEndsTheSessionAndClearsTheCookie() throws Exception {
        String cookie = cookieValue(signIn(TOKEN));
        String csrf = JSON.readTree(send("GET", "/console/api/session", null, Map.of("Cookie", cookie)).body())
                .get("csrfToken").asText();
        assertThat(send("DELETE", "/console/session", null, Map.of("Cookie", cookie)).statusCode()).isEqualTo(403);

        HttpResponse<String> out = send("DELETE", "/console/session", null, Map.of("Cookie", cookie,
                ConsoleSessions.CSRF_HEADER, csrf));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().allValues("Set-Cookie")).singleElement().asString()
                .startsWith(ConsoleRoutes.COOKIE + "=;").contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        assertThat(send("GET", "/console/api/overview", null, Map.of("Cookie", cookie)).statusCode())
                .isEqualTo(401);
    }

    @Test
    void sessionsExpireWhenIdleAndAfterTheirLifetime() throws Exception {
        String cookie = cookieValue(signIn(TOKEN));
        wallClock.advance(Duration.ofMinutes(29));
        assertThat(send("GET", "/console/api/overview", null, Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        wallClock.advance(Duration.ofMinutes(31));
        assertThat(send("GET", "/console/api/overview", null, Map.of("Cookie", cookie)).statusCode()).isEqualTo(401);

        String busy = cookieValue(signIn(TOKEN));
        for (int i = 0; i < 8 * 3; i++) { // used every 20 minutes: never idle, but 8 hours is the limit
            wallClock.advance(Duration.ofMinutes(20));
            int status = send("GET", "/console/api/overview", null, Map.of("Cookie", busy)).statusCode();
            assertThat(status).as("after %d minutes", (i + 1) * 20).isEqualTo(i + 1 < 24 ? 200 : 401);
        }
    }

    @Test
    void theCookieIsSecureWhenThePublicUrlIsHttps() throws Exception {
        http.close();
        startWith(true);
        assertThat(signIn(TOKEN).headers().firstValue("Set-Cookie")).get().asString()
                .containsIgnoringCase("; Secure").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
    }

    @Test
    void theOverviewCountsDeadLettersByReasonWithoutPayloadsAndCountsDownOnServerTime() throws Exception {
        Instant now = RecordingOperations.NOW;
        deadLetter(1, "undecryptable", now.minus(Duration.ofHours(1)));
        deadLetter(2, "undecryptable", now.minus(Duration.ofHours(30)));
        deadLetter(3, "bad-signature", now.minus(Duration.ofMinutes(5)));
        PG.execute("INSERT INTO emergency_call (fact_id, tenant_id, caller_user_id, caller_display_name, "
                + "dialed_number, is_test_call, location_text, call_started_at, detected_at, updated_at, "
                + "notification_count, revision, sources, message_refs) VALUES "
                + "('00000000-0000-4000-8000-000000000001', 't', 'u-1', 'Megan Bowen', '911', true, "
                + "'Building 4, floor 2', ?, ?, ?, 1, 1, ARRAY['chat'], '[]'::jsonb)",
                java.sql.Timestamp.from(now), java.sql.Timestamp.from(now), java.sql.Timestamp.from(now));

        String cookie = cookieValue(signIn(TOKEN));
        HttpResponse<String> r = send("GET", "/console/api/overview", null, Map.of("Cookie", cookie));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("RAW-PAYLOAD").doesNotContain("DETAIL-TEXT");
        JsonNode o = JSON.readTree(r.body());
        assertThat(o.get("serverTime").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(o.at("/deadLetters/byReason").toString()).isEqualTo("[{\"reason\":\"undecryptable\","
                + "\"last24h\":1,\"total\":2,\"lastAt\":\"2026-11-22T09:00:00Z\"},{\"reason\":\"bad-signature\","
                + "\"last24h\":1,\"total\":1,\"lastAt\":\"2026-11-22T09:55:00Z\"}]");
        assertThat(o.at("/deadLetters/last24h").asLong()).isEqualTo(2);
        assertThat(o.at("/deadLetters/total").asLong()).isEqualTo(3);
        // sub-1 expires at NOW + 35 h 12 min; the access token at NOW + 3000 s; refreshed a day ago (89 days left)
        assertThat(o.at("/subscriptions/0/remainingSeconds").asLong()).isEqualTo(35 * 3600 + 720);
        assertThat(o.at("/subscriptions/0/renewalCount").asInt()).isEqualTo(3);
        assertThat(o.at("/tokens/0/accessRemainingSeconds").asLong()).isEqualTo(3000);
        assertThat(o.at("/tokens/0/refreshRemainingSeconds").asLong()).isEqualTo(89L * 86400);
        assertThat(o.at("/integrations/0/signIn/phase").asText()).isEqualTo("none");
        JsonNode fact = o.at("/facts/0");
        assertThat(fact.get("callerName").asText()).isEqualTo("Megan Bowen");
        assertThat(fact.get("dialedNumber").asText()).isEqualTo("911");
        assertThat(fact.get("location").asText()).isEqualTo("Building 4, floor 2");
        assertThat(fact.get("testCall").asBoolean()).isTrue();
        assertThat(fact.get("sources").toString()).isEqualTo("[\"chat\"]");
        assertThat(fact.get("startedAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
    }

    private static void deadLetter(int offset, String reason, Instant at) {
        PG.execute("INSERT INTO dead_letter (source, source_partition, source_offset, item_index, reason, detail, "
                + "raw, failed_at) VALUES ('graph-notifications', 0, ?, 0, ?, 'DETAIL-TEXT', 'RAW-PAYLOAD', ?)",
                (long) offset, reason, java.sql.Timestamp.from(at));
    }

    private HttpResponse<String> signIn(String token) throws Exception {
        return send("POST", "/console/session", "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    /** {@code name=value} of the response's session cookie, as a browser sends it back. */
    private static String cookieValue(HttpResponse<String> r) {
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        List<String> flat = new ArrayList<>();
        headers.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        if (!flat.isEmpty()) {
            b.headers(flat.toArray(String[]::new));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
