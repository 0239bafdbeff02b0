package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.beacon.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How long the ingress takes to answer a delivery, end to end over loopback with a real broker (acks=all): a
 * bounded loop of sequential requests from one Java HTTP client, reported as p50/p99/max. A measurement printed
 * for the record, not a timed assertion: the numbers depend on the machine.
 */
class IngressLatencyTest {

    static final int WARM_UP = 200;
    static final int REQUESTS = 2_000;

    @Test
    void measureAcceptedDeliveryLatency() throws Exception {
        RSAKey key = TestJwks.newKey("kid-latency");
        try (KafkaFixture kafka = KafkaFixture.start(); TestJwks jwks = new TestJwks(key)) {
            kafka.createTopic("teams-events", 2);
            IngressSettings settings = IngressSettings.fromEnv(
                    IngressEnv.loopback(jwks, kafka.bootstrapServers(), "latency-secret"));
            try (IngressService ingress = IngressService.start(settings)) {
                URI uri = URI.create("http://127.0.0.1:" + ingress.port() + "/webhooks/graph/contoso");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String plain = IngressWebhookTest.collection(List.of(
                        IngressWebhookTest.item("latency-secret", false)), null);
                String rich = IngressWebhookTest.collection(List.of(IngressWebhookTest.item("latency-secret", true)),
                        List.of(TestJwks.sign(key, TestJwks.claims().build())));
                report("plain notification, one sequential client", run(http, uri, plain));
                report("rich notification + validation token, one sequential client", run(http, uri, rich));
                long t0 = System.nanoTime();
                long[] concurrent = runConcurrently(http, uri, plain, 8);
                double seconds = (System.nanoTime() - t0) / 1e9;
                report("plain notification, 8 concurrent clients", concurrent);
                System.out.println(String.format(Locale.ROOT, "INGRESS THROUGHPUT 8 concurrent clients: %.0f "
                        + "accepted deliveries/s", REQUESTS / seconds));
                assertThat(kafka.readAll("teams-events", false)).hasSize(2 * (WARM_UP + REQUESTS) + REQUESTS);
            }
        }
    }

    private static long[] run(HttpClient http, URI uri, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] micros = new long[REQUESTS];
        for (int i = 0; i < WARM_UP + REQUESTS; i++) {
            long t0 = System.nanoTime();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            long us = (System.nanoTime() - t0) / 1_000;
            assertThat(status).isEqualTo(202);
            if (i >= WARM_UP) {
                micros[i - WARM_UP] = us;
            }
        }
        Arrays.sort(micros);
        return micros;
    }

    private static long[] runConcurrently(HttpClient http, URI uri, String body, int clients) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] micros = new long[REQUESTS];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        micros[i] = (System.nanoTime() - t0) / 1_000;
                        assertThat(status).isEqualTo(202);
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Arrays.sort(micros);
        return micros;
    }

    private static void report(String what, long[] sorted) {
        System.out.println(String.format(Locale.ROOT,
                "INGRESS LATENCY %s: n=%d, p50=%.2f ms, p90=%.2f ms, p99=%.2f ms, max=%.2f ms", what,
                sorted.length, sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.90)] / 1000.0,
                sorted[(int) (sorted.length * 0.99)] / 1000.0, sorted[sorted.length - 1] / 1000.0));
    }
}
