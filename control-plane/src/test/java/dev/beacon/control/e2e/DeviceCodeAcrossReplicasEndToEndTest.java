package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.e2e.AuthCodeSignInEndToEndTest.Cli;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device-code sign-in behind an ordinary load balancer: two replicas of the real service on one database, each
 * {@code beaconctl login} landing on either. The login started on A, a second login on B shows the same code (one
 * device-code request at Entra), and the CLI polling B sees the approval A's MSAL received. A replica stopped
 * mid-flow leaves no sign-in "pending" for ever: after the code's lifetime the CLI polling B ends with expired, and
 * the next login starts afresh.
 */
class DeviceCodeAcrossReplicasEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String CLIENT_ID = "c0ffee00-0000-4000-8000-0000000000dc";
    private static final String DEVICE_CODE_CALLS = "/.*/oauth2/v2\\.0/devicecode";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anyReplicaAnswersTheLoginAndAStoppedReplicasSignInExpires() throws Exception {
        PG.truncateAll();
        String vaultKey = SealedBox.newKeyBase64();
        try (MicrosoftEmulator emulator = MicrosoftEmulator.start(AuthCodeSignInEndToEndTest.CLOCK)) {
            emulator.entra().deviceCodeTiming(java.time.Duration.ofMinutes(15), 1);
            ControlPlaneService.Running a = start(settings(emulator, vaultKey, "replica-a"));
            boolean aStopped = false;
            try (ControlPlaneService.Running b = start(settings(emulator, vaultKey, "replica-b"))) {
                a.controlPlane().addIntegration(new NewIntegration("contoso", null, EntraEndpoints.DEFAULT_TENANT,
                        CLIENT_ID, "device-code", null, null, null, List.of()));

                // 1. beaconctl login lands on A; a second login lands on B while it is pending: the same code
                StringWriter outA = new StringWriter();
                CompletableFuture<Cli> loginA = login(cli(a), outA);
                ControlPlaneEndToEndTest.await(() -> outA.toString().contains("Waiting for the sign-in"));
                String userCode = emulator.entra().lastDeviceCode().userCode();
                assertThat(outA.toString()).contains("Code:  " + userCode);
                StringWriter outB = new StringWriter();
                CompletableFuture<Cli> loginB = login(cli(b), outB);
                ControlPlaneEndToEndTest.await(() -> outB.toString().contains("Waiting for the sign-in"));
                assertThat(outB.toString()).contains("Code:  " + userCode)
                        .contains("Open:  " + emulator.baseUri() + "/devicelogin");
                assertThat(emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(1);
                assertThat(b.controlPlane().loginState("contoso").phase()).isEqualTo("pending");

                // 2. a person approves: A's MSAL gets the tokens, the CLI polling B sees it
                approveAsAPerson(emulator, userCode);
                Cli doneB = loginB.get();
                assertThat(doneB.exit()).as(doneB.out() + doneB.err()).isZero();
                assertThat(doneB.out()).endsWith("Signed in as desk@contoso.example.\n");
                assertThat(loginA.get().exit()).isZero();
                assertThat(PG.queryValue("SELECT count(*) FROM token_cache WHERE integration_id = 'contoso'"))
                        .isEqualTo(1L);

                // 3. a new login on A, then A stops mid-flow; the login on B joins A's (orphaned) sign-in
                StringWriter outA2 = new StringWriter();
                CompletableFuture<Cli> loginA2 = login(cli(a), outA2);
                ControlPlaneEndToEndTest.await(() -> outA2.toString().contains("Waiting for the sign-in"));
                String orphaned = emulator.entra().lastDeviceCode().userCode();
                assertThat(orphaned).isNotEqualTo(userCode);
                a.close();
                aStopped = true;
                assertThat(loginA2.get().exit()).isNotZero(); // its replica is gone
                StringWriter outB2 = new StringWriter();
                CompletableFuture<Cli> loginB2 = login(cli(b), outB2);
                ControlPlaneEndToEndTest.await(() -> outB2.toString().contains("Waiting for the sign-in"));
                assertThat(outB2.toString()).contains("Code:  " + orphaned);
                assertThat(emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(2);

                // 4. the code's lifetime passes (database clock): the CLI polling B stops with expired
                assertThat(PG.execute("UPDATE device_code_login SET live_until = now() - interval '1 second'"))
                        .isEqualTo(1);
                Cli expired = loginB2.get();
                assertThat(expired.exit()).isEqualTo(1);
                assertThat(expired.out()).contains("Sign-in ended: expired: sign-in: the device code expired")
                        .contains("run 'beaconctl login contoso' to start again");

                // 5. and the next login (on B) starts a new sign-in that B runs to the end
                StringWriter outB3 = new StringWriter();
                CompletableFuture<Cli> loginB3 = login(cli(b), outB3);
                ControlPlaneEndToEndTest.await(() -> outB3.toString().contains("Waiting for the sign-in"));
                String fresh = emulator.entra().lastDeviceCode().userCode();
                assertThat(fresh).isNotEqualTo(orphaned);
                assertThat(emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(3);
                approveAsAPerson(emulator, fresh);
                assertThat(loginB3.get().exit()).isZero();
                assertThat(PG.query("SELECT phase, username FROM device_code_login")).containsExactly(
                        Map.of("phase", "signed-in", "username", "desk@contoso.example"));
            } finally {
                if (!aStopped) {
                    a.close();
                }
            }
        }
    }

    private static CompletableFuture<Cli> login(Map<String, String> cli, StringWriter out) {
        return CompletableFuture.supplyAsync(() -> Cli.run(cli, out, "login", "contoso", "--poll-interval", "50ms",
                "--timeout", "60s"));
    }

    private static Map<String, String> cli(ControlPlaneService.Running replica) {
        return Map.of("BEACON_SERVER", "http://127.0.0.1:" + replica.port(),
                "BEACON_ADMIN_TOKEN", "replicas-admin-token");
    }

    private void approveAsAPerson(MicrosoftEmulator emulator, String userCode) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUri() + "/devicelogin"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("user_code=" + userCode + "&action=approve")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private static ControlPlaneService.Running start(ControlPlaneSettings settings) {
        return ControlPlaneService.start(settings, AuthCodeSignInEndToEndTest.CLOCK, SignInSettings.defaults());
    }

    private static ControlPlaneSettings settings(MicrosoftEmulator emulator, String vaultKey, String replica) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", vaultKey);
        env.put("BEACON_ADMIN_TOKEN", "replicas-admin-token");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_PUBLIC_URL", "https://beacon.example"); // both replicas behind one load balancer
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", replica);
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        return ControlPlaneSettings.fromEnv(env);
    }
}
