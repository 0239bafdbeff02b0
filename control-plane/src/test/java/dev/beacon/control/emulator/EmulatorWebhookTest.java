package dev.beacon.control.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.ingress.IngressService;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.testing.KafkaFixture;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator as Graph's webhook publisher, against the real {@link IngressService} (loopback HTTP, an in-process
 * Kafka broker): the validation handshake on create, rich deliveries whose validation token verifies against the
 * emulator's JWKS, Graph losing notifications, and the chat-message read that follows a notification.
 */
class EmulatorWebhookTest {

    static final String APP_ID = "3f1e0c55-8d2a-4b7e-9c61-0a5b2e7d4c11";
    static final String TENANT = EntraEndpoints.DEFAULT_TENANT;
    static final String CLIENT_STATE = "cs-" + UUID.randomUUID();
    static final String CHAT = "19:emergency-desk@thread.v2";

    static KafkaFixture kafka;
    static String certificate;
    static java.security.PrivateKey certificateKey;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    MicrosoftEmulator emulator;
    IngressService ingress;
    String topic;
    String token;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = KafkaFixture.start();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=beacon-notifications");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(System.nanoTime()), new Date(System.currentTimeMillis() - 60_000),
                new Date(System.currentTimeMillis() + Duration.ofDays(30).toMillis()), name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        certificateKey = kp.getPrivate();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @BeforeEach
    void start() {
        emulator = MicrosoftEmulator.start(Clock.systemUTC());
        token = emulator.entra().issueAccessToken(new IssuedToken(TENANT, null, null, APP_ID, true,
                Instant.now().plus(Duration.ofHours(1))));
        topic = "teams-events-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        Map<String, String> env = new HashMap<>(Map.of(
                "BEACON_INGRESS_HOST", "127.0.0.1",
                "BEACON_INGRESS_PORT", "0",
                "BEACON_INGRESS_METRICS_PORT", "0",
                "BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "BEACON_INGRESS_TOPIC", topic,
                "BEACON_CLIENT_STATE", CLIENT_STATE,
                "BEACON_INGRESS_APP_IDS", APP_ID,
                "BEACON_INGRESS_JWKS_URL", emulator.notifications().jwksUrl().toString()));
        ingress = IngressService.start(IngressSettings.fromEnv(env));
    }

    @AfterEach
    void stop() {
        ingress.close();
        emulator.close();
    }

    String webhook(String path) {
        return "http://127.0.0.1:" + ingress.port() + path;
    }

    HttpResponse<String> createSubscription(String notificationUrl, String lifecycleUrl) throws Exception {
        String body = json.writeValueAsString(Map.of(
                "changeType", "created",
                "resource", "/chats/" + CHAT + "/messages",
                "notificationUrl", notificationUrl,
                "lifecycleNotificationUrl", lifecycleUrl,
                "expirationDateTime", Instant.now().plus(Duration.ofHours(2)).toString(),
                "clientState", CLIENT_STATE,
                "includeResourceData", true,
                "encryptionCertificate", certificate,
                "encryptionCertificateId", "cert-1"));
        return http.send(HttpRequest.newBuilder(emulator.baseUri().resolve("/v1.0/subscriptions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    EmulatedSubscription subscribeThroughIngress() throws Exception {
        HttpResponse<String> r = createSubscription(webhook("/webhooks/graph/contoso"),
                webhook("/webhooks/graph/contoso/lifecycle"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return emulator.graph().subscription(json.readTree(r.body()).get("id").asText()).orElseThrow();
    }

    static String emergency(String id, String text) {
        return "{\"id\":\"" + id + "\",\"chatId\":\"" + CHAT + "\",\"messageType\":\"message\","
                + "\"importance\":\"urgent\",\"createdDateTime\":\"2026-11-27T20:00:00Z\","
                + "\"body\":{\"contentType\":\"text\",\"content\":\"" + text + "\"}}";
    }

    List<String> topicBodies() {
        return kafka.readAll(topic, false).stream()
                .map(ConsumerRecord::value).map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    // ---- tests ----

    @Test
    void createValidatesBothWebhooksThroughTheIngressAndADeliveryLandsOnTheTopicExactlyOnce() throws Exception {
        EmulatedSubscription s = subscribeThroughIngress();
        assertThat(emulator.graph().handshakes()).isEqualTo(2);
        assertThat(s.notificationUrl()).isEqualTo(webhook("/webhooks/graph/contoso"));
        assertThat(topicBodies()).isEmpty(); // handshakes are answered, not forwarded

        String message = emergency("1764273600001", "Fire alarm, floor 3: evacuate now");
        assertThat(emulator.deliver(s.id(), message)).isEqualTo(202);

        List<String> sent = emulator.notifications().sent(s.id());
        assertThat(sent).hasSize(1);
        assertThat(topicBodies()).containsExactly(sent.get(0));
        JsonNode item = json.readTree(sent.get(0)).get("value").get(0);
        assertThat(item.get("subscriptionId").asText()).isEqualTo(s.id());
        assertThat(item.get("clientState").asText()).isEqualTo(CLIENT_STATE);
        assertThat(item.get("tenantId").asText()).isEqualTo(TENANT);
        assertThat(item.get("changeType").asText()).isEqualTo("created");
        assertThat(item.get("resource").asText()).isEqualTo("chats('" + CHAT + "')/messages('1764273600001')");
        assertThat(item.get("resourceData").toString()).isEqualTo("{\"id\":\"1764273600001\","
                + "\"@odata.type\":\"#Microsoft.Graph.chatMessage\",\"@odata.id\":\"chats('" + CHAT
                + "')/messages('1764273600001')\"}");
        assertThat(item.get("encryptedContent").get("encryptionCertificateId").asText()).isEqualTo("cert-1");
        assertThat(decrypt(item.get("encryptedContent"))).isEqualTo(message);
        JsonNode tokens = json.readTree(sent.get(0)).get("validationTokens");
        assertThat(tokens).hasSize(1);
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(tokens.get(0).asText().split("\\.")[1]));
        assertThat(claims.get("iss").asText()).isEqualTo("https://sts.windows.net/" + TENANT + "/");
        assertThat(claims.get("aud").asText()).isEqualTo(APP_ID);
        assertThat(claims.get("appid").asText()).isEqualTo(GraphNotifications.GRAPH_PUBLISHER);
        assertThat(emulator.countCalls("GET", "/common/discovery/v2\\.0/keys")).isEqualTo(1);
    }

    @Test
    void aDeliveryWithAnotherAppsTokenIsRefusedAndNothingIsForwarded() throws Exception {
        EmulatedSubscription s = subscribeThroughIngress();
        // the same emulator key, addressed to an app the ingress does not serve: the ingress must refuse it
        String body = emulator.notifications().collection(s, emergency("1764273600009", "forged"));
        String forged = body.replaceAll("\"validationTokens\":\\[\"[^\"]*\"\\]", "\"validationTokens\":[\""
                + emulator.notifications().validationToken(TENANT, UUID.randomUUID().toString()) + "\"]");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.notificationUrl()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(forged))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(topicBodies()).isEmpty();
    }

    @Test
    void aWrongEchoOrAnErrorRefusesTheCreate() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer wrong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        wrong.createContext("/echo-wrong", ex -> {
            calls.incrementAndGet();
            byte[] b = "not-the-token".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        wrong.createContext("/fails", ex -> {
            calls.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        wrong.start();
        try {
            String base = "http://127.0.0.1:" + wrong.getAddress().getPort();
            HttpResponse<String> r = createSubscription(base + "/echo-wrong", webhook("/webhooks/graph/contoso/lifecycle"));
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode error = json.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("ValidationError");
            assertThat(error.get("message").asText()).isEqualTo("Subscription validation request failed. "
                    + "Response must exactly match validationToken query parameter.");

            r = createSubscription(webhook("/webhooks/graph/contoso"), base + "/fails");
            assertThat(r.statusCode()).isEqualTo(400);
            error = json.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("ValidationError");
            assertThat(error.get("message").asText()).isEqualTo("Subscription validation request failed. "
                    + "Notification endpoint must respond with 200 OK to validation request.");

            assertThat(calls.get()).isEqualTo(2);
            assertThat(emulator.graph().handshakes()).isEqualTo(3); // wrong echo; ingress ok + failing lifecycle
            assertThat(emulator.graph().subscriptions()).isEmpty();

            // moving a subscription to a webhook that does not answer correctly is refused the same way
            EmulatedSubscription s = subscribeThroughIngress();
            r = http.send(HttpRequest.newBuilder(emulator.baseUri().resolve("/v1.0/subscriptions/" + s.id()))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"notificationUrl\":\"" + base
                            + "/echo-wrong\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("error").get("code").asText()).isEqualTo("ValidationError");
            assertThat(calls.get()).isEqualTo(3);
            assertThat(emulator.graph().subscription(s.id()).orElseThrow().notificationUrl())
                    .isEqualTo(webhook("/webhooks/graph/contoso"));
        } finally {
            wrong.stop(0);
        }
    }

    @Test
    void eventHubSubscriptionsHaveNoHandshake() throws Exception {
        HttpResponse<String> r = createSubscription("EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/"
                + "n?tenantId=contoso.com", "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/"
                + "l?tenantId=contoso.com");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(emulator.graph().handshakes()).isZero();
    }

    @Test
    void droppedNotificationsAreNotSentAndCounted() throws Exception {
        EmulatedSubscription s = subscribeThroughIngress();
        emulator.dropNextNotifications(s.id(), 2);
        assertThat(emulator.deliver(s.id(), emergency("1", "first"))).isEqualTo(GraphNotifications.DROPPED);
        assertThat(emulator.deliver(s.id(), emergency("2", "second"))).isEqualTo(GraphNotifications.DROPPED);
        assertThat(emulator.deliver(s.id(), emergency("3", "third"))).isEqualTo(202);

        assertThat(emulator.droppedNotifications(s.id())).isEqualTo(2);
        List<String> sent = emulator.notifications().sent(s.id());
        assertThat(sent).hasSize(1);
        assertThat(json.readTree(sent.get(0)).get("value").get(0).get("resourceData").get("id").asText())
                .isEqualTo("3");
        assertThat(topicBodies()).containsExactly(sent.get(0));
    }

    @Test
    void chatMessagesAreServedWith404AndInjected429() throws Exception {
        String message = emergency("1764273600002", "Gas leak in the lab");
        emulator.putMessage(TENANT, CHAT, message);
        String path = "/chats/" + CHAT + "/messages/1764273600002";

        HttpResponse<String> r = get("/v1.0" + path, token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(message);
        assertThat(get("/beta" + path, token).body()).isEqualTo(message);

        r = get("/v1.0/chats/" + CHAT + "/messages/999", token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json.readTree(r.body()).get("error").get("code").asText()).isEqualTo("NotFound");

        String otherTenant = emulator.entra().issueAccessToken(new IssuedToken(UUID.randomUUID().toString(), null,
                null, APP_ID, true, Instant.now().plus(Duration.ofHours(1))));
        assertThat(get("/v1.0" + path, otherTenant).statusCode()).isEqualTo(404);
        assertThat(get("/v1.0" + path, "not-a-token").statusCode()).isEqualTo(401);

        var fault = emulator.inject("GET", "/v1\\.0/chats/.+/messages/.+", GraphEndpoints.error(429,
                "TooManyRequests", "Too many requests.").withHeader("Retry-After", "3"), 1);
        r = get("/v1.0" + path, token);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(json.readTree(r.body()).get("error").get("code").asText()).isEqualTo("TooManyRequests");
        assertThat(get("/v1.0" + path, token).body()).isEqualTo(message);
        assertThat(fault.hits()).isEqualTo(1);
    }

    /** What the job does with encryptedContent: unwrap the key (RSA-OAEP), check the HMAC, AES-CBC decrypt. */
    static String decrypt(JsonNode content) throws Exception {
        javax.crypto.Cipher rsa = javax.crypto.Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
        rsa.init(javax.crypto.Cipher.DECRYPT_MODE, certificateKey);
        byte[] key = rsa.doFinal(Base64.getDecoder().decode(content.get("dataKey").asText()));
        byte[] data = Base64.getDecoder().decode(content.get("data").asText());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        assertThat(Base64.getEncoder().encodeToString(mac.doFinal(data)))
                .isEqualTo(content.get("dataSignature").asText());
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.IvParameterSpec(key, 0, 16));
        return new String(aes.doFinal(data), StandardCharsets.UTF_8);
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(emulator.baseUri().resolve(path.replace(":", "%3A")
                        .replace("@", "%40"))).header("Authorization", "Bearer " + bearer).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
