package dev.beacon.control.cli;

import static dev.beacon.control.http.RecordingOperations.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.http.RecordingOperations;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeaconCtlTest {

    static final String TOKEN = "admin-token-0123456789abcdef";

    @TempDir
    Path dir;

    private RecordingOperations ops;
    private ControlPlaneHttp http;
    private final Map<String, String> env = new HashMap<>();

    /** What one run printed, and its exit code. */
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
        BeaconCtl.useServiceLauncher(null);
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, new MutableClock(RecordingOperations.NOW))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void statusPrintsAlignedTablesWithRelativeTimes() {
        Run r = run("status");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("answered by replica-a at 2026-11-22T10:00:00Z");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains(
                "INTEGRATION  STATUS  AUTH         LEADER     NEEDS HUMAN  DETAIL",
                "contoso      active  device-code  replica-a  no           -",
                "INTEGRATION  ACCOUNT                 ACCESS TOKEN       REFRESHED   SIGN IN AGAIN  DETAIL",
                "contoso      svc-beacon@contoso.com  expires in 50m00s  24h00m ago  no             -",
                "SUBSCRIPTION  INTEGRATION  POLICY  STATE   EXPIRES    RENEWALS  FAILURES  LAST NOTIFICATION  LAST ERROR",
                "GAP  INTEGRATION  RESOURCE                         SUBSCRIPTION  SINCE       REASON",
                "7    contoso      /users/u-1/chats/getAllMessages  sub-0         20m00s ago  missed");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "sub-1 +contoso +- +active +in 35h12m +3 +0 +1m30s ago +-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "sub-2 +contoso +- +active +in 10m00s +0 +2 +1m30s ago +429 throttled, retry after 30 s"));
        assertThat(lines).containsSequence("Hydration (this replica)",
                "RUNNING  PARTITIONS  IN FLIGHT  DONE  PUBLISHED  DELETED  DEAD LETTERS  RETRIES  LAG  WAITING  "
                        + "LAST FAILURE",
                "yes      0,2         5/8        1200  1190       4        6             3        57   1        "
                        + "GRAPH_THROTTLED: Graph answered 503 (12s ago)");
    }

    @Test
    void statusJsonIsTheRawReport() {
        Run r = run("status", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"replicaId\" : \"replica-a\"").contains("\"generatedAt\" : \"2026-11-22T10:00:00Z\"");
        assertThat(r.out()).contains("\"hydration\" : {", "\"running\" : true", "\"inFlight\" : 5", "\"lag\" : 57",
                "\"deadLettered\" : 6", "\"lastFailure\" : \"GRAPH_THROTTLED: Graph answered 503\"");
    }

    @Test
    void addReadsTheSecretFromAFileAndNeverPrintsIt() throws Exception {
        Path secret = Files.writeString(dir.resolve("client-secret"), SECRET + "\n");
        Run r = run("integrations", "add", "--id", "fabrikam", "--tenant", "fabrikam.onmicrosoft.com",
                "--client-id", "c0ffee00-0000-4000-8000-000000000001", "--auth-mode", "client-credentials", "--client-secret-file", secret.toString(),
                "--resource", "/chats/getAllMessages", "--notification-url", "EventHub:https://ns/eh?tenantId=t",
                "--lifetime-minutes", "60", "--no-resource-data");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("Added integration fabrikam (client-credentials, status needs-sign-in).\n"
                + "Next: beaconctl status   (app-only: no sign-in; the leader gets tokens with the client credential "
                + "and creates the subscriptions)\n");
        assertThat(r.out() + r.err()).doesNotContain(SECRET);
        assertThat(ops.added).singleElement().satisfies(n -> {
            assertThat(n.credential()).isEqualTo(SECRET);
            assertThat(n.credentialKind()).isEqualTo("secret");
            assertThat(n.tenantId()).isEqualTo("fabrikam.onmicrosoft.com");
            assertThat(n.subscriptions()).singleElement().satisfies(d -> {
                assertThat(d.resource()).isEqualTo("/chats/getAllMessages");
                assertThat(d.notificationUrl()).isEqualTo("EventHub:https://ns/eh?tenantId=t");
                assertThat(d.includeResourceData()).isFalse();
                assertThat(d.lifetimeMinutes()).isEqualTo(60);
            });
        });
    }

    @Test
    void addWithACertificateSendsThePkcs12AndItsPasswordFromFiles() throws Exception {
        byte[] p12 = {0x30, (byte) 0x82, 0x01, 0x02, 0x7f};
        Path cert = Files.write(dir.resolve("client.p12"), p12);
        Path pw = Files.writeString(dir.resolve("p12-password"), "p12-pass-word\n");
        Run r = run("integrations", "add", "--id", "tailspin", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001",
                "--auth-mode", "auth-code", "--certificate-file", cert.toString(),
                "--certificate-password-file", pw.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("Added integration tailspin (auth-code, status needs-sign-in).\n"
                + "Next: beaconctl login tailspin   (prints a one-time link to open in a browser; Entra must list "
                + "tailspin's callback /api/org/tailspin/ms-teams/callback as a redirect URI)\n");
        assertThat(ops.added).singleElement().satisfies(n -> {
            assertThat(n.credentialKind()).isEqualTo("certificate");
            assertThat(Base64.getDecoder().decode(n.credential())).isEqualTo(p12);
            assertThat(n.credentialPassword()).isEqualTo("p12-pass-word");
            assertThat(n.subscriptions()).isEmpty();
        });
    }

    @Test
    void secretsAreNotAcceptedAsArgumentValues() {
        Run r = run("integrations", "add", "--id", "x", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001", "--auth-mode",
                "client-credentials", "--client-secret", SECRET);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(ops.added).isEmpty();
    }

    @Test
    void loginPollsUntilSignedIn() {
        ops.loginStates.add(pending("pending"));
        ops.loginStates.add(pending("slow-down"));
        ops.loginStates.add(new LoginView("contoso", "signed-in", null, null, null, null, "svc-beacon@contoso.com",
                null));
        Run r = run("login", "contoso", "--poll-interval", "10ms");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Open:  https://microsoft.com/devicelogin", "Code:  ABCD-EFGH",
                "enter the code ABCD-EFGH to authenticate.", "The code expires in 15m00s.", "  slow-down",
                "Signed in as svc-beacon@contoso.com.");
        assertThat(ops.calls.stream().filter(c -> c.equals("loginState contoso")).count()).isEqualTo(3);
        assertThat(ops.calls).contains("startLogin contoso", "startDeviceCodeLogin contoso");
    }

    @Test
    void addDeviceCodeSaysLoginShowsACode() {
        Run r = run("integrations", "add", "--id", "wingtip", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001",
                "--auth-mode", "device-code");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("Added integration wingtip (device-code, status needs-sign-in).\n"
                + "Next: beaconctl login wingtip   (shows a code to enter at Microsoft's sign-in page)\n");
    }

    @Test
    void loginForAnAuthCodeIntegrationPrintsTheOneTimeLinkAndWaits() {
        ops.integrations.put("fabrikam", new IntegrationView("fabrikam", "Fabrikam", "t", "c", "auth-code",
                "needs-sign-in", null, true, null, List.of(), RecordingOperations.NOW));
        ops.loginStates.add(pending("pending"));
        ops.loginStates.add(new LoginView("fabrikam", "signed-in", null, null, null, null, "svc@fabrikam.com",
                null));
        Run r = run("login", "fabrikam", "--poll-interval", "10ms");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("Open:  " + RecordingOperations.CONNECT_LINK + "\n"
                + "Open this link in a browser and sign in with the service account. It works once, needs no admin "
                + "token, and expires in 10 minutes.\n"
                + "The link expires in 10m00s.\n"
                + "Waiting for the sign-in...\n"
                + "Signed in as svc@fabrikam.com.\n");
        assertThat(ops.calls).contains("startLogin fabrikam").doesNotContain("startDeviceCodeLogin fabrikam");
    }

    @Test
    void loginForClientCredentialsSaysThereIsNothingToSignIn() {
        ops.integrations.put("app", new IntegrationView("app", "App", "t", "c", "client-credentials",
                "active", null, false, null, List.of(), RecordingOperations.NOW));
        Run r = run("login", "app");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: HTTP 400: integration 'app' uses client-credentials: app-only tokens "
                + "come from its client secret or certificate, nobody signs in\n");
    }

    @Test
    void loginThatEndsOtherwiseExitsWithOne() {
        ops.loginStates.add(pending("pending"));
        ops.loginStates.add(new LoginView("contoso", "declined", null, null, null, null, null,
                "the user declined the sign-in"));
        Run r = run("login", "contoso", "--poll-interval", "10ms");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Sign-in ended: declined: the user declined the sign-in");

        ops.loginStates.clear();
        ops.loginStates.add(pending("pending"));
        r = run("login", "contoso", "--poll-interval", "10ms", "--timeout", "50ms");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Still pending after 50ms");
    }

    @Test
    void apiErrorsAndAWrongTokenExitWithOne() throws Exception {
        Run r = run("login", "nobody");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: HTTP 404: no integration 'nobody'\n");

        Path wrong = Files.writeString(dir.resolve("token"), "not-the-token\n");
        r = run("status", "--admin-token-file", wrong.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("refused the admin token").doesNotContain("not-the-token");

        env.remove("BEACON_ADMIN_TOKEN");
        Path right = Files.writeString(dir.resolve("right"), TOKEN + "\n");
        env.put("BEACON_ADMIN_TOKEN_FILE", right.toString());
        assertThat(run("integrations", "list").exit()).isZero();

        env.put("BEACON_SERVER", "http://127.0.0.1:1");
        r = run("integrations", "list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: cannot reach http://127.0.0.1:1");
    }

    @Test
    void listRenewDeleteRotateAndRemove() {
        Run r = run("integrations", "list");
        assertThat(r.out().lines()).containsExactly(
                "INTEGRATION  NAME         TENANT          CLIENT          AUTH         STATUS  FLAGS  BACKFILL USERS  LEADER",
                "contoso      Contoso Ltd  tenant-contoso  client-contoso  device-code  active  -      -               replica-a");

        r = run("subscriptions", "list", "--integration", "contoso");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("sub-1", "sub-2", "in 35h12m");

        r = run("subscriptions", "renew", "sub-1");
        assertThat(r.out()).isEqualTo("Renewed sub-1: expires in 72h00m (4 renewals).\n");

        r = run("subscriptions", "delete", "sub-2");
        assertThat(r.exit()).isZero();
        assertThat(ops.subscriptions).doesNotContainKey("sub-2");

        r = run("certs", "rotate", "contoso");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "CERTIFICATE  NOT AFTER   CREATED      RETIRED  SUBSCRIPTIONS",
                "cert-2       in 365d00h  now          -        2",
                "cert-1       in 30d00h   335d00h ago  now      0");

        r = run("backfill", "contoso");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "Backfill of contoso requested; its leader runs it at its next round.",
                "INTEGRATION  LAST RUN   OUTCOME  LISTED THROUGH  PUBLISHED  GAPS WAITING  NEXT ATTEMPT",
                "contoso      5m00s ago  ok       5m00s ago       3          1             requested");
        assertThat(ops.calls).contains("requestBackfill contoso");

        r = run("directory", "sync", "contoso");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "Directory sync of contoso requested; its leader runs it at its next round.",
                "INTEGRATION  STATUS  LAST SYNC   PUBLISHED  MODE   NEXT ATTEMPT  DETAIL",
                "contoso      ok      50m00s ago  1200       delta  requested     -");
        assertThat(ops.calls).contains("requestDirectorySync contoso");

        r = run("integrations", "remove", "contoso");
        assertThat(r.out()).isEqualTo("Removed integration contoso.\n");
        assertThat(run("integrations", "remove", "contoso").exit()).isEqualTo(1);
    }

    @Test
    void serveValidatesSettingsAndCallsTheLauncher() throws Exception {
        AtomicReference<ControlPlaneSettings> launched = new AtomicReference<>();
        BeaconCtl.useServiceLauncher(launched::set);
        Run r = run("serve");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("BEACON_JDBC_URL is not set");
        assertThat(launched.get()).isNull();

        env.put("BEACON_JDBC_URL", "jdbc:postgresql://db/beacon");
        env.put("BEACON_JDBC_USER", "beacon");
        env.put("BEACON_JDBC_PASSWORD_FILE", Files.writeString(dir.resolve("pw"), "db-password\n").toString());
        r = run("serve");
        assertThat(r.exit()).isZero();
        assertThat(launched.get().jdbcPassword()).isEqualTo("db-password");
        assertThat(launched.get().adminToken()).isEqualTo(TOKEN);
        assertThat(r.out() + r.err()).doesNotContain("db-password").doesNotContain(TOKEN);
    }

    @Test
    void noSecretInAnyOutput() throws Exception {
        Path secret = Files.writeString(dir.resolve("s"), SECRET);
        List<Run> runs = new ArrayList<>();
        runs.add(run("integrations", "add", "--id", "fab", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001", "--auth-mode",
                "client-credentials", "--client-secret-file", secret.toString()));
        runs.add(run("status"));
        runs.add(run("status", "--json"));
        runs.add(run("integrations", "list"));
        runs.add(run("subscriptions", "list", "--integration", "explode"));
        for (Run r : runs) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain(TOKEN);
        }
        assertThat(runs.get(4).exit()).isEqualTo(1);
        assertThat(runs.get(4).err()).startsWith("error: HTTP 500: internal error").contains("error id");
        assertThat(new String(Files.readAllBytes(secret), StandardCharsets.UTF_8)).isEqualTo(SECRET);
    }

    private static LoginView pending(String phase) {
        return new LoginView("contoso", phase, "https://microsoft.com/devicelogin", "ABCD-EFGH", "wait",
                RecordingOperations.NOW.plusSeconds(900), null, null);
    }

    // ---- the webhook ingress: its command and the integrations shorthand ----------------------------------------

    @Test
    void ingressNamesEveryMissingSettingAndExits1() {
        Run r = run("ingress");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("BEACON_KAFKA_BOOTSTRAP").contains("BEACON_CLIENT_STATE")
                .contains("BEACON_INGRESS_APP_IDS");
    }

    @Test
    void addWithTheIngressShorthandSubscribesToTheIntegrationsRoutes() {
        // The CLI's environment is not the server's: the shorthand goes as is, the reconciler resolves it.
        env.put("BEACON_INGRESS_PUBLIC_URL", "https://hooks.example.com/beacon/");
        Run r = run("integrations", "add", "--id", "fabrikam", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001",
                "--auth-mode", "device-code", "--resource", "/chats/getAllMessages", "--notification-url", "ingress");
        assertThat(r.exit()).as(r.err()).isZero();
        var d = ops.added.get(0).subscriptions().get(0);
        assertThat(d.notificationUrl()).isEqualTo("ingress");
        assertThat(d.lifecycleNotificationUrl()).isNull();

        Run explicit = run("integrations", "add", "--id", "tailspin", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001",
                "--auth-mode", "device-code", "--notification-url", "ingress", "--ingress-url",
                "https://in.example.net:8443");
        assertThat(explicit.exit()).as(explicit.err()).isZero();
        assertThat(ops.added.get(1).subscriptions().get(0).notificationUrl())
                .isEqualTo("https://in.example.net:8443/webhooks/graph/tailspin");
    }

    @Test
    void aPinnedIngressUrlMustBeHttps() {
        Run plainHttp = run("integrations", "add", "--id", "x", "--tenant", "contoso.com", "--client-id", "c0ffee00-0000-4000-8000-000000000001", "--auth-mode",
                "device-code", "--notification-url", "ingress", "--ingress-url", "http://in.example.net");
        assertThat(plainHttp.exit()).isEqualTo(1);
        assertThat(plainHttp.err()).contains("https");
        assertThat(ops.added).isEmpty();
    }
}
