package dev.beacon.control.subscriptions;

import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.APP;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.ingress.IngressService;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Desired subscriptions with the {@code ingress} shorthand: the reconciler builds their URLs from
 * {@code BEACON_INGRESS_PUBLIC_URL} at every pass, against the emulator, which performs Graph's validation
 * handshake against two real ingresses (loopback http, the emulator's one relaxation).
 */
class IngressSubscriptionsTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path exportDir;
    SubscriptionRig rig;
    IngressService ingressA;
    IngressService ingressB;

    @BeforeEach
    void setUp() {
        rig = new SubscriptionRig(PG, exportDir);
        ingressA = ingress();
        ingressB = ingress();
        rig.integrations.putDesired(new DesiredSubscription(INTEGRATION, ALL_MESSAGES, "created,updated,deleted",
                "ingress", null, true, 60));
    }

    @AfterEach
    void tearDown() {
        ingressA.close();
        ingressB.close();
        rig.close();
    }

    /** A real ingress; handshakes never reach Kafka, so the broker address is a closed port. */
    IngressService ingress() {
        return IngressService.start(IngressSettings.fromEnv(Map.of(
                "BEACON_INGRESS_HOST", "127.0.0.1",
                "BEACON_INGRESS_PORT", "0",
                "BEACON_INGRESS_METRICS_PORT", "off",
                "BEACON_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                "BEACON_CLIENT_STATE", "unused-here",
                "BEACON_INGRESS_APP_IDS", APP,
                "BEACON_INGRESS_JWKS_URL", rig.emulator.notifications().jwksUrl().toString())));
    }

    static URI publicUrl(IngressService ingress) {
        return URI.create("http://127.0.0.1:" + ingress.port());
    }

    /** A reconciler as the control plane builds it, with BEACON_INGRESS_PUBLIC_URL = {@code publicUrl}. */
    SubscriptionReconciler reconciler(Optional<URI> publicUrl) {
        return new SubscriptionReconciler(rig.integrations, rig.subscriptions, rig.gaps, rig.clientStates,
                rig.certificates, rig.graph, rig::token, rig.export::export,
                new ReconcilerSettings(
                        new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), new Random(11)), Duration.ofHours(1)),
                rig.clock, IngressWebhookUrls.of(publicUrl));
    }

    EmulatedSubscription onlyInGraph() {
        assertThat(rig.emulator.graph().subscriptions()).hasSize(1);
        return rig.emulator.graph().subscriptions().get(0);
    }

    @Test
    void subscribesToTheIngressRoutesOfThePublicUrlAndMovesWhenItChanges() {
        String a = publicUrl(ingressA) + "/webhooks/graph/" + INTEGRATION;
        ReconcileReport first = reconciler(Optional.of(publicUrl(ingressA))).reconcile(INTEGRATION);
        assertThat(first.created()).isEqualTo(1);
        assertThat(rig.emulator.graph().handshakes()).as("notification and lifecycle URL validated").isEqualTo(2);
        EmulatedSubscription inA = onlyInGraph();
        assertThat(inA.notificationUrl()).isEqualTo(a);
        assertThat(inA.lifecycleNotificationUrl()).isEqualTo(a + "/lifecycle");
        assertThat(rig.onlyActive().notificationUrl()).isEqualTo(a);
        assertThat(rig.onlyActive().lifecycleNotificationUrl()).isEqualTo(a + "/lifecycle");
        assertThat(rig.integrations.desired(INTEGRATION).get(0).notificationUrl())
                .as("the shorthand is stored, not the URL").isEqualTo("ingress");

        // Same setting: nothing to do.
        ReconcileReport again = reconciler(Optional.of(publicUrl(ingressA))).reconcile(INTEGRATION);
        assertThat(again.changedAnything()).isFalse();
        assertThat(rig.emulator.graph().handshakes()).isEqualTo(2);

        // BEACON_INGRESS_PUBLIC_URL changed (a restart with the new value): the next pass moves the subscription.
        String b = publicUrl(ingressB) + "/webhooks/graph/" + INTEGRATION;
        ReconcileReport moved = reconciler(Optional.of(publicUrl(ingressB))).reconcile(INTEGRATION);
        assertThat(moved.recreated()).isEqualTo(1);
        assertThat(moved.failed()).isZero();
        EmulatedSubscription inB = onlyInGraph();
        assertThat(inB.id()).isNotEqualTo(inA.id());
        assertThat(inB.notificationUrl()).isEqualTo(b);
        assertThat(inB.lifecycleNotificationUrl()).isEqualTo(b + "/lifecycle");
        assertThat(rig.emulator.graph().handshakes()).isEqualTo(4);
        assertThat(rig.onlyActive().subscriptionId()).isEqualTo(inB.id());
        assertThat(rig.onlyActive().notificationUrl()).isEqualTo(b);
        assertThat(rig.integrations.require(INTEGRATION).status()).isEqualTo(IntegrationStatus.ACTIVE);
    }

    @Test
    void withoutThePublicUrlTheStatusNamesTheSettingOnceAndTheSubscriptionStays() {
        reconciler(Optional.of(publicUrl(ingressA))).reconcile(INTEGRATION);
        EmulatedSubscription existing = onlyInGraph();

        SubscriptionReconciler unset = reconciler(Optional.empty());
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            for (int pass = 0; pass < 3; pass++) {
                ReconcileReport r = unset.reconcile(INTEGRATION);
                assertThat(r.failed()).isEqualTo(1);
                assertThat(r.deleted()).isZero();
            }
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN"))
                    .filter(l -> l.contains("BEACON_INGRESS_PUBLIC_URL")).count())
                    .as("one warning, not one per pass").isEqualTo(1);
        }
        Integration i = rig.integrations.require(INTEGRATION);
        assertThat(i.status()).isEqualTo(IntegrationStatus.ERROR);
        assertThat(i.statusDetail()).contains("BEACON_INGRESS_PUBLIC_URL").contains("ingress");
        // The working subscription is neither deleted nor moved.
        assertThat(onlyInGraph().id()).isEqualTo(existing.id());
        assertThat(rig.onlyActive().subscriptionId()).isEqualTo(existing.id());

        // Set again: the status clears.
        reconciler(Optional.of(publicUrl(ingressA))).reconcile(INTEGRATION);
        assertThat(rig.integrations.require(INTEGRATION).status()).isEqualTo(IntegrationStatus.ACTIVE);
        assertThat(onlyInGraph().id()).isEqualTo(existing.id());
    }

    @Test
    void thePublicUrlIsHttpsExceptToThisMachine() {
        assertThatThrownBy(() -> IngressWebhookUrls.of(Optional.of(URI.create("http://hooks.example.com"))))
                .hasMessageContaining("https");
        assertThat(IngressWebhookUrls.of(Optional.of(URI.create("http://localhost:8088"))).publicUrl()).isPresent();
        DesiredSubscription d = new DesiredSubscription(INTEGRATION, ALL_MESSAGES, "created", "ingress",
                "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/lc?tenantId=contoso.com", true, 60);
        DesiredSubscription resolved = IngressWebhookUrls.of(Optional.of(URI.create("https://hooks.example.com/b/")))
                .resolve(d);
        assertThat(resolved.notificationUrl()).isEqualTo("https://hooks.example.com/b/webhooks/graph/acme");
        assertThat(resolved.lifecycleNotificationUrl()).as("an explicit lifecycle URL is kept")
                .isEqualTo(d.lifecycleNotificationUrl());

        // What the control plane accepts when an integration is added (the shorthand is resolved later).
        IngressWebhookUrls.check("acme", "ingress");
        IngressWebhookUrls.check("acme", "INGRESS");
        assertThatThrownBy(() -> IngressWebhookUrls.check("Acme Corp", "ingress")).hasMessageContaining("Acme Corp");
        assertThatThrownBy(() -> IngressWebhookUrls.check("acme", "http://hooks.example.com/x"))
                .hasMessageContaining("invalid notification URL");
        IngressWebhookUrls.check("acme", "http://127.0.0.1:8088/webhooks/graph/acme");
    }
}
