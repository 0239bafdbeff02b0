package dev.beacon.control.ingress;

import com.nimbusds.jose.jwk.RSAKey;
import dev.beacon.testing.KafkaFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The ingress under load, for {@code bench/ingress.sh}: the production receiver ({@link WebhookIngress}) on a fixed
 * port, with either
 * <ul>
 *   <li>{@code kafka}: the production {@link KafkaForwarder} to an in-process KRaft broker ({@code acks=all}, topic
 *       {@code teams-events} with 2 partitions), or</li>
 *   <li>{@code bound}: a forwarder that acknowledges at once, so the same HTTP stack, routing, JSON parsing and
 *       clientState (and validation-token) checks answer 202 without Kafka: the upper bound the Kafka variant is
 *       reported against.</li>
 * </ul>
 * It writes the bodies the load generators send ({@code plain.json}: a basic Graph {@code created} notification for
 * a chat message; {@code rich.json}: the same with encrypted content of realistic size and a validation token
 * signed by a key it publishes as a JWKS) into the output directory, prints {@code READY} and runs until killed.
 *
 * <p>Usage: {@code IngressBenchLauncher kafka|bound <port> <output dir>}. Not a test: run it from the script.
 */
public final class IngressBenchLauncher {

    static final String CLIENT_STATE = "bench-client-state-" + UUID.randomUUID();

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[0].equals("kafka") || args[0].equals("bound"))) {
            System.err.println("usage: IngressBenchLauncher kafka|bound <port> <output dir>");
            System.exit(2);
        }
        boolean kafkaMode = args[0].equals("kafka");
        int port = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out);

        RSAKey key = TestJwks.newKey("kid-bench");
        TestJwks jwks = new TestJwks(key);
        KafkaFixture kafka = kafkaMode ? KafkaFixture.start() : null;
        if (kafka != null) {
            kafka.createTopic(IngressSettings.DEFAULT_TOPIC, 2);
        }
        IngressSettings settings = IngressSettings.fromEnv(Map.of(
                "BEACON_INGRESS_HOST", "127.0.0.1",
                "BEACON_INGRESS_PORT", Integer.toString(port),
                "BEACON_INGRESS_METRICS_PORT", "0",
                "BEACON_KAFKA_BOOTSTRAP", kafka != null ? kafka.bootstrapServers() : "unused:9092",
                "BEACON_CLIENT_STATE", CLIENT_STATE,
                "BEACON_INGRESS_APP_IDS", TestJwks.APP_ID,
                "BEACON_INGRESS_JWKS_URL", jwks.url().toString()));
        IngressService.applyLogGuards();
        KafkaForwarder kafkaForwarder = kafka == null ? null : new KafkaForwarder(settings.kafkaBootstrap(),
                settings.topic(), settings.sendTimeout(), settings.maxBodyBytes());
        Forwarder forwarder = kafkaForwarder != null ? kafkaForwarder : (k, body, integration, route) -> true;
        WebhookIngress ingress = new WebhookIngress(settings, AcceptedClientStates.from(settings),
                new ValidationTokenVerifier(settings.jwksUrl(), settings.appIds(), settings.jwksMinRefresh()),
                forwarder, new IngressMetrics()).start();

        Files.writeString(out.resolve("plain.json"), collection(false, null));
        Files.writeString(out.resolve("rich.json"), collection(true, TestJwks.sign(key, TestJwks.claims().build())));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingress.close();
            if (kafkaForwarder != null) {
                kafkaForwarder.close();
            }
            if (kafka != null) {
                try {
                    kafka.close();
                } catch (Exception e) {
                    System.err.println("broker did not stop cleanly: " + e);
                }
            }
            jwks.close();
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.println("READY " + args[0] + " http://127.0.0.1:" + ingress.port());
        System.out.flush();
        stopped.await();
    }

    /** A Graph change-notification collection as Graph posts it for a new chat message (one item). */
    static String collection(boolean rich, String validationToken) {
        String chat = "19:3a1c5b8e0f2d4e6a9b7c1d2e3f4a5b6c@thread.v2";
        String messageId = "1732745698123";
        String resource = "chats('" + chat + "')/messages('" + messageId + "')";
        StringBuilder item = new StringBuilder()
                .append("{\"subscriptionId\":\"").append(UUID.randomUUID()).append('"')
                .append(",\"subscriptionExpirationDateTime\":\"")
                .append(Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)).append('"')
                .append(",\"changeType\":\"created\"")
                .append(",\"resource\":\"").append(resource).append('"')
                .append(",\"resourceData\":{\"id\":\"").append(messageId)
                .append("\",\"@odata.type\":\"#Microsoft.Graph.chatMessage\",\"@odata.id\":\"").append(resource)
                .append("\"}")
                .append(",\"clientState\":\"").append(CLIENT_STATE).append('"')
                .append(",\"tenantId\":\"").append(TestJwks.TENANT).append('"');
        if (rich) {
            // The ingress does not decrypt: random bytes of the sizes Graph sends (a ~2 KB chatMessage under
            // AES-CBC, an RSA-2048 wrapped key, an HMAC-SHA256) cost it the same.
            item.append(",\"encryptedContent\":{\"data\":\"").append(random(2048))
                    .append("\",\"dataSignature\":\"").append(random(32))
                    .append("\",\"dataKey\":\"").append(random(256))
                    .append("\",\"encryptionCertificateId\":\"beacon-2026-11")
                    .append("\",\"encryptionCertificateThumbprint\":\"")
                    .append("3F1A9C0B7E5D2A4C6B8E0F1D3A5C7E9B1D3F5A7C\"}");
        }
        item.append('}');
        String body = "{\"value\":[" + item + "]";
        if (validationToken != null) {
            body += ",\"validationTokens\":[\"" + validationToken + "\"]";
        }
        return body + "}";
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private IngressBenchLauncher() {}
}
