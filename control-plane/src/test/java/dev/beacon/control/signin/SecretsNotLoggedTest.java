package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With every logger (MSAL's included) at DEBUG, a sign-in, a refresh and an app-only token leak no secret. */
class SecretsNotLoggedTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @Test
    void noTokenCodeSecretOrKeyReachesTheLogs() throws Exception {
        try (SignInHarness h = new SignInHarness(PG); CapturedLogs logs = CapturedLogs.atDebug()) {
            h.addDeviceCodeIntegration("acme");
            String appSecret = "app-secret-" + System.nanoTime();
            String appClientId = "99999999-8888-7777-6666-555555555555"; // a confidential app registration
            h.integrations.add("app", "App", EntraEndpoints.DEFAULT_TENANT, appClientId,
                    AuthMode.CLIENT_CREDENTIALS, "secret", appSecret.getBytes(StandardCharsets.UTF_8));
            h.emulator.entra().registerClientSecret(appClientId, appSecret);

            SignInService s = h.service();
            h.signInWithDeviceCode(s, "acme");
            s.graphToken("acme");
            h.clock.advance(Duration.ofHours(2));
            assertThat(s.refreshDue(Duration.ofMinutes(10))).hasSize(1);
            s.graphToken("acme");
            s.graphToken("app");
            h.emulator.entra().revokeRefreshTokens("desk@contoso.example");
            h.clock.advance(Duration.ofHours(2));
            s.refreshDue(Duration.ofMinutes(10)); // the rejection is logged too

            List<String> secrets = new ArrayList<>();
            secrets.addAll(h.emulator.entra().issuedAccessTokens());
            secrets.addAll(h.emulator.entra().issuedRefreshTokens());
            secrets.add(h.emulator.entra().lastDeviceCode().deviceCode());
            // the user code is for the operator who asked (API, CLI), valid for minutes: not for the logs either
            secrets.add(h.emulator.entra().lastDeviceCode().userCode());
            secrets.add(appSecret);
            secrets.add(h.vaultKey);
            assertThat(secrets).hasSize(3 + 2 + 1 + 1 + 1 + 1);

            String text = logs.text();
            // the capture works: MSAL and our code did log, the sign-in included
            assertThat(text).contains("com.microsoft.aad.msal4j").contains("dev.beacon.control.signin")
                    .contains("integration acme: device code sign-in pending at ");
            for (String secret : secrets) {
                assertThat(text).as("logs must not contain a secret").doesNotContain(secret);
            }
        }
    }
}
