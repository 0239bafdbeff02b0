package dev.beacon.control.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The directory sync as the service runs it: the leader's round publishes a client-credentials integration's users
 * to the compacted {@code beacon-directory} topic; ops ask for a sync with {@code beaconctl directory sync}; status
 * and metrics show it; no user's data reaches the logs.
 */
class DirectoryEndToEndTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static KafkaFixture kafka;

    @TempDir
    static Path dir;

    static final String CLIENT = "c0ffee00-0000-4000-8000-0000000000d1";
    static final String SECRET = "directory-e2e-client-secret-0123456789";
    static final String TENANT = EntraEndpoints.DEFAULT_TENANT;

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaFixture.start();
        kafka.createTopic("graph-lifecycle", 1);
        kafka.createTopic("teams-events", 1);
        kafka.createTopic("graph-needs-hydration", 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(ReferenceTopics.DIRECTORY, 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void theLeaderPublishesTheDirectoryAndOpsCanAskForASync() throws Exception {
        try (CapturedLogs logs = CapturedLogs.atDebug();
             MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret(CLIENT, SECRET);
            ObjectNode ada = user("0a000000-0000-4000-8000-00000000ada0", "Ada Lovelace", "Security Operations",
                    "+1 555 0100");
            emulator.directory().putUser(TENANT, ada);
            emulator.directory().putUser(TENANT, user("0b000000-0000-4000-8000-00000000b0b0", "Bob Ross",
                    "Facilities", "+1 555 0101"));
            Map<String, String> env = env(emulator);
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env),
                    clock, SignInSettings.defaults())) {
                cp.controlPlane().addIntegration(new NewIntegration("contoso", "Contoso", TENANT, CLIENT,
                        "client-credentials", "secret", SECRET, null, List.of()));

                // 1. the leader's first round: a full sync
                cp.controlPlane().tick();
                assertThat(keys()).containsExactlyInAnyOrder(TENANT + "|0a000000-0000-4000-8000-00000000ada0",
                        TENANT + "|0b000000-0000-4000-8000-00000000b0b0");

                // 2. a change; ops ask, the next round reads only the change
                ada.put("jobTitle", "Incident lead");
                emulator.directory().putUser(TENANT, ada);
                Map<String, String> cli = Map.of("BEACON_SERVER", "http://127.0.0.1:" + cp.port(),
                        "BEACON_ADMIN_TOKEN", env.get("BEACON_ADMIN_TOKEN"));
                Cli sync = Cli.run(cli, "directory", "sync", "contoso");
                assertThat(sync.exit).as(sync.out + sync.err).isZero();
                assertThat(sync.out).contains("Directory sync of contoso requested").contains("requested");
                cp.controlPlane().tick();
                List<String> values = values();
                assertThat(values).hasSize(3);
                assertThat(json.readTree(values.get(2)).get("job_title").asText()).isEqualTo("Incident lead");
                assertThat(emulator.countCalls("GET", "/v1\\.0/users/delta")).isEqualTo(2);

                // 3. status and metrics
                Cli status = Cli.run(cli, "status");
                assertThat(status.out).contains("Directory sync").containsPattern("contoso +ok .* 1 +delta");
                clock.advance(Duration.ofSeconds(10)); // past the metrics cache
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port()
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("beacon_directory_users_published_total{integration=\"contoso\"} 3.0")
                        .contains("beacon_directory_sync_failures_total{integration=\"contoso\"} 0.0")
                        .contains("beacon_directory_last_sync_age_seconds{integration=\"contoso\"} 10.0");
            }
            // 4. names, departments and phone numbers never reach the logs
            assertThat(logs.text()).isNotEmpty().doesNotContain("Lovelace").doesNotContain("Security Operations")
                    .doesNotContain("555 0100").doesNotContain(SECRET);
        }
    }

    private ObjectNode user(String id, String name, String department, String phone) {
        ObjectNode u = json.createObjectNode();
        u.put("id", id);
        u.put("displayName", name);
        u.put("userPrincipalName", name.toLowerCase().replace(' ', '.') + "@contoso.example");
        u.put("department", department);
        u.put("jobTitle", "Engineer");
        u.put("officeLocation", "Building 7");
        u.putArray("businessPhones").add(phone);
        return u;
    }

    private List<String> keys() {
        return kafka.readAll(ReferenceTopics.DIRECTORY, false).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private List<String> values() {
        return kafka.readAll(ReferenceTopics.DIRECTORY, false).stream()
                .sorted(java.util.Comparator.comparingLong(r -> r.timestamp()))
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private Map<String, String> env(MicrosoftEmulator emulator) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", dev.beacon.control.vault.SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", "admin-token-directory-e2e");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", dir.resolve("export").toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", "replica-a");
        env.put("BEACON_RECONCILE_INTERVAL", "1h"); // the test drives rounds with tick()
        env.put("BEACON_LEASE_DURATION", "3h");
        env.put("BEACON_DIRECTORY_SYNC_INTERVAL", "1h");
        return env;
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
