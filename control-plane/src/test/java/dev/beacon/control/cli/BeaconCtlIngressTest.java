package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.http.RecordingOperations;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code beaconctl ingress} and {@code integrations add --notification-url ingress}. */
class BeaconCtlIngressTest {

    static final String TOKEN = "admin-token-0123456789abcdef";

    private RecordingOperations ops;
    private ControlPlaneHttp http;
    private final Map<String, String> env = new HashMap<>();

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        ops = new RecordingOperations();
        MutableClock clock = new MutableClock(RecordingOperations.NOW);
        http = new ControlPlaneHttp(ops, new ControlPlaneMetrics(ops::status, clock, Duration.ofSeconds(5)),
                AdminAuth.token(TOKEN)).start("127.0.0.1", 0);
        env.put("BEACON_SERVER", "http://127.0.0.1:" + http.port());
        env.put("BEACON_ADMIN_TOKEN", TOKEN);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, new MutableClock(RecordingOperations.NOW))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void ingressNamesEveryMissingSettingAndExits1() {
        Run r = run("ingress");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("BEACON_KAFKA_BOOTSTRAP").contains("BEACON_CLIENT_STATE")
                .contains("BEACON_INGRESS_APP_IDS");
    }

    @Test
    void addWithTheIngressShorthandSubscribesToTheIntegrationsRoutes() {
        env.put("BEACON_INGRESS_PUBLIC_URL", "https://hooks.example.com/beacon/");
        Run r = run("integrations", "add", "--id", "fabrikam", "--tenant", "t", "--client-id", "c",
                "--auth-mode", "device-code", "--resource", "/chats/getAllMessages", "--notification-url", "ingress");
        assertThat(r.exit()).as(r.err()).isZero();
        var d = ops.added.get(0).subscriptions().get(0);
        assertThat(d.notificationUrl()).isEqualTo("https://hooks.example.com/beacon/webhooks/graph/fabrikam");
        assertThat(d.lifecycleNotificationUrl())
                .isEqualTo("https://hooks.example.com/beacon/webhooks/graph/fabrikam/lifecycle");

        Run explicit = run("integrations", "add", "--id", "tailspin", "--tenant", "t", "--client-id", "c",
                "--auth-mode", "device-code", "--notification-url", "ingress", "--ingress-url",
                "https://in.example.net:8443");
        assertThat(explicit.exit()).as(explicit.err()).isZero();
        assertThat(ops.added.get(1).subscriptions().get(0).notificationUrl())
                .isEqualTo("https://in.example.net:8443/webhooks/graph/tailspin");
    }

    @Test
    void theIngressShorthandNeedsAnHttpsPublicUrl() {
        Run none = run("integrations", "add", "--id", "x", "--tenant", "t", "--client-id", "c", "--auth-mode",
                "device-code", "--notification-url", "ingress");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("BEACON_INGRESS_PUBLIC_URL");
        Run plainHttp = run("integrations", "add", "--id", "x", "--tenant", "t", "--client-id", "c", "--auth-mode",
                "device-code", "--notification-url", "ingress", "--ingress-url", "http://in.example.net");
        assertThat(plainHttp.exit()).isEqualTo(1);
        assertThat(plainHttp.err()).contains("https");
        assertThat(ops.added).isEmpty();
    }
}
