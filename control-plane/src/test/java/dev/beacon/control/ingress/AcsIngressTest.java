package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.emulator.AcsIncomingCalls;
import dev.beacon.control.emulator.AcsIncomingCalls.IncomingCall;
import dev.beacon.control.emulator.AcsIncomingCalls.Party;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACS route of the webhook ingress ({@code /webhooks/acs/{integration}?key=…}) with real HTTP and a real Kafka
 * broker, fed by the emulator's ACS {@code IncomingCall} generator: Event Grid's handshakes, the key check, and one
 * record per event, exactly as received.
 */
class AcsIngressTest {

    static final String KEY = "acs-key-" + UUID.randomUUID();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Party LINE = Party.phone("+15550100");
    static KafkaFixture kafka;
    static TestJwks jwks;

    final List<AutoCloseable> closeAfter = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaFixture.start();
        jwks = new TestJwks(TestJwks.newKey("kid-acs"));
    }

    @AfterAll
    static void stop() throws Exception {
        jwks.close();
        kafka.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    record Rig(String topic, URI base) {
        URI acs(String integration, String key) {
            return base.resolve("/webhooks/acs/" + integration + (key == null ? "" : "?key=" + key));
        }
    }

    Rig rig(boolean createTopic, UnaryOperator<Map<String, String>> env) {
        String topic = "acs-events-" + UUID.randomUUID();
        if (createTopic) {
            kafka.createTopic(topic, 2);
        }
        Map<String, String> e = IngressEnv.loopback(jwks, kafka.bootstrapServers(), "cs-" + UUID.randomUUID());
        e.put("BEACON_INGRESS_TOPIC", topic);
        e.put("BEACON_INGRESS_INTEGRATIONS", "contoso");
        IngressService service = IngressService.start(IngressSettings.fromEnv(env.apply(e)));
        closeAfter.add(service);
        return new Rig(topic, URI.create("http://127.0.0.1:" + service.port()));
    }

    Rig rigWithKeyFile() throws Exception {
        Path file = dir.resolve("acs-key");
        Files.writeString(file, KEY + "\n");
        return rig(true, e -> {
            e.put(IngressSettings.ACS_WEBHOOK_KEY + "_FILE", file.toString());
            return e;
        });
    }

    HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static IncomingCall call(String from) {
        return IncomingCall.pstn(from, LINE, "Caller " + from, Instant.parse("2026-03-02T08:00:00.1234567Z"));
    }

    static String value(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void routeIsNotFoundWithoutAConfiguredKey() throws Exception {
        Rig rig = rig(true, UnaryOperator.identity());
        assertThat(post(rig.acs("contoso", KEY), AcsIncomingCalls.eventGridJson(List.of(call("+14255550101"))))
                .statusCode()).isEqualTo(404);
        assertThat(AcsIncomingCalls.abuseProtection(rig.acs("contoso", KEY), "eventgrid.azure.net").statusCode())
                .isEqualTo(404);
        assertThat(AcsIncomingCalls.validate(rig.acs("contoso", KEY), "code-1").statusCode()).isEqualTo(404);
        assertThat(kafka.readAll(rig.topic(), false)).isEmpty();
    }

    @Test
    void aMissingOrWrongKeyIs401AndAnUnknownIntegration404() throws Exception {
        String body = AcsIncomingCalls.eventGridJson(List.of(call("+14255550101")));
        // DEBUG everywhere before the ingress starts, as an operator would set it: the key must not show
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            Rig rig = rigWithKeyFile();
            assertThat(post(rig.acs("contoso", null), body).statusCode()).isEqualTo(401);
            assertThat(post(rig.acs("contoso", KEY + "x"), body).statusCode()).isEqualTo(401);
            assertThat(post(rig.acs("contoso", "short"), body).statusCode()).isEqualTo(401);
            assertThat(AcsIncomingCalls.validate(rig.acs("contoso", "wrong-key-wrong-key"), "c").statusCode())
                    .isEqualTo(401);
            assertThat(AcsIncomingCalls.abuseProtection(rig.acs("contoso", null), "eventgrid.azure.net")
                    .statusCode()).isEqualTo(401);
            assertThat(post(rig.acs("fabrikam", KEY), body).statusCode()).isEqualTo(404);
            assertThat(logs.text()).doesNotContain(KEY);
            assertThat(kafka.readAll(rig.topic(), false)).isEmpty();
        }
    }

    @Test
    void answersEventGridAndCloudEventsHandshakes() throws Exception {
        Rig rig = rigWithKeyFile();

        HttpResponse<String> v = AcsIncomingCalls.validate(rig.acs("contoso", KEY), "512d38b6-c7b8-40c8-89fe");
        assertThat(v.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(v.body())).isEqualTo(JSON.readTree(
                "{\"validationResponse\":\"512d38b6-c7b8-40c8-89fe\"}"));

        HttpResponse<String> o = AcsIncomingCalls.abuseProtection(rig.acs("contoso", KEY), "eventgrid.azure.net");
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.headers().firstValue("WebHook-Allowed-Origin")).hasValue("eventgrid.azure.net");
        assertThat(kafka.readAll(rig.topic(), false)).isEmpty();
    }

    @Test
    void forwardsEachEventAsItsOwnRecordExactlyAsReceived() throws Exception {
        Rig rig = rigWithKeyFile();
        IncomingCall a = call("+14255550101");
        IncomingCall b = call("+14255550102");
        // as received: pretty-printed, odd spacing; each record must be that event's bytes, untouched
        String eventA = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                JSON.readTree(AcsIncomingCalls.eventGridJson(List.of(a))).get(0));
        String eventB = JSON.readTree(AcsIncomingCalls.eventGridJson(List.of(b))).get(0).toString()
                .replace(",\"eventType\"", " ,  \"eventType\"");
        String body = "[\n  " + eventA + " ,\n\t" + eventB + "\n]";

        HttpResponse<String> r = post(rig.acs("contoso", KEY), body);

        assertThat(r.statusCode()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> records = sortedByKeyOrder(kafka.readAll(rig.topic(), false),
                List.of(a.correlationId(), b.correlationId()));
        assertThat(records).hasSize(2);
        assertThat(value(records.get(0))).isEqualTo(eventA);
        assertThat(value(records.get(1))).isEqualTo(eventB);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(a.correlationId());
        assertThat(header(records.get(0), KafkaForwarder.HEADER_INTEGRATION)).isEqualTo("contoso");
        assertThat(header(records.get(0), KafkaForwarder.HEADER_ROUTE)).isEqualTo("acs");

        // CloudEvents: a batch, and a single structured event
        IncomingCall c = call("+14255550103");
        IncomingCall d = call("+14255550104");
        assertThat(AcsIncomingCalls.postCloudEvents(rig.acs("contoso", KEY), List.of(c, d))).isEqualTo(200);
        assertThat(post(rig.acs("contoso", KEY), AcsIncomingCalls.cloudEventJson(call("+14255550105"))).statusCode())
                .isEqualTo(200);
        List<String> values = kafka.readAll(rig.topic(), false).stream().map(AcsIngressTest::value).toList();
        assertThat(values).hasSize(5).contains(AcsIncomingCalls.cloudEventJson(c), AcsIncomingCalls.cloudEventJson(d));
    }

    @Test
    void refusesWhatIsNotAnEventAndAnswers503WhenKafkaDoesNotAcknowledge() throws Exception {
        Rig rig = rigWithKeyFile();
        assertThat(post(rig.acs("contoso", KEY), "[{\"hello\":1}]").statusCode()).isEqualTo(400);
        assertThat(post(rig.acs("contoso", KEY), "not json").statusCode()).isEqualTo(400);
        assertThat(post(rig.acs("contoso", KEY), "[]").statusCode()).isEqualTo(400);
        assertThat(kafka.readAll(rig.topic(), false)).isEmpty();

        Rig down = rig(false, e -> {
            e.put(IngressSettings.ACS_WEBHOOK_KEY, KEY);
            e.put("BEACON_INGRESS_SEND_TIMEOUT", "1000ms");
            e.put("BEACON_KAFKA_BOOTSTRAP", "127.0.0.1:1");
            return e;
        });
        HttpResponse<String> r = post(down.acs("contoso", KEY), AcsIncomingCalls.eventGridJson(
                List.of(call("+14255550106"))));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void theKeySettingIsCheckedAndNeverShown() {
        Map<String, String> env = IngressEnv.loopback(jwks, kafka.bootstrapServers(), "cs");
        env.put(IngressSettings.ACS_WEBHOOK_KEY, "too-short");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngressSettings.fromEnv(env))
                .hasMessageContaining("BEACON_ACS_WEBHOOK_KEY").hasMessageNotContaining("too-short");
        env.put(IngressSettings.ACS_WEBHOOK_KEY, KEY);
        IngressSettings s = IngressSettings.fromEnv(env);
        assertThat(s.describe()).contains("acs route key:      (set)").doesNotContain(KEY);
        assertThat(s.toString()).doesNotContain(KEY);
    }

    /** Records of several partitions, in the order of their keys in {@code keys}. */
    static List<ConsumerRecord<byte[], byte[]>> sortedByKeyOrder(List<ConsumerRecord<byte[], byte[]>> records,
                                                                 List<String> keys) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(records);
        out.sort(java.util.Comparator.comparingInt(r -> keys.indexOf(new String(r.key(), StandardCharsets.UTF_8))));
        return out;
    }
}
