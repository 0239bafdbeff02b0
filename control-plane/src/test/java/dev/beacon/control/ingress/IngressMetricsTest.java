package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.beacon.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingress's Prometheus series after a known sequence of requests, read from its separate metrics listener
 * (real broker, real HTTP); and the internet-facing port does not serve them.
 */
class IngressMetricsTest {

    static final String CLIENT_STATE = "metrics-secret-" + UUID.randomUUID();

    static KafkaFixture kafka;
    static RSAKey key = TestJwks.newKey("kid-metrics");
    static TestJwks jwks;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = KafkaFixture.start();
        jwks = new TestJwks(key);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        jwks.close();
        kafka.close();
    }

    IngressService start(boolean createTopic, UnaryOperator<Map<String, String>> env) {
        String topic = "teams-events-" + UUID.randomUUID();
        if (createTopic) {
            kafka.createTopic(topic, 1);
        }
        Map<String, String> e = IngressEnv.loopback(jwks, kafka.bootstrapServers(), CLIENT_STATE);
        e.put("BEACON_INGRESS_TOPIC", topic);
        e.put("BEACON_INGRESS_MAX_BODY", "4096");
        e.put("BEACON_INGRESS_INTEGRATIONS", "contoso");
        return IngressService.start(IngressSettings.fromEnv(env.apply(e)));
    }

    int post(IngressService ingress, String path, String body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + ingress.port() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    int get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The scrape from the metrics listener, as series (name and labels, as printed) to value. */
    Map<String, Double> scrape(IngressService ingress) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ingress.metricsPort() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(IngressMetrics.CONTENT_TYPE);
        Map<String, Double> series = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return series;
    }

    @Test
    void countsEveryAnswerByRouteStatusAndReason() throws Exception {
        try (IngressService ingress = start(true, UnaryOperator.identity())) {
            String one = IngressWebhookTest.collection(List.of(IngressWebhookTest.item(CLIENT_STATE, false)), null);
            String two = IngressWebhookTest.collection(List.of(IngressWebhookTest.item(CLIENT_STATE, false),
                    IngressWebhookTest.item(CLIENT_STATE, false)), null);
            String forged = IngressWebhookTest.collection(List.of(IngressWebhookTest.item("forged", false)), null);
            String wrongAudience = IngressWebhookTest.collection(List.of(IngressWebhookTest.item(CLIENT_STATE, true)),
                    List.of(TestJwks.sign(key, TestJwks.claims().audience("someone-else").build())));

            assertThat(post(ingress, "/webhooks/graph/contoso", one)).isEqualTo(202);
            assertThat(post(ingress, "/webhooks/graph/contoso/lifecycle", two)).isEqualTo(202);
            assertThat(post(ingress, "/webhooks/graph/contoso", one)).isEqualTo(202);
            assertThat(post(ingress, "/webhooks/graph/contoso", forged)).isEqualTo(403);
            assertThat(post(ingress, "/webhooks/graph/contoso", wrongAudience)).isEqualTo(403);
            assertThat(post(ingress, "/webhooks/graph/contoso", "not json")).isEqualTo(400);
            assertThat(post(ingress, "/webhooks/graph/contoso", "{\"value\":[\"" + "x".repeat(5000) + "\"]}"))
                    .isEqualTo(413);
            assertThat(post(ingress, "/webhooks/graph/fabrikam", one)).isEqualTo(404);
            assertThat(post(ingress, "/webhooks/graph/contoso?validationToken=abc", "")).isEqualTo(200);
            assertThat(get(ingress.port(), "/healthz")).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingress.port() + "/healthz"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            // The internet-facing port has no metrics.
            assertThat(get(ingress.port(), "/metrics")).isEqualTo(404);

            Map<String, Double> m = scrape(ingress);
            assertThat(m).containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"202\"}", 2.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph-lifecycle\",status=\"202\"}", 1.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"403\"}", 2.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"400\"}", 1.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"413\"}", 1.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"404\"}", 1.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"200\"}", 1.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"healthz\",status=\"200\"}", 2.0)
                    .containsEntry("beacon_ingress_requests_total{route=\"other\",status=\"404\"}", 1.0)
                    .containsEntry("beacon_ingress_notifications_accepted_total{route=\"graph\"}", 2.0)
                    .containsEntry("beacon_ingress_notifications_accepted_total{route=\"graph-lifecycle\"}", 2.0)
                    .containsEntry("beacon_ingress_rejected_total{reason=\"client_state\"}", 1.0)
                    .containsEntry("beacon_ingress_rejected_total{reason=\"validation_token\"}", 1.0)
                    .containsEntry("beacon_ingress_rejected_total{reason=\"malformed\"}", 1.0)
                    .containsEntry("beacon_ingress_rejected_total{reason=\"too_large\"}", 1.0)
                    .containsEntry("beacon_ingress_rejected_total{reason=\"unknown_integration\"}", 1.0)
                    .containsEntry("beacon_ingress_handshakes_total{route=\"graph\"}", 1.0)
                    .containsEntry("beacon_ingress_unavailable_total{cause=\"kafka\"}", 0.0)
                    .containsEntry("beacon_ingress_unavailable_total{cause=\"jwks\"}", 0.0)
                    .containsEntry("beacon_ingress_kafka_send_seconds_count{outcome=\"acked\"}", 3.0)
                    .containsEntry("beacon_ingress_kafka_send_seconds_bucket{outcome=\"acked\",le=\"+Inf\"}", 3.0)
                    .doesNotContainKey("beacon_ingress_kafka_send_seconds_count{outcome=\"failed\"}");
            assertThat(m.keySet()).as("no label carries a clientState").noneMatch(k -> k.contains(CLIENT_STATE));
        }
    }

    @Test
    void countsA503WhenKafkaDoesNotAcknowledge() throws Exception {
        try (IngressService ingress = start(false, e -> {
            e.put("BEACON_INGRESS_SEND_TIMEOUT", "1000ms");
            return e;
        })) {
            String one = IngressWebhookTest.collection(List.of(IngressWebhookTest.item(CLIENT_STATE, false)), null);
            assertThat(post(ingress, "/webhooks/graph/contoso", one)).isEqualTo(503);

            Map<String, Double> m = scrape(ingress);
            assertThat(m).containsEntry("beacon_ingress_requests_total{route=\"graph\",status=\"503\"}", 1.0)
                    .containsEntry("beacon_ingress_unavailable_total{cause=\"kafka\"}", 1.0)
                    .containsEntry("beacon_ingress_kafka_send_seconds_count{outcome=\"failed\"}", 1.0)
                    .doesNotContainKey("beacon_ingress_notifications_accepted_total{route=\"graph\"}");
        }
    }

    @Test
    void metricsListenerIsLocalhostByDefaultAndCanBeTurnedOff() {
        Map<String, String> base = Map.of("BEACON_KAFKA_BOOTSTRAP", "k:9092", "BEACON_CLIENT_STATE", "x",
                "BEACON_INGRESS_APP_IDS", "a");
        IngressSettings defaults = IngressSettings.fromEnv(base);
        assertThat(defaults.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.metricsPort()).isEqualTo(9464);
        Map<String, String> off = new HashMap<>(base);
        off.put("BEACON_INGRESS_METRICS_PORT", "off");
        assertThat(IngressSettings.fromEnv(off).metricsPort()).isEqualTo(IngressSettings.METRICS_OFF);
    }
}
