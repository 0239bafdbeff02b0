package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.backfill.TenantWideCoverage;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.GraphNotifications;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app-only integration subscribed to the tenant-wide {@code /chats/getAllMessages} (which Graph cannot list), run
 * as ops run it: the control plane service on real PostgreSQL and Kafka, Microsoft emulated, {@code beaconctl}
 * adding the integration. With the security desk as backfill user, a notification Graph drops is found by the next
 * backfill round ({@code /users/{upn}/chats/getAllMessages}) and published once; without one, the integration is
 * flagged {@code backfill-uncovered}, one WARN says how to fix it, and nothing is listed.
 */
class TenantWideBackfillEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String CLIENT_ID = "22222222-3333-4444-5555-666666666666";
    static final String CLIENT_SECRET = "app-secret-for-the-emulator";
    static final String HUB = "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso";
    static final String ADMIN = "tenant-wide-admin-token-0123456789";
    static final String RESOURCE = "/chats/getAllMessages?model=B";
    static final String DESK_OID = "0d0d0d0d-1111-2222-3333-444444444444";
    static final String DESK_UPN = "security.desk@contoso.com";
    static final String CHAT = "19:emergency-desk@thread.v2";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    final HttpClient http = HttpClient.newHttpClient();
    final String lifecycleTopic = "graph-lifecycle-" + UUID.randomUUID();
    final String eventsTopic = "teams-events-" + UUID.randomUUID();
    /** What Graph wrote to the event hub (the job's input in production): nothing here reads it. */
    final List<String> eventHub = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void directoryTopic() {
        // the directory sync's rounds publish there; without it each round waits for Kafka's timeout
        KAFKA.get().createCompactedTopic("beacon-directory", 1);
    }

    @Test
    void aNotificationGraphDropsIsBackfilledThroughTheDeskUserAndPublishedOnce() throws Exception {
        try (MicrosoftEmulator emulator = emulator();
             ControlPlaneService.Running cp = start(emulator)) {
            Map<String, String> cli = cli(cp);
            CliRun added = CliRun.of(clock, cli, "integrations", "add", "--id", "fabrikam", "--tenant",
                    EntraEndpoints.DEFAULT_TENANT, "--client-id", CLIENT_ID, "--auth-mode", "client-credentials",
                    "--client-secret-file", secretFile().toString(), "--resource", RESOURCE,
                    "--notification-url", HUB, "--backfill-user", DESK_UPN);
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).doesNotContain("Warning");

            cp.controlPlane().tick(); // the subscription, and the first backfill run (nothing to find yet)
            EmulatedSubscription sub = emulator.graph().subscriptions().get(0);
            assertThat(emulator.graph().subscriptions()).extracting(EmulatedSubscription::resource)
                    .containsExactly(RESOURCE);

            // Graph loses the emergency notification (it still has the message), then says so: `missed`
            clock.advance(Duration.ofMinutes(1));
            emulator.dropNextNotifications(sub.id(), 1);
            assertThat(emulator.deliver(sub.id(), emergencyMessage("emergency-1"))).isEqualTo(
                    GraphNotifications.DROPPED);
            assertThat(eventHub).isEmpty();
            KAFKA.get().send(lifecycleTopic, 0, sub.id(), missed(sub.id()));
            ControlPlaneEndToEndTest.await(() -> !PG.query(
                    "SELECT 1 FROM delivery_gap WHERE reason = 'missed'").isEmpty());

            cp.controlPlane().tick(); // a new gap: the backfill runs at this round

            List<FetchedMessage> fetched = new ArrayList<>();
            for (var r : KAFKA.get().readAll(eventsTopic, false)) {
                fetched.add(FetchedMessageCodec.fromJson(JSON.readTree(r.value())));
            }
            assertThat(fetched).extracting(FetchedMessage::origin, FetchedMessage::integrationId,
                    FetchedMessage::chatId, FetchedMessage::messageId).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Origin.BACKFILL, "fabrikam", CHAT, "emergency-1"));
            assertThat(PG.query("SELECT reason, backfilled_at IS NOT NULL AS backfilled FROM delivery_gap"))
                    .containsExactly(Map.of("reason", "missed", "backfilled", true));
            // one per-user list per run, for the desk's UPN; Graph has no tenant-wide list to call
            assertThat(emulator.countCalls("GET", "/v1\\.0/users/" + DESK_UPN + "/chats/getAllMessages"))
                    .isEqualTo(2);
            assertThat(emulator.countCalls("GET", "/v1\\.0/chats/.*")).isZero();
            assertThat(cp.controlPlane().backfill().orElseThrow().counters().of("fabrikam").published())
                    .isEqualTo(1);
            assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().flags()).isEmpty();
        }
    }

    @Test
    void withoutBackfillUsersTheIntegrationIsFlaggedWarnedOnceAndNothingIsListed() throws Exception {
        try (MicrosoftEmulator emulator = emulator();
             ControlPlaneService.Running cp = start(emulator);
             CapturedLogs logs = CapturedLogs.atDebug()) {
            Map<String, String> cli = cli(cp);
            CliRun added = CliRun.of(clock, cli, "integrations", "add", "--id", "fabrikam", "--tenant",
                    EntraEndpoints.DEFAULT_TENANT, "--client-id", CLIENT_ID, "--auth-mode", "client-credentials",
                    "--client-secret-file", secretFile().toString(), "--resource", RESOURCE,
                    "--notification-url", HUB);
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).contains("Warning: fabrikam subscribes to the tenant-wide /chats/getAllMessages");

            cp.controlPlane().tick();
            emulator.putMessage(EntraEndpoints.DEFAULT_TENANT, CHAT, emergencyMessage("unseen"));
            clock.advance(Duration.ofMinutes(6)); // past the 5 min interval: a second scheduled run
            cp.controlPlane().tick();

            assertThat(cp.controlPlane().backfill().orElseThrow().counters().of("fabrikam").runs()).isEqualTo(2);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("set-backfill-users"))
                    .containsExactly("WARN dev.beacon.control.backfill.Backfiller - integration fabrikam: "
                            + "subscribed to the tenant-wide /chats/getAllMessages, which Graph cannot list, and has "
                            + "no backfill users: notifications Graph loses are NOT recovered. Name the security "
                            + "desk: beaconctl integrations set-backfill-users fabrikam <user>...");
            // no message list at all (the directory sync's /users/delta is another matter)
            assertThat(emulator.countCalls("GET", "/v1\\.0/users/[^/]+/chats.*")).isZero();
            assertThat(emulator.countCalls("GET", "/v1\\.0/chats/.*")).isZero();
            assertThat(KAFKA.get().readAll(eventsTopic, false)).isEmpty();
            assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().flags())
                    .containsExactly(TenantWideCoverage.FLAG);
            assertThat(get(cp.port(), "/metrics")).contains("beacon_backfill_uncovered{integration=\"fabrikam\"} 1.0");

            CliRun set = CliRun.of(clock, cli, "integrations", "set-backfill-users", "fabrikam", DESK_OID);
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().flags()).isEmpty();
            clock.advance(Duration.ofSeconds(10)); // past the metrics cache
            assertThat(get(cp.port(), "/metrics")).contains("beacon_backfill_uncovered{integration=\"fabrikam\"} 0.0");
        }
    }

    private MicrosoftEmulator emulator() {
        PG.truncateAll();
        KAFKA.get().createTopic(lifecycleTopic, 1);
        KAFKA.get().createTopic(eventsTopic, 1);
        MicrosoftEmulator emulator = MicrosoftEmulator.start(clock);
        emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
        ObjectNode desk = JSON.createObjectNode();
        desk.put("id", DESK_OID);
        desk.put("userPrincipalName", DESK_UPN);
        emulator.directory().putUser(EntraEndpoints.DEFAULT_TENANT, desk);
        emulator.notifications().deliverEventHubsTo((s, body) -> eventHub.add(body));
        return emulator;
    }

    private ControlPlaneService.Running start(MicrosoftEmulator emulator) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", ADMIN);
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", KAFKA.get().bootstrapServers());
        env.put("BEACON_LIFECYCLE_TOPIC", lifecycleTopic);
        env.put("BEACON_INGRESS_TOPIC", eventsTopic);
        env.put("BEACON_HYDRATION", "off");
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_RECONCILE_INTERVAL", "1h"); // rounds are the test's tick()s
        env.put("BEACON_LEASE_DURATION", "3h");
        return ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock, SignInSettings.defaults());
    }

    private Map<String, String> cli(ControlPlaneService.Running cp) {
        return Map.of("BEACON_SERVER", "http://127.0.0.1:" + cp.port(), "BEACON_ADMIN_TOKEN", ADMIN);
    }

    private Path secretFile() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, CLIENT_SECRET);
        return secret;
    }

    /** The emergency call's chat message, as Graph holds it (modified a few seconds ago). */
    private String emergencyMessage(String id) {
        ObjectNode m = JSON.createObjectNode();
        m.put("@odata.type", "#microsoft.graph.chatMessage");
        m.put("id", id);
        m.put("chatId", CHAT);
        m.put("messageType", "message");
        m.put("createdDateTime", clock.instant().minusSeconds(5).toString());
        m.put("lastModifiedDateTime", clock.instant().minusSeconds(5).toString());
        m.putObject("body").put("contentType", "html").put("content", "Emergency call from the lobby");
        return m.toString();
    }

    /** Graph's {@code missed} lifecycle notification as the job forwards it to the control plane. */
    private static byte[] missed(String subscriptionId) {
        return ("{\"source\":\"graph-notifications\",\"partition\":0,\"offset\":7,\"item_index\":0,"
                + "\"subscription_id\":\"" + subscriptionId + "\",\"tenant_id\":\"" + EntraEndpoints.DEFAULT_TENANT
                + "\",\"lifecycle_event\":\"missed\",\"notification\":{\"subscriptionId\":\""
                + subscriptionId + "\",\"lifecycleEvent\":\"missed\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One beaconctl invocation in-process, with its output. */
    record CliRun(int exit, String out, String err) {
        static CliRun of(java.time.Clock clock, Map<String, String> env, String... args) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int exit = dev.beacon.control.cli.BeaconCtl.commandLine(env, clock)
                    .setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true))
                    .execute(args);
            return new CliRun(exit, out.toString(), err.toString());
        }
    }
}
