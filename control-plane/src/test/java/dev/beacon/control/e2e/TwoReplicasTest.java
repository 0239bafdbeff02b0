package dev.beacon.control.e2e;

import static dev.beacon.control.e2e.ControlPlaneEndToEndTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the real service on one database: exactly one leads the integration and talks to Graph; when
 * it stops, the other takes over and keeps renewing. (A replica that dies without releasing its lease is covered
 * by {@code IntegrationLeasesTest} and {@code LeaderLoopTest}: takeover after the lease expires.)
 */
class TwoReplicasTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final String CLIENT_ID = "c0ffee00-0000-4000-8000-0000000000aa";
    static final String CLIENT_SECRET = "app-only-secret-for-the-replica-test";

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));

    @Test
    void oneLeaderReconcilesAndTheOtherTakesOverWhenItStops() throws Exception {
        PG.truncateAll();
        String vaultKey = SealedBox.newKeyBase64();
        try (MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
            // the webhook URL is a placeholder nothing serves: no endpoint validation (this test is about leases)
            emulator.graph().setWebhookHandshakes(false);
            ControlPlaneService.Running a = ControlPlaneService.start(settings(emulator, vaultKey, "replica-a"),
                    clock, SignInSettings.defaults());
            try (ControlPlaneService.Running b = ControlPlaneService.start(
                    settings(emulator, vaultKey, "replica-b"), clock, SignInSettings.defaults())) {
                a.controlPlane().addIntegration(new NewIntegration("fabrikam", null, EntraEndpoints.DEFAULT_TENANT,
                        CLIENT_ID, "client-credentials", "secret", CLIENT_SECRET, null,
                        List.of(new DesiredSubscriptionView("/chats/19:desk@thread.v2/messages", null,
                                "https://beacon.fabrikam.example/graph/notifications", null, false, null))));

                await(() -> !emulator.graph().subscriptions().isEmpty()
                        && PG.queryValue("SELECT count(*) FROM graph_subscription") instanceof Long n && n == 1);
                String leader = (String) PG.queryValue("SELECT holder FROM integration_lease");
                assertThat(leader).isIn("replica-a", "replica-b");
                // both loops keep running for a few rounds: still one subscription, one leader
                Thread.sleep(2500);
                assertThat(emulator.graph().subscriptions()).hasSize(1);
                assertThat(emulator.countCalls("POST", "/v1.0/subscriptions")).isEqualTo(1);
                assertThat(PG.queryValue("SELECT holder FROM integration_lease")).isEqualTo(leader);

                ControlPlaneService.Running leaderReplica = leader.equals("replica-a") ? a : b;
                ControlPlaneService.Running other = leaderReplica == a ? b : a;
                String otherId = leader.equals("replica-a") ? "replica-b" : "replica-a";
                leaderReplica.close();

                await(() -> PG.query("SELECT holder FROM integration_lease").equals(
                        List.of(Map.of("holder", otherId))));
                clock.advance(Duration.ofHours(40));
                await(() -> other.controlPlane().listSubscriptions("fabrikam").get(0).renewalCount() == 1);
                assertThat(emulator.countCalls("POST", "/v1.0/subscriptions")).isEqualTo(1);
                assertThat(other.controlPlane().status().integrations().get(0).leader()).isEqualTo(otherId);
            } finally {
                a.close();
            }
        }
    }

    private ControlPlaneSettings settings(MicrosoftEmulator emulator, String vaultKey, String replica) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", vaultKey);
        env.put("BEACON_ADMIN_TOKEN", "replica-test-admin-token");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", replica);
        env.put("BEACON_RECONCILE_INTERVAL", "200ms");
        env.put("BEACON_LEASE_DURATION", "2s");
        return ControlPlaneSettings.fromEnv(env);
    }
}
