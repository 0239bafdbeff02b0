package dev.beacon.control.subscriptions;

import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES_RESOLVED;
import static dev.beacon.control.subscriptions.SubscriptionRig.APP;
import static dev.beacon.control.subscriptions.SubscriptionRig.HUB;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static dev.beacon.control.subscriptions.SubscriptionRig.LIFECYCLE_HUB;
import static dev.beacon.control.subscriptions.SubscriptionRig.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionReconcilerTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SUBS = "/v1\\.0/subscriptions";
    static final String ONE_SUB = "/v1\\.0/subscriptions/[^/]+";

    @TempDir
    Path exportDir;
    SubscriptionRig rig;
    Instant t0;

    @BeforeEach
    void setUp() {
        rig = new SubscriptionRig(PG, exportDir);
        t0 = rig.clock.instant();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    ReconcileReport reconcile() {
        return rig.reconciler.reconcile(INTEGRATION);
    }

    EmulatedSubscription onlyInGraph() {
        assertThat(rig.emulator.graph().subscriptions()).hasSize(1);
        return rig.emulator.graph().subscriptions().get(0);
    }

    @Test
    void createsWithLifecycleUrlAndASealedClientState() throws Exception {
        rig.desire(ALL_MESSAGES, false, 4320);

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(INTEGRATION, 1, 0, 0, 0, 0, 0, 0, "ok"));
        EmulatedSubscription g = onlyInGraph();
        JsonNode body = JSON.readTree(rig.emulator.graph().requestBodies(g.id()).get(0));
        assertThat(body.get("changeType").asText()).isEqualTo("created,updated,deleted");
        assertThat(body.get("notificationUrl").asText()).isEqualTo(HUB);
        assertThat(body.get("lifecycleNotificationUrl").asText()).isEqualTo(LIFECYCLE_HUB);
        assertThat(body.get("resource").asText()).isEqualTo(ALL_MESSAGES_RESOLVED);
        assertThat(body.get("expirationDateTime").asText()).isEqualTo("2026-03-05T08:00:00Z");
        assertThat(body.get("includeResourceData").asBoolean()).isFalse();
        assertThat(body.has("encryptionCertificate")).isFalse();
        String sent = body.get("clientState").asText();
        assertThat(sent).matches("[A-Za-z0-9_-]{43}"); // 32 random bytes, base64url

        SubscriptionStore.Row row = rig.onlyActive();
        assertThat(row.subscriptionId()).isEqualTo(g.id());
        assertThat(row.desiredResource()).isEqualTo(ALL_MESSAGES);
        assertThat(row.resource()).isEqualTo(ALL_MESSAGES_RESOLVED);
        assertThat(row.lifecycleNotificationUrl()).isEqualTo(LIFECYCLE_HUB);
        assertThat(row.expiresAt()).isEqualTo(Instant.parse("2026-03-05T08:00:00Z"));
        assertThat(row.createdAt()).isEqualTo(t0);
        assertThat(rig.clientStates.open(row.clientStateId())).isEqualTo(sent);
        byte[] stored = (byte[]) PG.queryValue("SELECT secret_sealed FROM client_state WHERE client_state_id = ?",
                row.clientStateId());
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(sent);
        assertThat(Files.readString(rig.export.clientStateFile())).isEqualTo(sent + "\n");
        assertThat(rig.subscriptions.views(INTEGRATION)).singleElement().satisfies(v -> {
            assertThat(v.subscriptionId()).isEqualTo(g.id());
            assertThat(v.toString()).doesNotContain(sent);
        });

        // Nothing to do on the next pass.
        assertThat(reconcile()).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 0, 0, 0, 0, 0, "ok"));
        assertThat(rig.emulator.calls()).containsExactly("POST /v1.0/subscriptions");
    }

    @Test
    void renewsAtHalfTheRemainingLifetimeSoItNeverExpires() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        List<Instant> renewals = new ArrayList<>();
        for (int step = 1; step <= 28; step++) { // 7 days in 6-hour steps
            rig.clock.advance(Duration.ofHours(6));
            ReconcileReport r = reconcile();
            if (r.renewed() == 1) {
                renewals.add(rig.clock.instant());
            }
            assertThat(rig.emulator.graph().subscription(id)).as("alive after %d h", step * 6).isPresent();
        }
        assertThat(renewals).containsExactly(t0.plus(Duration.ofHours(36)), t0.plus(Duration.ofHours(72)),
                t0.plus(Duration.ofHours(108)), t0.plus(Duration.ofHours(144)));
        SubscriptionStore.Row row = rig.onlyActive();
        assertThat(row.subscriptionId()).isEqualTo(id);
        assertThat(row.renewalCount()).isEqualTo(4);
        assertThat(row.lastRenewedAt()).isEqualTo(t0.plus(Duration.ofHours(144)));
        assertThat(row.expiresAt()).isEqualTo(t0.plus(Duration.ofHours(216)));
        assertThat(rig.emulator.graph().subscription(id).orElseThrow().expirationDateTime())
                .isEqualTo(t0.plus(Duration.ofHours(216)));
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isEqualTo(4);
        assertThat(rig.emulator.countCalls("POST", SUBS)).isEqualTo(1);
    }

    @Test
    void recreatesAfter404AndRecordsTheGapFromTheLastKnownGoodTime() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String old = rig.onlyActive().subscriptionId();
        String oldState = rig.onlyActive().clientStateId();
        rig.audited(old, t0.plus(Duration.ofHours(10)), 1);
        rig.emulator.graph().drop(old);
        rig.clock.advance(Duration.ofHours(36));

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 1, 0, 0, 0, 0, "ok"));
        assertThat(rig.subscriptions.find(old).orElseThrow().state()).isEqualTo("removed");
        String fresh = onlyInGraph().id();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(rig.onlyActive().subscriptionId()).isEqualTo(fresh);
        assertThat(rig.gaps.list(INTEGRATION, false)).singleElement().satisfies(gap -> {
            assertThat(gap.subscriptionId()).isEqualTo(old);
            assertThat(gap.resource()).isEqualTo(ALL_MESSAGES_RESOLVED);
            assertThat(gap.reason()).isEqualTo("not-found");
            assertThat(gap.from()).isEqualTo(t0.plus(Duration.ofHours(10)));
            assertThat(gap.to()).isEqualTo(t0.plus(Duration.ofHours(36)));
        });
        assertThat(PG.queryValue("SELECT retired_at FROM client_state WHERE client_state_id = ?", oldState))
                .isNotNull();
        assertThat(rig.reconciler.counters().gapsOpened.get()).isEqualTo(1);
        assertThat(rig.reconciler.counters().recreations.get()).isEqualTo(1);
    }

    @Test
    void adoptsAConflictingSubscriptionByReplacingIt() throws Exception {
        EmulatedSubscription foreign = rig.emulator.graph().seed(APP, USER, ALL_MESSAGES_RESOLVED,
                "created,updated,deleted", HUB, t0.plus(Duration.ofDays(1)), "unknown-state");
        rig.desire(ALL_MESSAGES, false, 4320);

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 0, 1, 0, 0, 0, "ok"));
        EmulatedSubscription ours = onlyInGraph();
        assertThat(ours.id()).isNotEqualTo(foreign.id());
        assertThat(ours.clientState()).isEqualTo(rig.clientStates.open(rig.onlyActive().clientStateId()));
        assertThat(rig.emulator.calls()).containsExactly("POST /v1.0/subscriptions", "GET /v1.0/subscriptions",
                "DELETE /v1.0/subscriptions/" + foreign.id(), "POST /v1.0/subscriptions");
        assertThat(PG.queryValue("SELECT count(*) FROM client_state")).isEqualTo(1L);
    }

    @Test
    void quota403FlagsTheIntegrationAndStopsThePass() {
        rig.emulator.graph().setQuota(1);
        rig.desire(ALL_MESSAGES, false, 4320);
        rig.desire(ALL_MESSAGES + "&$search=emergency", false, 4320);

        ReconcileReport r = reconcile();

        assertThat(r).isEqualTo(new ReconcileReport(INTEGRATION, 1, 0, 0, 0, 0, 0, 1, "quota exceeded"));
        var integration = rig.integrations.require(INTEGRATION);
        assertThat(integration.status()).isEqualTo(IntegrationStatus.QUOTA_EXCEEDED);
        assertThat(integration.statusDetail()).contains("The maximum number of '1' subscriptions per user");
        assertThat(PG.queryValue("SELECT count(*) FROM client_state")).isEqualTo(1L);

        rig.emulator.graph().setQuota(10);
        assertThat(reconcile().created()).isEqualTo(1);
        assertThat(rig.integrations.require(INTEGRATION).status()).isEqualTo(IntegrationStatus.ACTIVE);
        assertThat(rig.emulator.graph().subscriptions()).hasSize(2);
    }

    @Test
    void shortRetryAfterIsWaitedInline() {
        rig.emulator.inject("POST", SUBS, Response.json(429, "").withHeader("Retry-After", "4"), 1);
        rig.desire(ALL_MESSAGES, false, 4320);

        assertThat(reconcile().created()).isEqualTo(1);
        assertThat(rig.sleeps).containsExactly(Duration.ofSeconds(4));
    }

    @Test
    void longRetryAfterSetsNextAttemptAndGraphIsNotCalledBeforeIt() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        rig.clock.advance(Duration.ofHours(36));
        rig.emulator.inject("PATCH", ONE_SUB, Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled\"}}").withHeader("Retry-After", "3600"), 1);

        assertThat(reconcile()).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 0, 0, 0, 1, 0, "ok"));
        SubscriptionStore.Row row = rig.onlyActive();
        assertThat(row.nextAttemptAt()).isEqualTo(t0.plus(Duration.ofHours(37)));
        assertThat(row.failureCount()).isZero();
        assertThat(row.lastError()).contains("HTTP 429");
        assertThat(rig.sleeps).isEmpty();
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isEqualTo(1);

        rig.clock.advance(Duration.ofMinutes(59));
        assertThat(reconcile().deferred()).isEqualTo(1);
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isEqualTo(1);

        rig.clock.advance(Duration.ofMinutes(1));
        assertThat(reconcile().renewed()).isEqualTo(1);
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isEqualTo(2);
        row = rig.subscriptions.find(id).orElseThrow();
        assertThat(row.nextAttemptAt()).isNull();
        assertThat(row.lastError()).isNull();
    }

    @Test
    void serverErrorsCountAFailureAndBackOffWithBoundedJitter() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        rig.clock.advance(Duration.ofHours(36));
        Instant now = rig.clock.instant();
        rig.emulator.inject("PATCH", ONE_SUB, Response.json(500,
                "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"boom\"}}"), 3);

        assertThat(reconcile()).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 0, 0, 0, 0, 1, "ok"));

        SubscriptionStore.Row row = rig.onlyActive();
        assertThat(row.failureCount()).isEqualTo(1);
        assertThat(row.lastError()).isEqualTo("Graph PATCH /subscriptions/" + row.subscriptionId()
                + " failed: HTTP 500 InternalServerError: boom");
        assertThat(row.nextAttemptAt()).isBetween(now, now.plus(Duration.ofMinutes(1)));
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isEqualTo(3); // the client's own attempts
        assertThat(rig.sleeps).hasSize(2);
        assertThat(rig.reconciler.counters().renewalFailures.get()).isEqualTo(1);

        rig.clock.advance(Duration.ofMinutes(1));
        assertThat(reconcile().renewed()).isEqualTo(1);
        assertThat(rig.onlyActive().failureCount()).isZero();
    }

    @Test
    void deletesWhatIsNoLongerDesired() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        SubscriptionStore.Row row = rig.onlyActive();
        rig.integrations.removeDesired(INTEGRATION, ALL_MESSAGES);
        rig.clock.advance(Duration.ofMinutes(5));

        assertThat(reconcile()).isEqualTo(new ReconcileReport(INTEGRATION, 0, 0, 0, 0, 1, 0, 0, "ok"));

        assertThat(rig.emulator.graph().subscriptions()).isEmpty();
        assertThat(rig.subscriptions.find(row.subscriptionId()).orElseThrow().state()).isEqualTo("deleted");
        assertThat(PG.query("SELECT retired_at FROM client_state").get(0).get("retired_at"))
                .isEqualTo(java.sql.Timestamp.from(rig.clock.instant()));
    }

    @Test
    void signInRequiredFlagsTheIntegrationWithoutCallingGraph() {
        rig.desire(ALL_MESSAGES, false, 4320);
        rig.signedOut.set(true);

        assertThat(reconcile().outcome()).isEqualTo("sign-in required");
        var integration = rig.integrations.require(INTEGRATION);
        assertThat(integration.status()).isEqualTo(IntegrationStatus.NEEDS_INTERACTION);
        assertThat(integration.statusDetail()).isEqualTo("refresh token revoked; sign in again");
        assertThat(rig.emulator.calls()).isEmpty();
    }

    @Test
    void anInvalidDesiredEntryIsReportedAndTheOthersStillReconcile() {
        rig.integrations.putDesired(new DesiredSubscription(INTEGRATION, "/chats/19:abc@thread.v2/messages",
                "created", "http://insecure.example.com/hook", null, false, 60));
        rig.desire(ALL_MESSAGES, false, 4320);

        ReconcileReport r = reconcile();

        assertThat(r.created()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        var integration = rig.integrations.require(INTEGRATION);
        assertThat(integration.status()).isEqualTo(IntegrationStatus.ERROR);
        assertThat(integration.statusDetail()).isEqualTo("desired subscription /chats/19:abc@thread.v2/messages: "
                + "invalid notification URL 'http://insecure.example.com/hook': expected EventHub:https://…, "
                + "EventGrid:?… or an https:// webhook");
        assertThat(rig.emulator.countCalls("POST", SUBS)).isEqualTo(1);
    }

    @Test
    void reauthorizationRequiredReauthorizes() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();

        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com",
                LifecycleEvent.REAUTHORIZATION_REQUIRED, rig.clock.instant()));

        assertThat(done).isEqualTo("reauthorized " + id);
        assertThat(rig.emulator.graph().subscription(id).orElseThrow().reauthorizations()).isEqualTo(1);
        assertThat(rig.emulator.countCalls("POST", ONE_SUB + "/reauthorize")).isEqualTo(1);
    }

    @Test
    void reauthorizeRefusedFallsBackToRenewal() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        rig.clock.advance(Duration.ofHours(71));
        rig.emulator.inject("POST", ONE_SUB + "/reauthorize", Response.json(400,
                "{\"error\":{\"code\":\"InvalidRequest\",\"message\":\"subscription expires too soon\"}}"), 1);

        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com",
                LifecycleEvent.REAUTHORIZATION_REQUIRED, rig.clock.instant()));

        assertThat(done).isEqualTo("renewed " + id + " instead of reauthorize");
        assertThat(rig.onlyActive().renewalCount()).isEqualTo(1);
        assertThat(rig.onlyActive().expiresAt()).isEqualTo(rig.clock.instant().plus(Duration.ofMinutes(4320)));
    }

    @Test
    void reauthorizeOfAVanishedSubscriptionRecreatesIt() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        rig.emulator.graph().drop(id);
        rig.clock.advance(Duration.ofHours(2));

        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com",
                LifecycleEvent.REAUTHORIZATION_REQUIRED, rig.clock.instant()));

        assertThat(done).isEqualTo("subscription " + id + " was gone; recreated");
        assertThat(rig.onlyActive().subscriptionId()).isNotEqualTo(id).isEqualTo(onlyInGraph().id());
        assertThat(rig.gaps.list(INTEGRATION, false)).singleElement()
                .isEqualTo(new GapView(gapId(), INTEGRATION, ALL_MESSAGES_RESOLVED, id, t0,
                        t0.plus(Duration.ofHours(2)), "not-found"));
    }

    @Test
    void subscriptionRemovedRecordsAGapFromReceiptAndRecreates() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        rig.emulator.graph().drop(id);
        Instant received = t0.plus(Duration.ofHours(5));
        rig.clock.set(received.plusSeconds(40));

        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com",
                LifecycleEvent.SUBSCRIPTION_REMOVED, received));

        assertThat(done).isEqualTo("subscription " + id + " removed by Graph; recreated");
        assertThat(rig.subscriptions.find(id).orElseThrow().state()).isEqualTo("removed");
        assertThat(rig.onlyActive().subscriptionId()).isEqualTo(onlyInGraph().id());
        assertThat(rig.gaps.list(INTEGRATION, false)).singleElement()
                .isEqualTo(new GapView(gapId(), INTEGRATION, ALL_MESSAGES_RESOLVED, id, received,
                        received.plusSeconds(40), "subscription-removed"));
        // A duplicate event changes nothing.
        assertThat(rig.reconciler.handle(new LifecycleEvent(id, "contoso.com", LifecycleEvent.SUBSCRIPTION_REMOVED,
                received))).isEqualTo("ignored: subscription " + id + " is already removed");
        assertThat(rig.gaps.list(INTEGRATION, false)).hasSize(1);
    }

    @Test
    void missedRecordsAClosedGapFromTheLastKnownNotificationOrAWindow() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        Instant received = t0.plus(Duration.ofHours(3));

        rig.reconciler.handle(new LifecycleEvent(id, "contoso.com", LifecycleEvent.MISSED, received));
        rig.audited(id, t0.plus(Duration.ofHours(4)), 7);
        Instant later = t0.plus(Duration.ofHours(6));
        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com", LifecycleEvent.MISSED, later));

        assertThat(done).isEqualTo("recorded missed gap " + t0.plus(Duration.ofHours(4)) + " .. " + later);
        assertThat(rig.gaps.list(INTEGRATION, false)).extracting(GapView::from, GapView::to, GapView::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(t0.plus(Duration.ofHours(2)), received, "missed"),
                        org.assertj.core.groups.Tuple.tuple(t0.plus(Duration.ofHours(4)), later, "missed"));
        assertThat(rig.gaps.list(INTEGRATION, true)).isEmpty();
        assertThat(rig.emulator.calls()).containsExactly("POST /v1.0/subscriptions"); // no Graph call for missed
        assertThat(rig.subscriptions.view(id).orElseThrow().lastNotificationAt())
                .isEqualTo(t0.plus(Duration.ofHours(4)));
    }

    @Test
    void unknownSubscriptionIdsAreIgnored() {
        assertThat(rig.reconciler.handle(new LifecycleEvent("not-ours", "contoso.com",
                LifecycleEvent.SUBSCRIPTION_REMOVED, rig.clock.instant())))
                .isEqualTo("ignored: unknown subscription not-ours");
        assertThat(rig.emulator.calls()).isEmpty();
    }

    @Test
    void opsCanRenewNowAndDelete() {
        rig.desire(ALL_MESSAGES, false, 4320);
        reconcile();
        String id = rig.onlyActive().subscriptionId();
        rig.clock.advance(Duration.ofHours(1));

        var view = rig.reconciler.renewNow(id);
        assertThat(view.renewalCount()).isEqualTo(1);
        assertThat(view.lastRenewedAt()).isEqualTo(t0.plus(Duration.ofHours(1)));
        assertThat(view.expiresAt()).isEqualTo(t0.plus(Duration.ofHours(73)));

        assertThat(rig.reconciler.delete(id)).isTrue();
        assertThat(rig.emulator.graph().subscriptions()).isEmpty();
        assertThat(rig.subscriptions.find(id).orElseThrow().state()).isEqualTo("deleted");
        assertThat(rig.reconciler.delete("nope")).isFalse();
        // Still desired: the next pass brings it back.
        assertThat(reconcile().created()).isEqualTo(1);
    }

    @Test
    void clientStatesNeverReachLogsOrErrorColumns() throws Exception {
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            rig.desire(ALL_MESSAGES, false, 4320);
            rig.emulator.inject("POST", SUBS, Response.json(500, "{\"error\":{\"code\":\"x\",\"message\":\"y\"}}"), 3);
            reconcile(); // fails, backs off
            rig.clock.advance(Duration.ofHours(2));
            reconcile(); // created
            rig.emulator.graph().drop(rig.onlyActive().subscriptionId());
            rig.clock.advance(Duration.ofHours(36));
            reconcile(); // 404 -> recreated
            rig.clock.advance(Duration.ofHours(36));
            rig.emulator.inject("PATCH", ONE_SUB, Response.json(503, "").withHeader("Retry-After", "900"), 1);
            reconcile(); // throttled
            rig.signedOut.set(true);
            reconcile();

            List<String> secrets = new ArrayList<>();
            for (String body : rig.emulator.graph().createBodies()) {
                secrets.add(JSON.readTree(body).get("clientState").asText());
            }
            // Injected faults answer before the route, so only the two accepted creates reached Graph's handler.
            assertThat(secrets).hasSize(2);
            PG.query("SELECT client_state_id FROM client_state").forEach(m ->
                    secrets.add(rig.clientStates.open((String) m.get("client_state_id"))));
            assertThat(secrets).hasSize(4);
            assertThat(logs.lines()).isNotEmpty().anyMatch(l -> l.contains("Created subscription"));
            List<String> columns = new ArrayList<>();
            PG.query("SELECT last_error FROM graph_subscription").forEach(m -> columns.add(String.valueOf(m.get("last_error"))));
            PG.query("SELECT status_detail FROM integration").forEach(m -> columns.add(String.valueOf(m.get("status_detail"))));
            for (String s : secrets) {
                assertThat(logs.lines()).noneMatch(l -> l.contains(s));
                assertThat(columns).noneMatch(c -> c.contains(s));
            }
        }
    }

    long gapId() {
        return ((Number) PG.queryValue("SELECT max(gap_id) FROM delivery_gap")).longValue();
    }
}
