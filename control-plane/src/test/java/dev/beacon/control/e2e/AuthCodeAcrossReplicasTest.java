package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.AutoPostForm;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.e2e.AuthCodeSignInEndToEndTest.Cli;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Auth-code sign-in behind an ordinary load balancer: two replicas of the real service on one database and one
 * public URL, the browser's requests landing on either. The link opened on A, Entra's form_post delivered to B:
 * signed in, and {@code beaconctl login} polling A sees it. Replays on the other replica are refused (state and
 * ticket are single-use across replicas), an expired state is refused, and a restart between {@code /connect}
 * and {@code /callback} loses nothing. The new tables hold hashes and sealed boxes, never the state, the verifier
 * or the ticket.
 */
class AuthCodeAcrossReplicasTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String CLIENT_ID = "c0ffee00-0000-4000-8000-0000000000ad";
    private static final String CLIENT_SECRET = "auth-code-replicas-client-secret";
    private static final String PUBLIC_URL = "https://beacon.example";
    private static final String CALLBACK = PUBLIC_URL + "/api/org/fabrikam/ms-teams/callback";
    private static final Pattern LINK = Pattern.compile("Open:  (\\S+)");

    final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final List<String> secrets = new ArrayList<>();

    @Test
    void theBrowserMayReachAnyReplicaAndEachStateAndTicketWorksOnce() throws Exception {
        PG.truncateAll();
        String vaultKey = SealedBox.newKeyBase64();
        SealedBox box = SealedBox.fromBase64(vaultKey, List.of());
        try (CapturedLogs logs = CapturedLogs.atDebug();
             MicrosoftEmulator emulator = MicrosoftEmulator.start(AuthCodeSignInEndToEndTest.CLOCK)) {
            emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
            ControlPlaneSettings settingsA = settings(emulator, vaultKey, "replica-a");
            ControlPlaneService.Running a = start(settingsA);
            try (ControlPlaneService.Running b = start(settings(emulator, vaultKey, "replica-b"))) {
                a.controlPlane().addIntegration(new NewIntegration("fabrikam", null, EntraEndpoints.DEFAULT_TENANT,
                        CLIENT_ID, "auth-code", "secret", CLIENT_SECRET, null, List.of()));

                // 1. beaconctl login against A prints the link and polls A
                Map<String, String> cliA = Map.of("BEACON_SERVER", "http://127.0.0.1:" + a.port(),
                        "BEACON_ADMIN_TOKEN", "replicas-admin-token");
                StringWriter loginOut = new StringWriter();
                CompletableFuture<Cli> login = CompletableFuture.supplyAsync(() -> Cli.run(cliA, loginOut, "login",
                        "fabrikam", "--poll-interval", "50ms", "--timeout", "60s"));
                ControlPlaneEndToEndTest.await(() -> LINK.matcher(loginOut.toString()).find());
                Matcher m = LINK.matcher(loginOut.toString());
                assertThat(m.find()).isTrue();
                String link = m.group(1);
                assertThat(link).startsWith(PUBLIC_URL + "/api/org/fabrikam/ms-teams/connect?ticket=v1.");
                secrets.add(ticketOf(link));
                // the pending login, with its link, is what B answers too (the CLI's poll may land there)
                assertThat(b.controlPlane().loginState("fabrikam").phase()).isEqualTo("pending");
                assertThat(b.controlPlane().loginState("fabrikam").verificationUri()).isEqualTo(link);

                // 2. the link opened on A: one used nonce, one pending state, both without their secrets
                URI authorize = connect(a, link);
                String state = query(authorize).get("state");
                secrets.add(state);
                assertThat(PG.queryValue("SELECT count(*) FROM connect_ticket_use")).isEqualTo(1L);
                assertThat(PG.query("SELECT integration_id, encode(state_hash, 'hex') AS hash, "
                        + "expires_at - created_at = interval '10 minutes' AS ten_minutes FROM auth_code_state"))
                        .containsExactly(Map.of("integration_id", "fabrikam", "hash", sha256Hex(state),
                                "ten_minutes", true));
                byte[] sealed = (byte[]) PG.queryValue("SELECT pending_sealed FROM auth_code_state");
                String pending = box.openString(sealed, SealPurpose.authCodeState("fabrikam", sha256Hex(state)));
                String verifier = pending.substring(0, pending.indexOf('\n'));
                secrets.add(verifier);
                assertThat(pending).isEqualTo(verifier + "\n" + CALLBACK);
                assertThat(s256(verifier)).isEqualTo(query(authorize).get("code_challenge"));
                assertNotIn(sealed, state, verifier);
                assertNotIn((byte[]) PG.queryValue("SELECT state_hash FROM auth_code_state"), state, verifier);
                assertThat(PG.queryValue("SELECT link_sealed IS NOT NULL FROM auth_code_login")).isEqualTo(true);
                assertNotIn((byte[]) PG.queryValue("SELECT link_sealed FROM auth_code_login"), link, ticketOf(link));

                // 3. Entra's form_post lands on B: signed in, the state row consumed, beaconctl (polling A) sees it
                AutoPostForm form = entra(emulator, authorize);
                HttpResponse<String> done = post(b, form);
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(done.body()).contains("Beacon is signed in as desk@contoso.example.");
                Cli loggedIn = login.get();
                assertThat(loggedIn.out()).endsWith("Waiting for the sign-in...\nSigned in as desk@contoso.example.\n");
                assertThat(loggedIn.exit()).isZero();
                assertThat(emulator.entra().grantCount("authorization_code")).isEqualTo(1);
                assertThat(PG.queryValue("SELECT count(*) FROM auth_code_state")).isEqualTo(0L);
                assertThat(PG.queryValue("SELECT count(*) FROM token_cache WHERE integration_id = 'fabrikam'"))
                        .isEqualTo(1L);
                assertThat(PG.query("SELECT phase, username, link_sealed IS NULL AS no_link FROM auth_code_login"))
                        .containsExactly(Map.of("phase", "signed-in", "username", "desk@contoso.example",
                                "no_link", true));

                // 4. the same callback replayed on A: the state is spent; Entra is not asked again
                HttpResponse<String> replay = post(a, form);
                assertThat(replay.statusCode()).isEqualTo(400);
                assertThat(replay.body()).contains("Sign-in ended as failed: sign-in: unknown or already used state; "
                        + "start the sign-in again");
                assertThat(emulator.entra().grantCount("authorization_code")).isEqualTo(1);

                // 5. the ticket used on A, again on B: 403, no redirect
                HttpResponse<String> again = get(b, link);
                assertThat(again.statusCode()).isEqualTo(403);
                assertThat(again.headers().firstValue("Location")).isEmpty();
                assertThat(again.body()).contains("This sign-in link was already used; a link works once.");
                assertThat(PG.queryValue("SELECT count(*) FROM connect_ticket_use")).isEqualTo(1L);

                // 6. a state past its ten minutes (database clock) is refused, and spent
                String second = b.controlPlane().startLogin("fabrikam").verificationUri();
                secrets.add(ticketOf(second));
                URI authorize2 = connect(b, second);
                secrets.add(query(authorize2).get("state"));
                AutoPostForm late = entra(emulator, authorize2);
                assertThat(PG.execute("UPDATE auth_code_state SET expires_at = now() - interval '1 second'"))
                        .isEqualTo(1);
                HttpResponse<String> expired = post(a, late);
                assertThat(expired.statusCode()).isEqualTo(400);
                assertThat(expired.body()).contains("Sign-in ended as failed: sign-in: the state expired; start the "
                        + "sign-in again");
                assertThat(PG.queryValue("SELECT count(*) FROM auth_code_state")).isEqualTo(0L);
                assertThat(emulator.entra().grantCount("authorization_code")).isEqualTo(1);

                // 7. A restarts between /connect and /callback: the sign-in still completes on the new A
                String third = a.controlPlane().startLogin("fabrikam").verificationUri();
                secrets.add(ticketOf(third));
                URI authorize3 = connect(a, third);
                secrets.add(query(authorize3).get("state"));
                AutoPostForm form3 = entra(emulator, authorize3);
                a.close();
                a = start(settingsA);
                HttpResponse<String> afterRestart = post(a, form3);
                assertThat(afterRestart.statusCode()).as(afterRestart.body()).isEqualTo(200);
                assertThat(afterRestart.body()).contains("Beacon is signed in as desk@contoso.example.");
                assertThat(emulator.entra().grantCount("authorization_code")).isEqualTo(2);
                assertThat(PG.queryValue("SELECT count(*) FROM auth_code_state")).isEqualTo(0L);
                assertThat(b.controlPlane().loginState("fabrikam").phase()).isEqualTo("signed-in");
                assertThat(PG.queryValue("SELECT count(*) FROM connect_ticket_use")).isEqualTo(3L);
                secrets.add(form.fields().get("code"));
                secrets.add(form3.fields().get("code"));
            } finally {
                a.close();
            }
            for (int i = 0; i < secrets.size(); i++) {
                String secret = secrets.get(i);
                assertThat(logs.lines()).as("log lines with secret #%d", i).noneMatch(line -> line.contains(secret));
            }
        }
    }

    /** The browser opens a sign-in link on one replica; returns where it is sent (Entra's authorize URL). */
    private URI connect(ControlPlaneService.Running replica, String link) throws Exception {
        HttpResponse<String> r = get(replica, link);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    /** Entra (emulated) signs the person in and answers with the form that posts to our public callback. */
    private AutoPostForm entra(MicrosoftEmulator emulator, URI authorize) throws Exception {
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(emulator.baseUri().resolve(
                authorize.getRawPath() + "?" + authorize.getRawQuery())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        AutoPostForm form = AutoPostForm.parse(page.body());
        assertThat(form.action()).isEqualTo(CALLBACK);
        return form;
    }

    /** The load balancer: a public-URL request delivered to the given replica. */
    private static URI via(ControlPlaneService.Running replica, String publicUrl) {
        return URI.create("http://127.0.0.1:" + replica.port() + publicUrl.substring(PUBLIC_URL.length()));
    }

    private HttpResponse<String> get(ControlPlaneService.Running replica, String publicUrl) throws Exception {
        return browser.send(HttpRequest.newBuilder(via(replica, publicUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(ControlPlaneService.Running replica, AutoPostForm form) throws Exception {
        return browser.send(HttpRequest.newBuilder(via(replica, form.action()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form.body())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNotIn(byte[] stored, String... plain) {
        String asText = new String(stored, StandardCharsets.ISO_8859_1);
        for (String p : plain) {
            assertThat(asText).as("stored bytes").doesNotContain(p);
            assertThat(asText).as("stored bytes").doesNotContain(new String(p.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.ISO_8859_1));
        }
    }

    private static String ticketOf(String link) {
        return link.substring(link.indexOf("ticket=") + 7);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
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
        env.put("BEACON_PUBLIC_URL", PUBLIC_URL); // both replicas behind one load balancer
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", replica);
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        return ControlPlaneSettings.fromEnv(env);
    }
}
