package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.AutoPostForm;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.ops.LoginView;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authorization-code sign-in: the browser leg is played with HttpClient against the emulator's authorize page. */
class AuthCodeSignInTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String SECRET = "auth-code-client-secret-value";
    private static final URI CALLBACK = URI.create("https://beacon.example/api/org/acme/ms-teams/callback");
    private SignInHarness h;

    @BeforeEach
    void setUp() {
        h = new SignInHarness(PG);
        for (String id : new String[] {"acme", "globex"}) {
            h.integrations.add(id, id, EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID, AuthMode.AUTH_CODE,
                    "secret", SECRET.getBytes(StandardCharsets.UTF_8));
        }
        h.emulator.entra().registerClientSecret(SignInHarness.CLIENT_ID, SECRET);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void consentRedirectsBackWithACodeThatSignsIn() throws Exception {
        SignInService s = h.service();
        URI url = s.authorizationUrl("acme", CALLBACK);
        assertThat(url.getHost()).isEqualTo("login.microsoftonline.com");
        assertThat(url.getPath()).isEqualTo("/" + EntraEndpoints.DEFAULT_TENANT + "/oauth2/v2.0/authorize");
        Map<String, String> q = query(url);
        assertThat(q).containsEntry("client_id", SignInHarness.CLIENT_ID)
                .containsEntry("redirect_uri", CALLBACK.toString())
                .containsEntry("response_type", "code")
                .containsEntry("response_mode", "form_post")
                .containsEntry("code_challenge_method", "S256");
        assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(q.get("scope")).contains("https://graph.microsoft.com/Chat.Read").contains("offline_access");

        Map<String, String> back = followToCallback(url);
        assertThat(back.get("state")).isEqualTo(q.get("state"));
        LoginView done = s.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK);
        assertThat(done.phase()).isEqualTo("signed-in");
        assertThat(done.username()).isEqualTo("desk@contoso.example");
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.ACTIVE);
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache WHERE integration_id = 'acme'")).isEqualTo(1L);
        assertThat(h.emulator.entra().grantCount("authorization_code")).isEqualTo(1);

        GraphToken token = s.graphToken("acme");
        assertThat(h.emulator.entra().validAccessToken(token.accessToken())).isPresent();
        assertThat(token.userObjectId()).isEqualTo(EntraEndpoints.DEFAULT_USER.oid());

        // the same state again (a replayed callback) is refused and changes nothing
        LoginView replay = s.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK);
        assertThat(replay.phase()).isEqualTo("failed");
        assertThat(replay.detail()).contains("unknown or already used state");
        assertThat(h.emulator.entra().grantCount("authorization_code")).isEqualTo(1);
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.ACTIVE);
    }

    @Test
    void aStateIssuedForAnotherIntegrationIsRefused() throws Exception {
        SignInService s = h.service();
        Map<String, String> back = followToCallback(s.authorizationUrl("globex", CALLBACK));
        LoginView foreign = s.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK);
        assertThat(foreign.phase()).isEqualTo("failed");
        assertThat(foreign.detail()).contains("another integration");
        assertThat(h.emulator.entra().grantCount("authorization_code")).isZero();
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
        // and it was spent: its rightful owner cannot use it afterwards either
        assertThat(s.completeAuthorizationCode("globex", back.get("code"), back.get("state"), CALLBACK).phase())
                .isEqualTo("failed");
        assertThat(s.completeAuthorizationCode("acme", "x", "made-up-state", CALLBACK).detail())
                .contains("unknown or already used state");
    }

    @Test
    void anExpiredStateOrAnotherRedirectIsRefused() throws Exception {
        SignInService s = h.service();
        Map<String, String> late = followToCallback(s.authorizationUrl("acme", CALLBACK));
        // the state's ten minutes run on the database clock (replicas may disagree on the time): age its row
        assertThat(PG.execute("UPDATE auth_code_state SET expires_at = now() - interval '1 second'")).isEqualTo(1);
        assertThat(s.completeAuthorizationCode("acme", late.get("code"), late.get("state"), CALLBACK).detail())
                .isEqualTo("sign-in: the state expired; start the sign-in again");
        assertThat(PG.queryValue("SELECT count(*) FROM auth_code_state")).isEqualTo(0L); // spent, even refused
        Map<String, String> other = followToCallback(s.authorizationUrl("acme", CALLBACK));
        assertThat(s.completeAuthorizationCode("acme", other.get("code"), other.get("state"),
                URI.create("https://evil.example/cb")).detail()).contains("redirect URI");
        assertThat(h.emulator.entra().grantCount("authorization_code")).isZero();
    }

    @Test
    void aStateSealedUnderADroppedVaultKeyIsRefusedAndSpent() throws Exception {
        Map<String, String> back = followToCallback(h.service().authorizationUrl("acme", CALLBACK));
        SignInService rotated = h.service(dev.beacon.control.vault.SealedBox.fromBase64(
                dev.beacon.control.vault.SealedBox.newKeyBase64(), java.util.List.of()), SignInHarness.fastSettings());
        assertThat(rotated.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK).detail())
                .isEqualTo("sign-in: the sign-in was started under a vault key that is no longer configured; start "
                        + "the sign-in again");
        assertThat(PG.queryValue("SELECT count(*) FROM auth_code_state")).isEqualTo(0L);
        assertThat(h.emulator.entra().grantCount("authorization_code")).isZero();
    }

    @Test
    void declinedConsentEndsAsDeclined() throws Exception {
        h.emulator.entra().consentAs(null);
        SignInService s = h.service();
        Map<String, String> back = followToCallback(s.authorizationUrl("acme", CALLBACK));
        assertThat(back).containsEntry("error", "access_denied").doesNotContainKey("code");
        LoginView v = s.authorizationDenied("acme", back.get("state"), CALLBACK, back.get("error"),
                back.get("error_description"));
        assertThat(v.phase()).isEqualTo("declined");
        assertThat(v.detail()).contains("AADSTS65004");
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
    }

    @Test
    void theCodeIsBoundToThePkceChallenge() throws Exception {
        SignInService s = h.service();
        URI url = s.authorizationUrl("acme", CALLBACK);
        Map<String, String> back = followToCallback(url);
        // redeemed without the verifier (or with another one), as someone who stole the code would: refused
        String base = "grant_type=authorization_code&client_id=" + SignInHarness.CLIENT_ID + "&client_secret="
                + SECRET + "&redirect_uri=" + SignInHarness.enc(CALLBACK.toString()) + "&code="
                + SignInHarness.enc(back.get("code"));
        HttpResponse<String> wrong = h.tokenRequest(base + "&code_verifier=" + "x".repeat(43));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("\"error\":\"invalid_grant\"").contains("AADSTS501481");
        // the emulator spends a code on its first use, like Entra: the state is still good, the code is not
        LoginView after = s.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK);
        assertThat(after.phase()).isEqualTo("needs-interaction"); // MSAL's reading of invalid_grant
        assertThat(after.detail()).contains("invalid_grant").contains("AADSTS70008");
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.NEEDS_INTERACTION);
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache WHERE integration_id = 'acme'")).isEqualTo(0L);

        Map<String, String> again = followToCallback(s.authorizationUrl("acme", CALLBACK));
        HttpResponse<String> none = h.tokenRequest(base.replace(SignInHarness.enc(back.get("code")),
                SignInHarness.enc(again.get("code"))));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("AADSTS501481");
    }

    @Test
    void theEmulatorAnswersQueryModeWithARedirect() throws Exception {
        URI url = h.service().authorizationUrl("acme", CALLBACK);
        URI queryMode = URI.create(h.emulatorUri(url).toString().replace("response_mode=form_post",
                "response_mode=query"));
        HttpResponse<String> r = h.http().send(HttpRequest.newBuilder(queryMode).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath())
                .isEqualTo(CALLBACK.toString());
        assertThat(query(location)).containsKeys("code", "state", "session_state")
                .containsEntry("state", query(url).get("state"));
    }

    @Test
    void loginStateFollowsTheLinkUntilTheCallbackOrItsExpiry() throws Exception {
        SignInService s = h.service();
        assertThat(s.loginState("acme").phase()).isEqualTo("none");
        java.time.Instant linkExpiry = h.clock.instant().plus(java.time.Duration.ofMinutes(10));
        LoginView pending = s.authCodeLinkIssued("acme", "https://beacon.example/connect?ticket=t", linkExpiry);
        assertThat(pending).isEqualTo(new LoginView("acme", "pending", "https://beacon.example/connect?ticket=t",
                null, "Open this link in a browser and sign in with the service account. It works once, needs no "
                + "admin token, and expires in 10 minutes.", linkExpiry, null, null));
        assertThat(s.loginState("acme")).isEqualTo(pending);

        // a forged callback (unknown state) changes nothing
        s.completeAuthorizationCode("acme", "x", "forged", CALLBACK);
        assertThat(s.loginState("acme")).isEqualTo(pending);

        Map<String, String> back = followToCallback(s.authorizationUrl("acme", CALLBACK));
        s.completeAuthorizationCode("acme", back.get("code"), back.get("state"), CALLBACK);
        assertThat(s.loginState("acme").phase()).isEqualTo("signed-in");
        assertThat(s.loginState("acme").username()).isEqualTo("desk@contoso.example");

        // globex: nobody opens the link; after the link's and the state's lifetimes it says so
        s.authCodeLinkIssued("globex", "https://beacon.example/connect?ticket=u", linkExpiry);
        h.clock.advance(java.time.Duration.ofMinutes(19));
        assertThat(s.loginState("globex").phase()).isEqualTo("pending");
        h.clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(s.loginState("globex")).isEqualTo(new LoginView("globex", "expired", null, null, null, null, null,
                "sign-in: nobody finished the sign-in in time; run 'beaconctl login globex' for a new link"));
    }

    @Test
    void entrasErrorReachesStatusAndLogsEscaped() throws Exception {
        SignInService s = h.service();
        Map<String, String> back = followToCallback(s.authorizationUrl("acme", CALLBACK));
        try (dev.beacon.control.testing.CapturedLogs logs = dev.beacon.control.testing.CapturedLogs.atDebug()) {
            LoginView v = s.authorizationDenied("acme", back.get("state"), CALLBACK,
                    "access_denied\r\nWARN forged", "line one\u0085WARN forged too\r\nTrace ID: 1");
            assertThat(v.phase()).isEqualTo("failed");
            // the description's first line only (Entra appends trace ids on further lines); the error escaped
            assertThat(v.detail()).isEqualTo("sign-in: Entra answered access_denied\\r\\nWARN forged: line one");
            assertThat(h.integrations.require("acme").statusDetail()).isEqualTo(v.detail());
            assertThat(logs.lines()).noneMatch(l -> l.lines().anyMatch(x -> x.startsWith("WARN forged")));
        }
    }

    /**
     * Plays the browser: opens the authorize URL at the emulator, which answers (form_post, as MSAL asks) with an
     * auto-submitting form aimed at our callback; returns the fields it would POST.
     */
    private Map<String, String> followToCallback(URI authorizeUrl) throws Exception {
        HttpResponse<String> r = h.http().send(HttpRequest.newBuilder(h.emulatorUri(authorizeUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        AutoPostForm form = AutoPostForm.parse(r.body());
        assertThat(form.action()).isEqualTo(CALLBACK.toString());
        return form.fields();
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : u.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
