package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.AutoPostForm;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Auth-code sign-in as a new user does it: the real service, {@code beaconctl login} in-process, and a plain HTTP
 * client as the browser (no admin token, no cookies): the one-time link, Entra's authorize page (emulated,
 * {@code response_mode=form_post}, PKCE checked), the form POST to our callback, the code redeemed with the PKCE
 * verifier, tokens sealed in the vault. Then the link again (used), an altered one and an expired one: refused with
 * a page, no redirect. No secret in any log line.
 */
class AuthCodeSignInEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String CLIENT_ID = "c0ffee00-0000-4000-8000-0000000000ac";
    private static final String CLIENT_SECRET = "auth-code-e2e-client-secret-value";
    private static final Pattern LINK = Pattern.compile("Open:  (\\S+)");

    @TempDir
    Path dir;

    /** The service's and the CLI's clock (the CLI says when the link expires). */
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    final MutableClock clock = CLOCK;
    /** The browser: follows nothing by itself, sends no Authorization header. */
    final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void beaconctlLoginPrintsALinkABrowserSignsInWithOnce() throws Exception {
        PG.truncateAll();
        String vaultKey = SealedBox.newKeyBase64();
        Path secretFile = Files.writeString(dir.resolve("client-secret"), CLIENT_SECRET);
        try (CapturedLogs logs = CapturedLogs.atDebug();
             MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
            Map<String, String> env = env(emulator, vaultKey);
            List<String> secrets = new ArrayList<>(List.of(vaultKey, CLIENT_SECRET, env.get("BEACON_ADMIN_TOKEN")));
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env),
                    clock, SignInSettings.defaults())) {
                String base = "http://127.0.0.1:" + cp.port();
                Map<String, String> cli = Map.of("BEACON_SERVER", base, "BEACON_ADMIN_TOKEN",
                        env.get("BEACON_ADMIN_TOKEN"));

                Cli add = Cli.run(cli, "integrations", "add", "--id", "fabrikam", "--tenant",
                        EntraEndpoints.DEFAULT_TENANT, "--client-id", CLIENT_ID, "--auth-mode", "auth-code",
                        "--client-secret-file", secretFile.toString());
                assertThat(add.exit()).as(add.err()).isZero();
                assertThat(add.out()).isEqualTo("Added integration fabrikam (auth-code, status needs-sign-in).\n"
                        + "Next: beaconctl login fabrikam   (prints a one-time link to open in a browser; Entra must "
                        + "list fabrikam's callback /api/org/fabrikam/ms-teams/callback as a redirect URI)\n");

                // 1. beaconctl login prints the link and waits
                StringWriter loginOut = new StringWriter();
                CompletableFuture<Cli> login = CompletableFuture.supplyAsync(() -> Cli.run(cli, loginOut, "login",
                        "fabrikam", "--poll-interval", "50ms", "--timeout", "60s"));
                ControlPlaneEndToEndTest.await(() -> LINK.matcher(loginOut.toString()).find());
                Matcher m = LINK.matcher(loginOut.toString());
                assertThat(m.find()).isTrue();
                String link = m.group(1);
                assertThat(link).startsWith(base + "/api/org/fabrikam/ms-teams/connect?ticket=v1.");
                secrets.add(link.substring(link.indexOf("ticket=") + 7));

                // 2. the browser opens it: no admin token, straight to Entra
                HttpResponse<String> toEntra = get(URI.create(link));
                assertThat(toEntra.statusCode()).isEqualTo(302);
                URI authorize = URI.create(toEntra.headers().firstValue("Location").orElseThrow());
                assertThat(authorize.getHost()).isEqualTo("login.microsoftonline.com");
                assertThat(authorize.getRawQuery()).contains("response_mode=form_post")
                        .contains("code_challenge_method=S256").contains("code_challenge=");

                // 3. Entra (emulated) signs the person in and answers with a form that posts to our callback
                HttpResponse<String> page = get(emulator.baseUri().resolve(authorize.getRawPath() + "?"
                        + authorize.getRawQuery()));
                assertThat(page.statusCode()).isEqualTo(200);
                AutoPostForm form = AutoPostForm.parse(page.body());
                assertThat(form.action()).isEqualTo(base + "/api/org/fabrikam/ms-teams/callback");
                assertThat(form.fields()).containsKeys("code", "state");
                secrets.add(form.fields().get("code"));
                HttpResponse<String> done = browser.send(HttpRequest.newBuilder(URI.create(form.action()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(done.statusCode()).isEqualTo(200);
                assertThat(done.body()).contains("<h1>Signed in</h1>")
                        .contains("Beacon is signed in as desk@contoso.example. You can close this window.");

                // 4. the CLI sees it; tokens are in the vault; the integration is signed in
                Cli loggedIn = login.get();
                assertThat(loggedIn.exit()).as(loggedIn.out() + loggedIn.err()).isZero();
                assertThat(loggedIn.out()).endsWith("Waiting for the sign-in...\nSigned in as desk@contoso.example.\n");
                assertThat(emulator.entra().grantCount("authorization_code")).isEqualTo(1);
                assertThat(PG.queryValue("SELECT count(*) FROM token_cache WHERE integration_id = 'fabrikam'"))
                        .isEqualTo(1L);
                assertThat(PG.queryValue("SELECT status FROM integration WHERE integration_id = 'fabrikam'"))
                        .isEqualTo("active");
                assertThat(cp.controlPlane().signIn().graphToken("fabrikam").username())
                        .isEqualTo(EntraEndpoints.DEFAULT_USER.username());

                // 5. the same link again, an altered one, another integration's path: a page, no redirect
                int authorizeCalls = emulator.entra().authorizeAnswers();
                assertRefused(get(URI.create(link)), "This sign-in link was already used; a link works once. Run "
                        + "&#39;beaconctl login fabrikam&#39; for a new link.");
                String altered = link.substring(0, link.length() - 3) + (link.endsWith("AAA") ? "BBB" : "AAA");
                assertRefused(get(URI.create(altered)), "This sign-in link is not valid: it was changed, cut short, "
                        + "or not issued by this Beacon.");

                // 6. a link nobody opens in time expires
                Cli second = Cli.run(cli, new StringWriter(), "login", "fabrikam", "--poll-interval", "10ms",
                        "--timeout", "30ms");
                assertThat(second.exit()).isEqualTo(1);
                assertThat(second.out()).contains("The link expires in 10m00s.").contains("Still pending after 30ms");
                Matcher m2 = LINK.matcher(second.out());
                assertThat(m2.find()).isTrue();
                secrets.add(m2.group(1).substring(m2.group(1).indexOf("ticket=") + 7));
                clock.advance(Duration.ofMinutes(10));
                assertRefused(get(URI.create(m2.group(1))), "This sign-in link expired at ");
                assertThat(emulator.entra().authorizeAnswers()).isEqualTo(authorizeCalls);
                assertThat(get(URI.create(base + "/api/org/fabrikam/ms-teams/connect")).statusCode())
                        .isEqualTo(401);
            }
            secrets.addAll(emulator.entra().issuedAccessTokens());
            secrets.addAll(emulator.entra().issuedRefreshTokens());
            assertThat(logs.lines()).anyMatch(l -> l.contains("auth-code sign-in link issued"))
                    .anyMatch(l -> l.contains("sign-in link refused"));
            for (int i = 0; i < secrets.size(); i++) {
                String secret = secrets.get(i);
                assertThat(logs.lines()).as("log lines with secret #%d", i).noneMatch(line -> line.contains(secret));
            }
        }
    }

    private static void assertRefused(HttpResponse<String> r, String text) {
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("<h1>Sign-in link refused</h1>").contains(text);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> env(MicrosoftEmulator emulator, String vaultKey) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // a fixed port: the public URL (links, callback) names it
        }
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", vaultKey);
        env.put("BEACON_ADMIN_TOKEN", "admin-token-" + Integer.toHexString(vaultKey.hashCode()) + "-auth-code");
        env.put("BEACON_HTTP_PORT", String.valueOf(port));
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", "replica-a");
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        return env;
    }

    /** One beaconctl invocation in-process; {@code out} can be read while it runs. */
    record Cli(int exit, String out, String err) {
        static Cli run(Map<String, String> env, String... args) {
            return run(env, new StringWriter(), args);
        }

        static Cli run(Map<String, String> env, StringWriter out, String... args) {
            StringWriter err = new StringWriter();
            CommandLine cmd = BeaconCtl.commandLine(env, CLOCK);
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            int exit = cmd.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        }
    }
}
