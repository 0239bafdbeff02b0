package dev.beacon.system.alerts;

import static dev.beacon.system.BeaconSystem.await;
import static dev.beacon.system.BeaconSystem.deskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.beacon.control.alerts.AddedAlertRoute;
import dev.beacon.control.alerts.NewAlertRoute;
import dev.beacon.control.alerts.WebhookSender;
import dev.beacon.system.BeaconSystem;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desk message through the whole system (emulated Graph → Event Hubs → the job → emergency-call-facts) becomes a
 * signed webhook alert from the control plane's notifier; a test call (933) goes to the test route only.
 */
class AlertsSystemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Received(String path, String timestamp, String signature, byte[] body) {}

    @TempDir
    Path dir;

    @Test
    void aCallThroughTheJobAlertsTheWebhookAndATestCallTheTestRoute() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            received.add(new Received(ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst(WebhookSender.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(WebhookSender.SIGNATURE_HEADER), body));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (BeaconSystem beacon = BeaconSystem.start(dir, BeaconSystem.Options.forTests()).startJob()) {
            var routes = beacon.controlPlane.controlPlane().alerts().routes();
            AddedAlertRoute real = routes.add(BeaconSystem.INTEGRATION, new NewAlertRoute("desk", "webhook", "real",
                    base + "/real", null, null));
            routes.add(BeaconSystem.INTEGRATION, new NewAlertRoute("drills", "webhook", "test", base + "/test",
                    "drill-secret-0123456789", null));

            Instant now = Instant.now();
            assertThat(beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "2001",
                    BeaconSystem.ADA.id(), "Ada Lovelace", "911", "Building 42", now))).isEqualTo(200);
            assertThat(beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "2002",
                    BeaconSystem.GRACE.id(), "Grace Hopper", "933", "Floor 3", now))).isEqualTo(200);
            // The directory's details may reach the job before or after a call's first revision; when after, the
            // fact gets a new revision and the route an update. Wait until both routes have what they will keep.
            await("an alert on each route, the real one with the directory's details", Duration.ofSeconds(90),
                    () -> latest(received, "/test") != null && latest(received, "/real") != null
                            && "Analytical Engines".equals(json(latest(received, "/real")).at("/summary/Department")
                            .asText()));

            Received alert = received.stream().filter(r -> r.path().equals("/real")).findFirst().orElseThrow();
            assertThat(alert.signature()).isEqualTo("sha256=" + WebhookSender.sign(
                    real.generatedSecret().getBytes(StandardCharsets.UTF_8), alert.timestamp(), alert.body()));
            JsonNode body = JSON.readTree(alert.body());
            // (the alert comes from the Kafka facts topic; PostgreSQL's sink may write the row a moment later)
            await("Ada's row", Duration.ofSeconds(30), () -> !beacon.postgres.query(
                    "SELECT 1 FROM emergency_call WHERE caller_user_id = ?", BeaconSystem.ADA.id()).isEmpty());
            Object adaFact = beacon.postgres.queryValue("SELECT fact_id FROM emergency_call WHERE caller_user_id = ?",
                    BeaconSystem.ADA.id());
            assertThat(body.get("fact_id").asText()).isEqualTo(adaFact.toString());
            assertThat(body.get("type").asText()).isEqualTo("beacon.alert.created");
            assertThat(json(latest(received, "/real")).get("title").asText()).isEqualTo(
                    "Emergency call: Ada Lovelace (ada@contoso.example) dialled 911");
            assertThat(received.stream().filter(r -> r.path().equals("/real"))
                    .map(r -> json(r).get("fact_id").asText()).distinct().toList())
                    .as("one call, one alert thread").containsExactly(adaFact.toString());

            Received drill = received.stream().filter(r -> r.path().equals("/test")).findFirst().orElseThrow();
            assertThat(JSON.readTree(drill.body()).get("title").asText()).startsWith("[TEST] Emergency call: Grace "
                    + "Hopper");
            assertThat(beacon.postgres.query("SELECT DISTINCT route_id, status, attempts FROM alert_delivery "
                    + "ORDER BY route_id")).containsExactly(
                    Map.of("route_id", "desk", "status", "delivered", "attempts", 1),
                    Map.of("route_id", "drills", "status", "delivered", "attempts", 1));
        } finally {
            receiver.stop(0);
        }
    }

    private static Received latest(List<Received> received, String path) {
        Received last = null;
        for (Received r : received) {
            if (r.path().equals(path)) {
                last = r;
            }
        }
        return last;
    }

    private static JsonNode json(Received r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
