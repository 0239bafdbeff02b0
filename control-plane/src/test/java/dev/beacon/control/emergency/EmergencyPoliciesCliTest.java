package dev.beacon.control.emergency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaconctl integrations add --emergency-policy} and {@code integrations set-policies} against a running
 * control plane (PostgreSQL, the emulator): the policies are stored, subscribed to with a client-credentials token,
 * shown with their policy, and refused for a delegated integration.
 */
class EmergencyPoliciesCliTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    static final String CLIENT_ID = "22222222-3333-4444-5555-666666666666";
    static final String CLIENT_SECRET = "app-secret-for-the-emulator";
    static final String HUB = "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso";
    static final String ADMIN = "emergency-admin-token-0123456789";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));

    record Run(int exit, String out, String err) {}

    Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, clock).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void addSetAndListEmergencyPolicies() throws Exception {
        PG.truncateAll();
        Path secret = dir.resolve("secret");
        Files.writeString(secret, CLIENT_SECRET);
        try (MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
            Map<String, String> env = new HashMap<>();
            env.put("BEACON_JDBC_URL", PG.jdbcUrl());
            env.put("BEACON_JDBC_USER", PG.user());
            env.put("BEACON_JDBC_PASSWORD", PG.password());
            env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
            env.put("BEACON_ADMIN_TOKEN", ADMIN);
            env.put("BEACON_HTTP_PORT", "0");
            env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
            env.put("BEACON_RECONCILE_INTERVAL", "1h");
            env.put("BEACON_LEASE_DURATION", "3h");
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock,
                    SignInSettings.defaults())) {
                Map<String, String> cli = Map.of("BEACON_SERVER", "http://127.0.0.1:" + cp.port(),
                        "BEACON_ADMIN_TOKEN", ADMIN);

                Run added = run(cli, "integrations", "add", "--id", "fabrikam", "--tenant",
                        EntraEndpoints.DEFAULT_TENANT, "--client-id", CLIENT_ID, "--auth-mode", "client-credentials",
                        "--client-secret-file", secret.toString(), "--resource", "/chats/getAllMessages?model=B",
                        "--notification-url", HUB, "--emergency-policy", "US Emergency");
                assertThat(added.exit()).as(added.err()).isZero();
                assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().emergencyPolicies())
                        .containsExactly("US Emergency");

                Run delegated = run(cli, "integrations", "add", "--id", "acme", "--tenant", "contoso.com",
                        "--client-id", CLIENT_ID, "--auth-mode", "device-code", "--notification-url", HUB,
                        "--emergency-policy", "US Emergency");
                assertThat(delegated.exit()).isNotZero();
                assertThat(delegated.err()).contains("CallEvents-Emergency.Read.All");
                assertThat(cp.controlPlane().integration("acme")).isEmpty();

                Run set = run(cli, "integrations", "set-policies", "fabrikam", "US Emergency", "O'Brien desk");
                assertThat(set.exit()).as(set.err()).isZero();
                assertThat(set.out()).contains("emergency policies: O'Brien desk, US Emergency");

                cp.controlPlane().tick();

                List<EmulatedSubscription> inGraph = emulator.graph().subscriptions();
                assertThat(inGraph).extracting(EmulatedSubscription::resource).containsExactlyInAnyOrder(
                        "/chats/getAllMessages?model=B",
                        "communications/calls/getEmergencyEventsByPolicy(policyName='US Emergency')",
                        "communications/calls/getEmergencyEventsByPolicy(policyName='O''Brien desk')");
                assertThat(emulator.countCalls("POST", "/beta/subscriptions")).isEqualTo(2);

                Run listed = run(cli, "subscriptions", "list");
                assertThat(listed.exit()).as(listed.err()).isZero();
                assertThat(listed.out()).contains("US Emergency", "O'Brien desk");

                Run none = run(cli, "integrations", "set-policies", "fabrikam");
                assertThat(none.exit()).as(none.err()).isZero();
                assertThat(none.out()).contains("has no emergency policies");
            }
        }
    }
}
