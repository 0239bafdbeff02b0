package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device-code sign-in behind a load balancer: two replicas (two services on one database), the operator's requests
 * landing on either. The sign-in started on A is what B answers; a second start on B joins it (one code at Entra);
 * the outcome A records is what B shows; a sign-in whose replica stopped lapses with the code's lifetime (database
 * clock) and then starts afresh on B.
 */
class DeviceCodeAcrossReplicasTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String ID = "acme";
    private static final String DEVICE_CODE_CALLS = "/.*/oauth2/v2\\.0/devicecode";
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
    void startedOnAPolledAndJoinedOnBApprovedSeenOnB() throws Exception {
        SignInService a = h.service();
        SignInService b = h.service();

        LoginView pending = a.startDeviceCode(ID);
        assertThat(pending.phase()).isEqualTo("pending");
        assertThat(pending.userCode()).isEqualTo(h.emulator.entra().lastDeviceCode().userCode());
        // B answers the poll with A's sign-in, and a second login on B returns the same code: no second flow
        assertThat(b.loginState(ID)).isEqualTo(pending);
        assertThat(b.startDeviceCode(ID)).isEqualTo(pending);
        assertThat(a.startDeviceCode(ID)).isEqualTo(pending);
        assertThat(h.emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(1);

        // the row: one live flow, the code's lifetime by the database clock, the user code sealed
        // (live: the code's 15 minutes, one 1 s poll interval and the 30 s Entra timeout)
        assertThat(PG.query("SELECT phase, verification_uri, live_until - updated_at = interval '15 minutes 31 seconds' "
                + "AS code_lifetime, username IS NULL AND detail IS NULL AS no_outcome FROM device_code_login"))
                .containsExactly(Map.of("phase", "pending", "verification_uri", h.emulator.baseUri() + "/devicelogin",
                        "code_lifetime", true, "no_outcome", true));
        byte[] sealed = (byte[]) PG.queryValue("SELECT user_code_sealed FROM device_code_login");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(pending.userCode());
        assertThat(h.box.openString(sealed, SealPurpose.deviceCodeLoginUserCode(ID))).isEqualTo(pending.userCode());

        assertThat(h.submitDeviceLogin(pending.userCode(), "approve", null).statusCode()).isEqualTo(200);
        LoginView done = SignInHarness.awaitPhase(b, ID, "signed-in");
        assertThat(done.username()).isEqualTo(EntraEndpoints.DEFAULT_USER.username());
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.ACTIVE);
        assertThat(PG.query("SELECT phase, username, user_code_sealed IS NULL AS code_gone FROM device_code_login"))
                .containsExactly(Map.of("phase", "signed-in", "username", "desk@contoso.example",
                        "code_gone", true));
        assertThat(b.graphToken(ID).accessToken()).isEqualTo(h.emulator.entra().issuedAccessTokens().get(0));
    }

    @Test
    void twoLoginsAtOnceOnTwoReplicasStartOneSignIn() throws Exception {
        SignInService a = h.service();
        SignInService b = h.service();
        CompletableFuture<LoginView> onA = CompletableFuture.supplyAsync(() -> a.startDeviceCode(ID));
        CompletableFuture<LoginView> onB = CompletableFuture.supplyAsync(() -> b.startDeviceCode(ID));
        LoginView fromA = onA.get();
        assertThat(fromA.phase()).isEqualTo("pending");
        assertThat(fromA.userCode()).isNotNull();
        assertThat(onB.get()).isEqualTo(fromA);
        assertThat(h.emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(1);
    }

    @Test
    void aDeclineRecordedByAIsWhatBShows() throws Exception {
        SignInService a = h.service();
        SignInService b = h.service();
        LoginView pending = b.startDeviceCode(ID);
        h.submitDeviceLogin(pending.userCode(), "decline", null);
        LoginView declined = SignInHarness.awaitPhase(a, ID, "declined");
        assertThat(declined.detail()).contains("declined");
        assertThat(declined.userCode()).isNull();
        // ended: the next login (on A) starts a new flow
        LoginView again = a.startDeviceCode(ID);
        assertThat(again.phase()).isEqualTo("pending");
        assertThat(again.userCode()).isNotEqualTo(pending.userCode());
        assertThat(h.emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(2);
    }

    @Test
    void aSignInWhoseReplicaStoppedLapsesWithTheCodeAndStartsAgainOnB() throws Exception {
        SignInService a = h.service();
        SignInService b = h.service();
        LoginView pending = a.startDeviceCode(ID);
        a.close(); // A stops mid-flow: nobody polls Entra for this code any more, nothing more is written

        // until the code's lifetime is over the sign-in is live: B joins it rather than starting another
        assertThat(b.loginState(ID)).isEqualTo(pending);
        assertThat(b.startDeviceCode(ID)).isEqualTo(pending);
        assertThat(h.emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(1);

        // the code's lifetime passes (database clock): the poll says expired, start again
        assertThat(PG.execute("UPDATE device_code_login SET live_until = live_until - interval '15 minutes 32 seconds'"))
                .isEqualTo(1);
        LoginView expired = b.loginState(ID);
        assertThat(expired.phase()).isEqualTo("expired");
        assertThat(expired.finished()).isTrue();
        assertThat(expired.userCode()).isNull();
        assertThat(expired.detail()).contains("expired").contains("beaconctl login acme");

        LoginView fresh = b.startDeviceCode(ID);
        assertThat(fresh.phase()).isEqualTo("pending");
        assertThat(fresh.userCode()).isNotEqualTo(pending.userCode());
        assertThat(h.emulator.countCalls("POST", DEVICE_CODE_CALLS)).isEqualTo(2);
        h.submitDeviceLogin(fresh.userCode(), "approve", null);
        assertThat(SignInHarness.awaitPhase(b, ID, "signed-in").username()).isEqualTo("desk@contoso.example");
        assertThat(PG.queryValue("SELECT count(*) FROM device_code_login")).isEqualTo(1L);
    }
}
