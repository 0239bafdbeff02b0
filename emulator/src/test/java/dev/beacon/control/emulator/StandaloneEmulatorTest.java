package dev.beacon.control.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The emulator on its own (no control plane): the launcher's arguments and the wire contract it answers with. */
class StandaloneEmulatorTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void portArgumentForms() {
        assertThat(StandaloneEmulator.port()).isZero();
        assertThat(StandaloneEmulator.port("--port", "8089")).isEqualTo(8089);
        assertThat(StandaloneEmulator.port("--port=18089")).isEqualTo(18089);
        assertThatThrownBy(() -> StandaloneEmulator.port("--port", "x")).hasMessageContaining("--port");
        assertThatThrownBy(() -> StandaloneEmulator.port("--port", "70000")).hasMessageContaining("--port");
        assertThatThrownBy(() -> StandaloneEmulator.port("--bogus")).hasMessageContaining("--bogus");
    }

    @Test
    void answersDeviceCodeTokenPollingAndGraphAuthorizationInTheirWireShapes() throws Exception {
        try (MicrosoftEmulator emulator = MicrosoftEmulator.start(Clock.systemUTC())) {
            URI base = emulator.baseUri();

            JsonNode code = json.readTree(post(base.resolve("/organizations/oauth2/v2.0/devicecode"),
                    "client_id=demo-client&scope=offline_access%20ChatMessage.Read.All").body());
            assertThat(code.path("user_code").asText()).isNotBlank();
            assertThat(code.path("device_code").asText()).isNotBlank();

            HttpResponse<String> pending = post(base.resolve("/organizations/oauth2/v2.0/token"),
                    "grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=demo-client&device_code="
                            + code.path("device_code").asText());
            assertThat(pending.statusCode()).isEqualTo(400);
            assertThat(json.readTree(pending.body()).path("error").asText()).isEqualTo("authorization_pending");

            HttpResponse<String> unauthenticated = http.send(HttpRequest.newBuilder(
                    base.resolve("/v1.0/subscriptions")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauthenticated.statusCode()).isEqualTo(401);

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(base.resolve("/nowhere")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json.readTree(unknown.body()).path("error").path("code").asText()).isEqualTo("NotFound");
        }
    }

    private HttpResponse<String> post(URI uri, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
