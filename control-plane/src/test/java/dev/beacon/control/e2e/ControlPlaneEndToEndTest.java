package dev.beacon.control.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole control plane as ops run it: the real service (HTTP API, leader loop, lifecycle consumer) on a real
 * PostgreSQL and Kafka broker, Microsoft emulated, and {@code beaconctl} driving it. One story, in order: add an
 * integration, sign in with the device code, subscriptions created and exported for the job, renewed across
 * simulated days, healed after Graph drops one (lifecycle event from the job's topic), metrics, a restart that
 * signs in silently from the vault, and no secret in any log line.
 */
class ControlPlaneEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static KafkaFixture kafka;

    @TempDir
    static Path dir;

    static final String NOTIFICATION_URL =
            "EventHub:https://contoso-beacon.servicebus.windows.net/eventhubname/graph?tenantId=contoso.example";

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        kafka.createTopic("graph-lifecycle", 1);
        kafka.createTopic("teams-events", 1); // where backfill publishes FetchedMessages
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void opsConnectATenantAndBeaconKeepsItsSubscriptionsAlive() throws Exception {
        String vaultKey = SealedBox.newKeyBase64();
        Files.writeString(dir.resolve("secret.txt"), "not-used-by-device-code");
        try (CapturedLogs logs = CapturedLogs.atDebug();
             MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().deviceCodeTiming(Duration.ofMinutes(15), 1);
            Map<String, String> env = env(emulator, vaultKey, "replica-a");

            String secretsSeen;
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env),
                    clock, SignInSettings.defaults())) {
                Map<String, String> cli = cliEnv(cp.port(), env.get("BEACON_ADMIN_TOKEN"));

                // 1. ops add the tenant
                Cli add = Cli.run(cli, "integrations", "add", "--id", "contoso", "--tenant",
                        EntraEndpoints.DEFAULT_TENANT, "--client-id", "c0ffee00-0000-4000-8000-000000000001",
                        "--auth-mode", "device-code", "--notification-url", NOTIFICATION_URL);
                assertThat(add.exit).as(add.out + add.err).isZero();

                // 2. device-code sign-in: the CLI shows the code and finishes on its own once a person approves
                CompletableFuture<Cli> login = CompletableFuture.supplyAsync(() -> Cli.run(cli, "login", "contoso"));
                await(() -> emulator.entra().lastDeviceCode() != null);
                String userCode = emulator.entra().lastDeviceCode().userCode();
                approveAsAPerson(emulator, userCode);
                Cli loggedIn = login.get();
                assertThat(loggedIn.exit).as(loggedIn.out + loggedIn.err).isZero();
                assertThat(loggedIn.out).contains(userCode).contains(emulator.baseUri() + "/devicelogin")
                        .contains(EntraEndpoints.DEFAULT_USER.username());

                // 3. the leader creates the subscription, with a lifecycle URL and our clientState, and exports
                cp.controlPlane().tick();
                List<EmulatedSubscription> inGraph = emulator.graph().subscriptions();
                assertThat(inGraph).hasSize(1);
                EmulatedSubscription first = inGraph.get(0);
                assertThat(first.resource()).isEqualTo(
                        "/users/" + EntraEndpoints.DEFAULT_USER.oid() + "/chats/getAllMessages?model=B");
                String createBody = emulator.graph().requestBodies(first.id()).get(0);
                assertThat(createBody).contains("\"lifecycleNotificationUrl\":\"" + NOTIFICATION_URL + "\"")
                        .contains("\"includeResourceData\":true").contains("\"encryptionCertificateId\"");
                secretsSeen = String.join(",", JobSecretsLayout.readList("client-states",
                        dir.resolve("export").resolve(JobSecretsLayout.CLIENT_STATES)));
                assertThat(createBody).contains("\"clientState\":\"" + secretsSeen + "\"");
                assertThat(dir.resolve("export").resolve(JobSecretsLayout.KEYSTORE)).isNotEmptyFile();
                assertThat(dir.resolve("export").resolve(JobSecretsLayout.FETCH_SIGNING_KEYS)).isNotEmptyFile();

                // 4. days pass: renewed well before expiry, never expires in Graph
                for (int hour = 0; hour < 24 * 4; hour += 6) {
                    clock.advance(Duration.ofHours(6));
                    cp.controlPlane().tick();
                    assertThat(emulator.graph().subscription(first.id())).as("alive after %d h", hour + 6)
                            .isPresent();
                }
                SubscriptionView renewed = cp.controlPlane().listSubscriptions("contoso").get(0);
                assertThat(renewed.subscriptionId()).isEqualTo(first.id());
                assertThat(renewed.renewalCount()).isEqualTo(2); // at +36 h and +72 h of a 72 h lifetime
                assertThat(emulator.entra().grantCount("refresh_token")).isPositive();

                // 5. Graph drops it; the job forwards subscriptionRemoved; the control plane recreates it
                emulator.graph().drop(first.id());
                kafka.send("graph-lifecycle", 0, first.id(), lifecycleRecord(first.id(), "subscriptionRemoved"));
                await(() -> emulator.graph().subscriptions().size() == 1
                        && !emulator.graph().subscriptions().get(0).id().equals(first.id()));
                // the gap is closed right after the new subscription exists in Graph, so wait for the row too
                await(() -> PG.query("SELECT 1 FROM delivery_gap WHERE gap_to IS NOT NULL").size() == 1);
                assertThat(PG.query("SELECT reason, gap_to IS NOT NULL AS closed FROM delivery_gap"))
                        .containsExactly(Map.of("reason", "subscription-removed", "closed", true));

                // 6. status and metrics show it
                Cli status = Cli.run(cli, "status");
                assertThat(status.exit).isZero();
                assertThat(status.out).contains("contoso").contains("active")
                        .contains(emulator.graph().subscriptions().get(0).id());
                String metrics = get(cp.port(), "/metrics");
                assertThat(metrics).contains("beacon_subscription_expiry_seconds{integration=\"contoso\"")
                        .contains("beacon_token_expiry_seconds{")
                        .contains("beacon_lifecycle_events_total{event=\"subscriptionRemoved\"} 1.0");

                // 6b. a message whose notification Graph lost: ops ask for a backfill, the leader's next round
                // publishes it to the job's topic (origin backfill) and marks the gap backfilled
                clock.advance(Duration.ofMinutes(1));
                String chat = "19:e2e@thread.v2";
                emulator.putMessage(EntraEndpoints.DEFAULT_USER.tenant(), chat, "{\"id\":\"lost-1\",\"chatId\":\""
                        + chat + "\",\"messageType\":\"message\",\"lastModifiedDateTime\":\""
                        + clock.instant().minusSeconds(30) + "\",\"body\":{\"content\":\"help\"}}");
                Cli backfill = Cli.run(cli, "backfill", "contoso");
                assertThat(backfill.exit).as(backfill.out + backfill.err).isZero();
                assertThat(backfill.out).contains("Backfill of contoso requested").contains("requested");
                cp.controlPlane().tick();
                List<dev.beacon.contracts.fetched.FetchedMessage> fetched = new java.util.ArrayList<>();
                for (var r : kafka.readAll("teams-events", false)) {
                    fetched.add(dev.beacon.contracts.fetched.FetchedMessageCodec.fromJson(
                            new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.value())));
                }
                assertThat(fetched).extracting(f -> f.origin(), f -> f.chatId(), f -> f.messageId())
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(
                                dev.beacon.contracts.fetched.Origin.BACKFILL, chat, "lost-1"));
                assertThat(PG.query("SELECT backfilled_at IS NOT NULL AS done FROM delivery_gap"))
                        .containsExactly(Map.of("done", true));
                Cli backfillStatus = Cli.run(cli, "status");
                assertThat(backfillStatus.out).contains("Backfill").containsPattern("contoso .* ok ");
                clock.advance(Duration.ofSeconds(10)); // past the metrics cache
                assertThat(get(cp.port(), "/metrics"))
                        .contains("beacon_backfill_messages_published_total{integration=\"contoso\"} 1.0")
                        .contains("beacon_backfill_runs_cut_short_total{integration=\"contoso\"} 0.0")
                        .contains("beacon_backfill_running{integration=\"contoso\"} 0.0")
                        .contains("beacon_backfill_gaps_awaiting{integration=\"contoso\"} 0.0");
            }

            // 7. restart: the new process signs in silently from the encrypted vault (no new device code)
            long deviceCodes = emulator.countCalls("POST", ".*/oauth2/v2.0/devicecode");
            try (ControlPlaneService.Running again = ControlPlaneService.start(
                    ControlPlaneSettings.fromEnv(env(emulator, vaultKey, "replica-b")), clock,
                    SignInSettings.defaults())) {
                assertThat(again.controlPlane().signIn().graphToken("contoso").username())
                        .isEqualTo(EntraEndpoints.DEFAULT_USER.username());
                clock.advance(Duration.ofHours(40));
                again.controlPlane().tick();
                assertThat(again.controlPlane().listSubscriptions("contoso"))
                        .filteredOn(s -> s.state().equals("active")).singleElement()
                        .satisfies(s -> assertThat(s.renewalCount()).isEqualTo(1));
            }
            assertThat(emulator.countCalls("POST", ".*/oauth2/v2.0/devicecode")).isEqualTo(deviceCodes);

            // 8. nothing secret in any log line of the whole story
            List<String> secrets = new java.util.ArrayList<>();
            secrets.addAll(emulator.entra().issuedAccessTokens());
            secrets.addAll(emulator.entra().issuedRefreshTokens());
            secrets.add(emulator.entra().lastDeviceCode().deviceCode());
            secrets.add(vaultKey);
            secrets.add(env.get("BEACON_ADMIN_TOKEN"));
            secrets.add(secretsSeen);
            secrets.add(PG.password());
            assertThat(logs.text()).isNotEmpty();
            for (int i = 0; i < secrets.size(); i++) {
                String secret = secrets.get(i);
                assertThat(logs.lines()).as("log lines with secret #%d", i)
                        .noneMatch(line -> line.contains(secret));
            }
        }
    }

    private Map<String, String> env(MicrosoftEmulator emulator, String vaultKey, String replica) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", vaultKey);
        env.put("BEACON_ADMIN_TOKEN", "admin-token-" + Integer.toHexString(vaultKey.hashCode()) + "-e2e");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", dir.resolve("export").toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", replica);
        // the test drives rounds with tick(); the background loop only adds rounds
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        return env;
    }

    private static Map<String, String> cliEnv(int port, String adminToken) {
        return Map.of("BEACON_SERVER", "http://127.0.0.1:" + port, "BEACON_ADMIN_TOKEN", adminToken);
    }

    private void approveAsAPerson(MicrosoftEmulator emulator, String userCode) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUri() + "/devicelogin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user_code=" + userCode + "&action=approve")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private byte[] lifecycleRecord(String subscriptionId, String event) {
        return ("{\"source\":\"graph-notifications\",\"partition\":0,\"offset\":7,\"item_index\":0,"
                + "\"subscription_id\":\"" + subscriptionId + "\",\"tenant_id\":\"" + EntraEndpoints.DEFAULT_TENANT
                + "\",\"lifecycle_event\":\"" + event + "\",\"notification\":{\"subscriptionId\":\""
                + subscriptionId + "\",\"lifecycleEvent\":\"" + event + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** One beaconctl invocation in-process, with its output. */
    record Cli(int exit, String out, String err) {
        static Cli run(Map<String, String> env, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cmd = BeaconCtl.commandLine(env, java.time.Clock.systemUTC());
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            int exit = cmd.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        }
    }
}
