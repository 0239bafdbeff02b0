package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.KafkaFixture;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook ingress end to end: real HTTP over loopback, a real in-process Kafka broker, validation tokens signed
 * by a test RSA key and published as a JWKS by a loopback server.
 */
class IngressWebhookTest {

    static final String CLIENT_STATE = "cs-secret-" + UUID.randomUUID();
    static final String OLD_CLIENT_STATE = "cs-retired-" + UUID.randomUUID();

    static KafkaFixture kafka;
    static RSAKey key1 = TestJwks.newKey("kid-1");
    static RSAKey key2 = TestJwks.newKey("kid-2");
    static TestJwks jwks;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = KafkaFixture.start();
        jwks = new TestJwks(key1);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        jwks.close();
        kafka.close();
    }

    @AfterEach
    void closeIngresses() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    /** An ingress on a fresh topic (created unless {@code createTopic} is false). */
    Rig rig(boolean createTopic, UnaryOperator<Map<String, String>> env) {
        String topic = "teams-events-" + UUID.randomUUID();
        if (createTopic) {
            kafka.createTopic(topic, 2);
        }
        Map<String, String> e = IngressEnv.loopback(jwks, kafka.bootstrapServers(),
                CLIENT_STATE + "," + OLD_CLIENT_STATE);
        e.put("BEACON_INGRESS_TOPIC", topic);
        e.put("BEACON_INGRESS_APP_IDS", "00000000-0000-0000-0000-000000000001," + TestJwks.APP_ID);
        e.put("BEACON_INGRESS_MAX_BODY", "65536");
        IngressService service = IngressService.start(IngressSettings.fromEnv(env.apply(e)));
        closeAfter.add(service);
        return new Rig(topic, URI.create("http://127.0.0.1:" + service.port()));
    }

    Rig rig() {
        return rig(true, UnaryOperator.identity());
    }

    record Rig(String topic, URI base) {
        URI graph(String integration) {
            return base.resolve("/webhooks/graph/" + integration);
        }
    }

    HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    List<ConsumerRecord<byte[], byte[]>> records(Rig rig) {
        return kafka.readAll(rig.topic(), false);
    }

    static String item(String clientState, boolean rich) {
        return "{\"subscriptionId\":\"sub-1\",\"changeType\":\"created\",\"clientState\":\"" + clientState + "\","
                + "\"tenantId\":\"" + TestJwks.TENANT + "\",\"resource\":\"chats('19:a')/messages('1')\""
                + (rich ? ",\"encryptedContent\":{\"data\":\"ZGF0YQ==\",\"dataKey\":\"a2V5\",\"dataSignature\":"
                        + "\"c2ln\",\"encryptionCertificateId\":\"c1\",\"encryptionCertificateThumbprint\":\"T\"}"
                        : "")
                + "}";
    }

    static String collection(List<String> items, List<String> tokens) {
        String value = "{\"value\":[" + String.join(",", items) + "]";
        if (tokens != null) {
            value += ",\"validationTokens\":[" + String.join(",", tokens.stream().map(t -> "\"" + t + "\"").toList())
                    + "]";
        }
        return value + "}";
    }

    static String richWith(String token) {
        return collection(List.of(item(CLIENT_STATE, true)), List.of(token));
    }

    // ---- tests ----

    @Test
    void startedBeforeTheFirstExportItAnswers503UntilAClientStateAppears() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ingress-export");
        java.nio.file.Path file = dir.resolve("client-states");
        Rig rig = rig(true, e -> {
            e.remove("BEACON_CLIENT_STATE");
            e.put("BEACON_CLIENT_STATE_FILE", file.toString());
            return e;
        });
        String body = collection(List.of(item(CLIENT_STATE, false)), null);

        HttpResponse<String> before = post(rig.graph("contoso"), body);
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.headers().firstValue("Retry-After")).contains("5");

        dev.beacon.contracts.secrets.JobSecretsLayout.writeLines(file, List.of(CLIENT_STATE));
        Instant deadline = Instant.now().plusSeconds(10);
        int status;
        do {
            Thread.sleep(200);
            status = post(rig.graph("contoso"), body).statusCode();
        } while (status == 503 && Instant.now().isBefore(deadline));
        assertThat(status).isEqualTo(202);
        assertThat(records(rig)).hasSize(1);
        assertThat(post(rig.graph("contoso"), collection(List.of(item("forged", false)), null)).statusCode())
                .isEqualTo(403);
    }

    @Test
    void handshakeAnswersTheDecodedTokenExactly() throws Exception {
        Rig rig = rig();
        String token = "Validation: Token+with/slash&amp=1 ü";
        for (String path : List.of("/webhooks/graph/contoso", "/webhooks/graph/contoso/lifecycle")) {
            URI uri = rig.base().resolve(path + "?validationToken="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                    assertThat(ct).startsWith("text/plain"));
            assertThat(r.body()).isEqualTo(token.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(records(rig)).isEmpty();
    }

    @Test
    void aValidNotificationIsForwardedOnceWithItsExactBody() throws Exception {
        Rig rig = rig();
        String body = collection(List.of(item(CLIENT_STATE, false), item(OLD_CLIENT_STATE, false)), null);
        HttpResponse<String> r = post(rig.graph("contoso"), body);
        assertThat(r.statusCode()).isEqualTo(202);
        var recs = records(rig);
        assertThat(recs).hasSize(1);
        assertThat(recs.get(0).value()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(recs.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("sub-1");
        assertThat(new String(recs.get(0).headers().lastHeader(KafkaForwarder.HEADER_INTEGRATION).value(),
                StandardCharsets.UTF_8)).isEqualTo("contoso");

        String lifecycle = "{\"value\":[{\"subscriptionId\":\"sub-1\",\"lifecycleEvent\":\"reauthorizationRequired\","
                + "\"clientState\":\"" + CLIENT_STATE + "\",\"tenantId\":\"" + TestJwks.TENANT + "\"}]}";
        assertThat(post(rig.graph("contoso/lifecycle"), lifecycle).statusCode()).isEqualTo(202);
        assertThat(records(rig)).hasSize(2);
    }

    @Test
    void aRichNotificationWithValidTokensIsForwarded() throws Exception {
        Rig rig = rig();
        String v1 = TestJwks.sign(key1, TestJwks.claims().build());
        assertThat(post(rig.graph("contoso"), richWith(v1)).statusCode()).isEqualTo(202);
        String v2 = TestJwks.sign(key1, TestJwks.claims()
                .issuer("https://login.microsoftonline.com/" + TestJwks.TENANT + "/v2.0")
                .claim("appid", null).claim("azp", ValidationTokenVerifier.GRAPH_PUBLISHER).build());
        assertThat(post(rig.graph("contoso"), richWith(v2)).statusCode()).isEqualTo(202);
        assertThat(records(rig)).hasSize(2);
    }

    @Test
    void aWrongClientStateRefusesTheWholeDeliveryAndForwardsNothing() throws Exception {
        Rig rig;
        try (CapturedLogs logs = CapturedLogs.atDebug()) {  // every logger at DEBUG, as an operator might set
            rig = rig();
            String wrong = collection(List.of(item(CLIENT_STATE, false), item("not-the-secret", false)), null);
            assertThat(post(rig.graph("contoso"), wrong).statusCode()).isEqualTo(403);
            String missing = "{\"value\":[{\"subscriptionId\":\"sub-1\",\"tenantId\":\"t\"}]}";
            assertThat(post(rig.graph("contoso"), missing).statusCode()).isEqualTo(403);
            String prefix = collection(List.of(item(CLIENT_STATE.substring(0, 10), false)), null);
            assertThat(post(rig.graph("contoso"), prefix).statusCode()).isEqualTo(403);
            assertThat(post(rig.graph("contoso"), "{not json").statusCode()).isEqualTo(400);
            assertThat(post(rig.graph("contoso"), "{\"value\":[]}").statusCode()).isEqualTo(400);
            assertThat(logs.text()).contains("clientState not accepted")
                    .doesNotContain(CLIENT_STATE).doesNotContain("not-the-secret").doesNotContain("chats('19:a')");
        }
        assertThat(records(rig)).isEmpty();
    }

    @Test
    void badValidationTokensAreRefused() throws Exception {
        CapturedLogs logs = CapturedLogs.atDebug();
        Rig rig = rig();
        RSAKey stranger = TestJwks.newKey("kid-1");
        Instant now = Instant.now();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("wrong signature", TestJwks.sign(stranger, TestJwks.claims().build()));
        bad.put("wrong issuer (other tenant)", TestJwks.sign(key1, TestJwks.claims()
                .issuer("https://sts.windows.net/" + UUID.randomUUID() + "/").build()));
        bad.put("wrong issuer (not Microsoft)", TestJwks.sign(key1, TestJwks.claims()
                .issuer("https://evil.example/" + TestJwks.TENANT + "/").build()));
        bad.put("wrong audience", TestJwks.sign(key1, TestJwks.claims().audience("someone-else").build()));
        bad.put("wrong appid", TestJwks.sign(key1, TestJwks.claims().claim("appid", UUID.randomUUID().toString())
                .build()));
        bad.put("wrong azp, no appid", TestJwks.sign(key1, TestJwks.claims().claim("appid", null)
                .claim("azp", UUID.randomUUID().toString()).build()));
        bad.put("expired", TestJwks.sign(key1, TestJwks.claims()
                .expirationTime(Date.from(now.minus(Duration.ofMinutes(10)))).build()));
        bad.put("no expiry", TestJwks.sign(key1, TestJwks.claims().expirationTime(null).build()));
        bad.put("not a JWT", "abc.def");
        try (logs) {
            for (var e : bad.entrySet()) {
                assertThat(post(rig.graph("contoso"), richWith(e.getValue())).statusCode()).as(e.getKey())
                        .isEqualTo(403);
            }
            for (String token : bad.values()) {
                assertThat(logs.text()).doesNotContain(token);
            }
            assertThat(logs.text()).doesNotContain(CLIENT_STATE).contains("refused 403");
        }
        assertThat(post(rig.graph("contoso"), collection(List.of(item(CLIENT_STATE, true)), null)).statusCode())
                .as("rich content without tokens").isEqualTo(403);
        String good = TestJwks.sign(key1, TestJwks.claims().build());
        assertThat(post(rig.graph("contoso"), collection(List.of(item(CLIENT_STATE, true)),
                List.of(good, bad.get("expired")))).statusCode()).as("one bad token among good").isEqualTo(403);
        assertThat(records(rig)).isEmpty();
    }

    @Test
    void anUnknownKeyIdFetchesTheJwksAgain() throws Exception {
        jwks.publish(key1);
        Rig rig = rig(true, e -> {
            e.put("BEACON_INGRESS_JWKS_MIN_REFRESH", "1s");
            return e;
        });
        int before = jwks.fetches();
        assertThat(post(rig.graph("contoso"), richWith(TestJwks.sign(key1, TestJwks.claims().build())))
                .statusCode()).isEqualTo(202);
        assertThat(jwks.fetches()).isEqualTo(before + 1);
        // Cached: a second token with the known key does not download the keys again.
        assertThat(post(rig.graph("contoso"), richWith(TestJwks.sign(key1, TestJwks.claims().build())))
                .statusCode()).isEqualTo(202);
        assertThat(jwks.fetches()).isEqualTo(before + 1);

        jwks.publish(key1, key2);  // Microsoft rotates: a new key appears
        assertThat(post(rig.graph("contoso"), richWith(TestJwks.sign(key2, TestJwks.claims().build())))
                .statusCode()).isEqualTo(202);
        assertThat(jwks.fetches()).isEqualTo(before + 2);

        // A key id nobody publishes: while the download is rate-limited the answer is 503 (it may be a key
        // Microsoft just added; Graph retries), once the keys were fetched again and it is still unknown, 403.
        String unknownKid = richWith(TestJwks.sign(key2, "kid-unknown", TestJwks.claims().build()));
        assertThat(post(rig.graph("contoso"), unknownKid).statusCode()).isEqualTo(503);
        Thread.sleep(1_100);
        assertThat(post(rig.graph("contoso"), unknownKid).statusCode()).isEqualTo(403);
        assertThat(records(rig)).hasSize(3);
        jwks.publish(key1);
    }

    @Test
    void whenKafkaCannotTakeTheRecordTheAnswerIs503AndGraphsRetryIsAccepted() throws Exception {
        Rig rig = rig(false, e -> {
            e.put("BEACON_INGRESS_SEND_TIMEOUT", "1000ms");
            return e;
        });
        String body = collection(List.of(item(CLIENT_STATE, false)), null);
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(rig.graph("contoso"), body);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(ms).as("answered well within Graph's 3 s").isLessThan(2500);

        kafka.createTopic(rig.topic(), 1);  // the broker recovers
        int status = 0;
        for (int i = 0; i < 20 && status != 202; i++) {  // Graph retries
            status = post(rig.graph("contoso"), body).statusCode();
            assertThat(status).isIn(202, 503);
        }
        assertThat(status).isEqualTo(202);
        var recs = records(rig);
        assertThat(recs).isNotEmpty();
        assertThat(recs).allSatisfy(rec -> assertThat(rec.value()).isEqualTo(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnreachableBrokerAnswers503InTime() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Rig rig = rig(false, e -> {
            e.put("BEACON_KAFKA_BOOTSTRAP", "127.0.0.1:" + closedPort);
            e.put("BEACON_INGRESS_SEND_TIMEOUT", "1000ms");
            return e;
        });
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(rig.graph("contoso"), collection(List.of(item(CLIENT_STATE, false)), null));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2500);
    }

    @Test
    void anUnreachableJwksAnswers503NotARefusal() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Rig rig = rig(true, e -> {
            e.put("BEACON_INGRESS_JWKS_URL", "http://127.0.0.1:" + closedPort + "/keys");
            return e;
        });
        HttpResponse<String> r = post(rig.graph("contoso"), richWith(TestJwks.sign(key1, TestJwks.claims().build())));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(records(rig)).isEmpty();
    }

    @Test
    void eventGridValidationAbuseProtectionAndCloudEvents() throws Exception {
        Rig rig = rig();
        URI eg = rig.base().resolve("/webhooks/eventgrid/contoso");
        String validation = "[{\"id\":\"2d1781af\",\"topic\":\"/subscriptions/x\",\"subject\":\"\",\"data\":"
                + "{\"validationCode\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\",\"validationUrl\":\"https://x\"},"
                + "\"eventType\":\"Microsoft.EventGrid.SubscriptionValidationEvent\","
                + "\"eventTime\":\"2026-11-27T18:41:00Z\",\"dataVersion\":\"1\"}]";
        HttpResponse<String> v = post(eg, validation);
        assertThat(v.statusCode()).isEqualTo(200);
        assertThat(v.body()).isEqualTo("{\"validationResponse\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\"}");

        HttpResponse<String> o = http.send(HttpRequest.newBuilder(eg).method("OPTIONS",
                        HttpRequest.BodyPublishers.noBody()).header("WebHook-Request-Origin", "eventgrid.azure.net")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.headers().firstValue("WebHook-Allowed-Origin")).hasValue("eventgrid.azure.net");
        HttpResponse<String> noOrigin = http.send(HttpRequest.newBuilder(eg).method("OPTIONS",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noOrigin.statusCode()).isEqualTo(400);

        String event = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/graph\",\"type\":"
                + "\"Microsoft.Graph.ChatMessageCreated\",\"datacontenttype\":\"application/json\",\"data\":"
                + item(CLIENT_STATE, false) + "}";
        assertThat(post(eg, event).statusCode()).isEqualTo(202);
        assertThat(post(eg, "[" + event + "," + event + "]").statusCode()).isEqualTo(202);
        String forged = event.replace(CLIENT_STATE, "forged");
        assertThat(post(eg, "[" + event + "," + forged + "]").statusCode()).isEqualTo(403);
        assertThat(post(eg, "[{\"eventType\":\"Other\",\"data\":{}}]").statusCode()).isEqualTo(400);
        var recs = records(rig);
        assertThat(recs).hasSize(2);
        assertThat(recs.get(0).value()).isEqualTo(event.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oversizeBodiesAre413AndUnknownRoutes404() throws Exception {
        Rig rig = rig(true, e -> {
            e.put("BEACON_INGRESS_MAX_BODY", "4096");
            return e;
        });
        String padding = "x".repeat(5000);
        String big = "{\"value\":[" + item(CLIENT_STATE, false) + "],\"pad\":\"" + padding + "\"}";
        assertThat(post(rig.graph("contoso"), big).statusCode()).isEqualTo(413);
        // Without Content-Length (chunked), the limit holds while reading.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(rig.graph("contoso"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                        new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(post(rig.base().resolve("/webhooks/eventgrid/contoso"), "[" + big + "]").statusCode())
                .isEqualTo(413);

        assertThat(post(rig.base().resolve("/webhooks/other/contoso"), "{}").statusCode()).isEqualTo(404);
        assertThat(post(rig.graph("Contoso%0AFAKE"), "{}").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(rig.base().resolve("/api/status")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(records(rig)).isEmpty();
    }

    @Test
    void withAnIntegrationListOnlyThoseIntegrationsAreServed() throws Exception {
        Rig rig = rig(true, e -> {
            e.put("BEACON_INGRESS_INTEGRATIONS", "contoso, fabrikam");
            return e;
        });
        String body = collection(List.of(item(CLIENT_STATE, false)), null);
        assertThat(post(rig.graph("fabrikam"), body).statusCode()).isEqualTo(202);
        assertThat(post(rig.graph("tailspin"), body).statusCode()).isEqualTo(404);
        HttpResponse<String> handshake = http.send(HttpRequest.newBuilder(rig.base().resolve(
                        "/webhooks/graph/tailspin?validationToken=abc")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(handshake.statusCode()).isEqualTo(404);
        assertThat(records(rig)).hasSize(1);
    }

    @Test
    void clientStatesAreReadFromTheExportFileAndFollowItsRotation() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ingress-cs");
        java.nio.file.Path file = dir.resolve("client-states");
        java.nio.file.Files.writeString(file, "first-secret\n");
        Rig rig = rig(true, e -> {
            e.remove("BEACON_CLIENT_STATE");
            e.put("BEACON_CLIENT_STATE_FILE", file.toString());
            return e;
        });
        assertThat(post(rig.graph("contoso"), collection(List.of(item("first-secret", false)), null)).statusCode())
                .isEqualTo(202);
        assertThat(post(rig.graph("contoso"), collection(List.of(item("second-secret", false)), null))
                .statusCode()).isEqualTo(403);
        java.nio.file.Files.writeString(file, "first-secret,second-secret");
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
                Instant.now().plusSeconds(5)));
        int status = 0;
        for (int i = 0; i < 40 && status != 202; i++) {
            Thread.sleep(100);
            status = post(rig.graph("contoso"), collection(List.of(item("second-secret", false)), null))
                    .statusCode();
        }
        assertThat(status).isEqualTo(202);
        assertThat(records(rig)).hasSize(2);
    }
}
