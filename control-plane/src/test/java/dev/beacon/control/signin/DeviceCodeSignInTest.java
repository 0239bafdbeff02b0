package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Device-code sign-in end to end: MSAL4J against the emulator, tokens in the sealed vault in PostgreSQL. */
class DeviceCodeSignInTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String ID = "acme";
    private SignInHarness h;

    @BeforeEach
    void setUp() {
        h = new SignInHarness(PG);
        h.addDeviceCodeIntegration(ID);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void approvedDeviceCodeSignsInAndStoresTheTokensSealed() throws Exception {
        SignInService s = h.service();

        LoginView pending = s.startDeviceCode(ID);
        assertThat(pending.phase()).isEqualTo("pending");
        assertThat(pending.userCode()).isEqualTo(h.emulator.entra().lastDeviceCode().userCode());
        assertThat(pending.verificationUri()).isEqualTo(h.emulator.baseUri() + "/devicelogin");
        assertThat(pending.message()).contains(pending.userCode());
        assertThat(pending.expiresAt()).isEqualTo(h.clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.SIGNING_IN);
        // asking again while pending returns the same sign-in, not a new code
        assertThat(s.startDeviceCode(ID).userCode()).isEqualTo(pending.userCode());
        assertThat(h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/devicecode")).isEqualTo(1);

        assertThat(h.submitDeviceLogin(pending.userCode(), "approve", null).statusCode()).isEqualTo(200);
        LoginView done = SignInHarness.awaitPhase(s, ID, "signed-in");
        assertThat(done.username()).isEqualTo(EntraEndpoints.DEFAULT_USER.username());
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.ACTIVE);

        List<Map<String, Object>> rows = PG.query("SELECT * FROM token_cache");
        assertThat(rows).hasSize(1);
        Map<String, Object> row = rows.get(0);
        String home = EntraEndpoints.DEFAULT_USER.oid() + "." + EntraEndpoints.DEFAULT_USER.tenant();
        assertThat(row.get("integration_id")).isEqualTo(ID);
        assertThat(row.get("home_account_id")).isEqualTo(home);
        assertThat(row.get("username")).isEqualTo("desk@contoso.example");
        assertThat(row.get("vault_key_id")).isEqualTo(h.box.primaryKeyId());
        assertThat(row.get("needs_interaction")).isEqualTo(false);
        assertThat(((Timestamp) row.get("refreshed_at")).toInstant()).isEqualTo(h.clock.instant());
        assertThat(((Timestamp) row.get("access_expires_at")).toInstant())
                .isBetween(h.clock.instant().plus(Duration.ofMinutes(59)), h.clock.instant().plus(Duration.ofMinutes(61)));
        byte[] sealed = (byte[]) row.get("cache_sealed");
        String raw = new String(sealed, StandardCharsets.ISO_8859_1);
        String at = h.emulator.entra().issuedAccessTokens().get(0);
        String rt = h.emulator.entra().issuedRefreshTokens().get(0);
        assertThat(raw).doesNotContain(at).doesNotContain(rt).doesNotContain("RefreshToken");
        String opened = h.box.openString(sealed, SealPurpose.tokenCache(ID, home));
        assertThat(opened).contains(rt).contains(at);

        GraphToken token = s.graphToken(ID);
        assertThat(token.accessToken()).isEqualTo(at);
        assertThat(token.userObjectId()).isEqualTo(EntraEndpoints.DEFAULT_USER.oid());
        assertThat(token.toString()).doesNotContain(at);
        IssuedToken facts = h.emulator.entra().validAccessToken(token.accessToken()).orElseThrow();
        assertThat(facts.userObjectId()).isEqualTo(EntraEndpoints.DEFAULT_USER.oid());
        assertThat(facts.appOnly()).isFalse();
        assertThat(h.emulator.entra().grantCount("device_code")).isGreaterThanOrEqualTo(1);
        assertThat(h.emulator.entra().grantCount("refresh_token")).isZero();
    }

    @Test
    void aRestartedServiceUsesTheVaultAndRefreshesWithARotatedRefreshToken() throws Exception {
        h.signInWithDeviceCode(h.service(), ID);
        String firstAt = h.emulator.entra().issuedAccessTokens().get(0);
        String firstRt = h.emulator.entra().issuedRefreshTokens().get(0);
        byte[] firstBox = (byte[]) PG.queryValue("SELECT cache_sealed FROM token_cache");
        long deviceCodeCalls = h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/devicecode");
        long tokenCalls = h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/token");

        // "restart": a new service and MSAL app over the same database and vault key
        SignInService restarted = h.service();
        GraphToken fromVault = restarted.graphToken(ID);
        assertThat(fromVault.accessToken()).isEqualTo(firstAt);
        assertThat(h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/devicecode")).isEqualTo(deviceCodeCalls);
        assertThat(h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/token")).isEqualTo(tokenCalls);

        // two hours later the access token is stale: refreshDue renews it with the refresh token
        h.clock.advance(Duration.ofHours(2));
        assertThat(h.emulator.entra().validAccessToken(firstAt)).isEmpty();
        List<TokenView> refreshed = restarted.refreshDue(Duration.ofMinutes(10));
        assertThat(refreshed).hasSize(1);
        assertThat(h.emulator.entra().grantCount("refresh_token")).isEqualTo(1);
        String secondRt = h.emulator.entra().issuedRefreshTokens().get(1);
        assertThat(secondRt).isNotEqualTo(firstRt);

        TokenView view = refreshed.get(0);
        assertThat(view.refreshedAt()).isEqualTo(h.clock.instant());
        assertThat(view.accessExpiresAt()).isAfter(h.clock.instant().plus(Duration.ofMinutes(59)));
        assertThat(view.needsInteraction()).isFalse();

        byte[] secondBox = (byte[]) PG.queryValue("SELECT cache_sealed FROM token_cache");
        assertThat(secondBox).isNotEqualTo(firstBox);
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache")).isEqualTo(1L);
        String home = EntraEndpoints.DEFAULT_USER.oid() + "." + EntraEndpoints.DEFAULT_USER.tenant();
        String opened = h.box.openString(secondBox, SealPurpose.tokenCache(ID, home));
        assertThat(opened).contains(secondRt).doesNotContain(firstRt).doesNotContain(firstAt);

        // Entra replaced the refresh token: the superseded one is refused
        var replay = h.tokenRequest("grant_type=refresh_token&client_id=" + SignInHarness.CLIENT_ID
                + "&refresh_token=" + SignInHarness.enc(firstRt) + "&scope=openid");
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("invalid_grant");

        GraphToken fresh = restarted.graphToken(ID);
        assertThat(fresh.accessToken()).isEqualTo(h.emulator.entra().issuedAccessTokens().get(1));
        assertThat(h.emulator.entra().validAccessToken(fresh.accessToken())).isPresent();
        // a second refreshDue right away finds nothing due
        assertThat(restarted.refreshDue(Duration.ofMinutes(10))).isEmpty();
    }

    @Test
    void slowDownRestartsPollingWithANewCode() throws Exception {
        SignInService s = h.service(h.box, SignInSettings.defaults().withSlowDownBackoff(Duration.ofSeconds(2)));
        h.emulator.entra().slowDownNext();
        LoginView first = s.startDeviceCode(ID);
        LoginView slow = SignInHarness.awaitPhase(s, ID, "slow-down");
        assertThat(slow.detail()).contains("slow_down");
        assertThat(slow.finished()).isFalse();
        LoginView again = SignInHarness.awaitLogin(s, ID,
                v -> "pending".equals(v.phase()) && !first.userCode().equals(v.userCode()));
        assertThat(h.emulator.countCalls("POST", "/.*/oauth2/v2\\.0/devicecode")).isEqualTo(2);
        // the first code is abandoned; approving it does nothing
        h.submitDeviceLogin(again.userCode(), "approve", null);
        assertThat(SignInHarness.awaitPhase(s, ID, "signed-in").username()).isEqualTo("desk@contoso.example");
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.ACTIVE);
    }

    @Test
    void slowDownBeyondTheBudgetFails() throws Exception {
        SignInSettings noPatience = new SignInSettings(SignInSettings.GRAPH_DELEGATED_SCOPES, Duration.ofDays(80),
                Duration.ofMinutes(10), Duration.ZERO, 0, Duration.ofSeconds(30));
        SignInService s = h.service(h.box, noPatience);
        h.emulator.entra().slowDownNext();
        s.startDeviceCode(ID);
        LoginView failed = SignInHarness.awaitPhase(s, ID, "failed");
        assertThat(failed.detail()).contains("slow_down");
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
    }

    @Test
    void anExpiredCodeEndsAsExpired() throws Exception {
        SignInService s = h.service();
        s.startDeviceCode(ID);
        h.clock.advance(Duration.ofMinutes(16)); // Entra answers expired_token on the next poll
        LoginView expired = SignInHarness.awaitPhase(s, ID, "expired");
        assertThat(expired.detail()).contains("expired");
        var in = h.integrations.require(ID);
        assertThat(in.status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
        assertThat(in.statusDetail()).contains("code expired");
    }

    @Test
    void msalGivesUpOnACodeWhoseLifetimeIsOver() throws Exception {
        h.emulator.entra().deviceCodeTiming(Duration.ofSeconds(2), 1); // MSAL stops polling after expires_in
        SignInService s = h.service();
        s.startDeviceCode(ID);
        assertThat(SignInHarness.awaitPhase(s, ID, "expired").detail()).contains("code expired");
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
    }

    @Test
    void aDeclinedSignInEndsAsDeclined() throws Exception {
        SignInService s = h.service();
        LoginView pending = s.startDeviceCode(ID);
        assertThat(h.submitDeviceLogin(pending.userCode(), "decline", null).statusCode()).isEqualTo(200);
        LoginView declined = SignInHarness.awaitPhase(s, ID, "declined");
        assertThat(declined.detail()).contains("declined");
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache")).isEqualTo(0L);
    }

    @Test
    void aRevokedRefreshTokenFlagsTheAccountAndTheIntegration() throws Exception {
        SignInService s = h.service();
        h.signInWithDeviceCode(s, ID);
        assertThat(h.emulator.entra().revokeRefreshTokens("desk@contoso.example")).isEqualTo(1);
        h.clock.advance(Duration.ofHours(2));

        List<TokenView> views = s.refreshDue(Duration.ofMinutes(10));
        assertThat(views).hasSize(1);
        assertThat(views.get(0).needsInteraction()).isTrue();
        assertThat(views.get(0).detail()).contains("AADSTS50173");
        var in = h.integrations.require(ID);
        assertThat(in.status()).isEqualTo(IntegrationStatus.NEEDS_INTERACTION);
        assertThat(in.statusDetail()).contains("refresh token").doesNotContain("Exception");
        assertThat(PG.queryValue("SELECT needs_interaction FROM token_cache")).isEqualTo(true);
        assertThatThrownBy(() -> s.graphToken(ID)).isInstanceOf(SignInRequiredException.class);
        assertThat(s.loginState(ID).phase()).isEqualTo("needs-interaction");
        assertThat(h.service().loginState(ID).phase()).isEqualTo("needs-interaction");

        // signing in again clears the flag (the row is overwritten, not duplicated)
        SignInService again = h.service();
        h.signInWithDeviceCode(again, ID);
        assertThat(PG.queryValue("SELECT needs_interaction FROM token_cache")).isEqualTo(false);
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.ACTIVE);
        assertThat(again.graphToken(ID).accessToken()).isEqualTo(h.emulator.entra().issuedAccessTokens().get(1));
    }

    @Test
    void tokenHealthFlagsARefreshTokenNearItsNinetyDays() throws Exception {
        SignInService s = h.service();
        h.signInWithDeviceCode(s, ID);
        assertThat(s.tokenHealth()).singleElement().satisfies(v -> {
            assertThat(v.refreshTokenNearExpiry()).isFalse();
            assertThat(v.username()).isEqualTo("desk@contoso.example");
        });
        h.clock.advance(Duration.ofDays(81));
        assertThat(s.tokenHealth()).singleElement().satisfies(v -> {
            assertThat(v.refreshTokenNearExpiry()).isTrue();
            assertThat(v.detail()).contains("81 days").contains("90 days");
        });
    }

    @Test
    void graphTokenBeforeAnySignInNeedsASignIn() {
        SignInService s = h.service();
        assertThatThrownBy(() -> s.graphToken(ID)).isInstanceOf(SignInRequiredException.class)
                .hasMessageContaining("nobody signed in");
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.NEEDS_SIGN_IN);
        assertThat(s.loginState(ID).phase()).isEqualTo("none");
    }
}
