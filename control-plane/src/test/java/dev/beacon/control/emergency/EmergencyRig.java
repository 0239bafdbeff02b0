package dev.beacon.control.emergency;

import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.subscriptions.IngressWebhookUrls;
import dev.beacon.control.subscriptions.ReconcilerSettings;
import dev.beacon.control.subscriptions.SubscriptionGraphs;
import dev.beacon.control.subscriptions.SubscriptionReconciler;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * {@link SubscriptionRig} (PostgreSQL, emulator, stores) plus an app-only integration {@value #APP_ONLY} and a
 * reconciler wired like the control plane: emergency policies as desired entries, emergency subscriptions through
 * the Graph version given.
 */
final class EmergencyRig implements AutoCloseable {

    static final String APP_ONLY = "fabrikam";
    static final String APP_ONLY_RESOURCE = "/chats/getAllMessages?model=B";

    final SubscriptionRig base;
    final EmergencyPolicies policies;
    final SubscriptionReconciler reconciler;

    EmergencyRig(PostgresFixture pg, Path exportDir, String emergencyVersion) {
        base = new SubscriptionRig(pg, exportDir);
        base.integrations.add(APP_ONLY, "Fabrikam", "contoso.com", SubscriptionRig.APP, AuthMode.CLIENT_CREDENTIALS,
                "secret", "not-a-real-secret".getBytes(StandardCharsets.UTF_8));
        base.integrations.putDesired(new DesiredSubscription(APP_ONLY, APP_ONLY_RESOURCE, "created,updated,deleted",
                SubscriptionRig.HUB, SubscriptionRig.LIFECYCLE_HUB, true, 4320));
        policies = new EmergencyPolicies(base.sql, base.integrations, base.clock);
        RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), new Random(7)), d -> { });
        GraphClient graph = GraphClient.create(MicrosoftEndpoints.routedTo(base.emulator.baseUri()), this::appToken,
                retry, base.clock);
        reconciler = new SubscriptionReconciler(base.integrations, base.subscriptions, base.gaps, base.clientStates,
                base.certificates, SubscriptionGraphs.of(graph, emergencyVersion), this::appToken,
                base.export::export,
                new ReconcilerSettings(new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), new Random(11)),
                        Duration.ofHours(1)),
                base.clock, IngressWebhookUrls.none(), new EmergencyEventSubscriptions(base.integrations, policies));
    }

    /** An app-only (client-credentials) emulator token for the tenant. */
    GraphToken appToken(String integrationId) {
        Instant exp = base.clock.instant().plus(Duration.ofHours(1));
        return new GraphToken(appAccessToken(), exp, null, null);
    }

    String appAccessToken() {
        Instant exp = base.clock.instant().plus(Duration.ofHours(1));
        return base.emulator.entra().issueAccessToken(new IssuedToken("contoso.com", null, null, SubscriptionRig.APP,
                true, exp));
    }

    @Override
    public void close() {
        base.close();
    }
}
