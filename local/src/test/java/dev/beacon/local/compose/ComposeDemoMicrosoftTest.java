package dev.beacon.local.compose;

import static dev.beacon.system.BeaconSystem.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.system.BeaconSystem;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose demo profile without docker: the services' roles played by real components (the in-process Kafka,
 * the embedded PostgreSQL, the control plane service with its default intervals, the job on a MiniCluster), and
 * {@link ComposeDemoMicrosoft} against them with the settings compose gives it. A desk message from the generator
 * reaches {@code teams-events} and becomes a fact within the minute the demo promises.
 */
class ComposeDemoMicrosoftTest {

    @Test
    void theGeneratorsCallBecomesAFactWithinAMinute(@TempDir Path dir) throws Exception {
        String adminToken = "admin-" + System.nanoTime();
        Path clientSecretFile = Files.writeString(dir.resolve("demo-client-secret"), "demo-secret-" + System.nanoTime());
        try (PostgresFixture postgres = new PostgresFixture().start(); KafkaFixture kafka = KafkaFixture.start()) {
            // What the compose "topics" and "migrate" services do.
            kafka.createTopic(BeaconSystem.EVENTS_TOPIC, 2);
            BeaconSystem.TOPICS.forEach(t -> kafka.createTopic(t, 1));
            List.of(ReferenceTopics.DIRECTORY, ReferenceTopics.SITES, ReferenceTopics.SECURITY_LINES)
                    .forEach(t -> kafka.createCompactedTopic(t, 1));
            JobSecretsLayout jobSecrets = new JobSecretsLayout(dir.resolve("job-secrets"));
            long started = System.nanoTime();

            int controlPlanePort = freePort();
            ComposeDemoSettings settings = ComposeDemoSettings.fromEnv(Map.of(
                    "BEACON_DEMO_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                    "BEACON_DEMO_EMULATOR_HOST", "127.0.0.1",
                    "BEACON_DEMO_EMULATOR_PORT", "0",
                    "BEACON_DEMO_CONTROL_PLANE", "http://127.0.0.1:" + controlPlanePort,
                    "BEACON_ADMIN_TOKEN", adminToken,
                    "BEACON_DEMO_CLIENT_SECRET_FILE", clientSecretFile.toString()));
            try (ComposeDemoMicrosoft generator = ComposeDemoMicrosoft.start(settings);
                 ControlPlaneService.Running controlPlane = startControlPlane(postgres, kafka, jobSecrets, adminToken,
                         controlPlanePort, URI.create("http://127.0.0.1:" + generator.port()))) {
                EmulatedSubscription subscription = generator.connect(Duration.ofSeconds(60));
                await("the job's secrets exported", Duration.ofSeconds(30),
                        () -> Files.exists(jobSecrets.fetchSigningKeys()));
                JobClient job = BeaconSystem.submitJob(
                        BeaconSystem.jobConfiguration(kafka.bootstrapServers(), postgres, jobSecrets, dir));
                try {
                    String messageId = generator.sendNext(subscription);
                    await("the desk message in teams-events", Duration.ofSeconds(60),
                            () -> !kafka.readAll(BeaconSystem.EVENTS_TOPIC, false).isEmpty());
                    assertThat(kafka.readAll(BeaconSystem.EVENTS_TOPIC, false)).hasSize(1)
                            .allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                                    .isEqualTo(subscription.id()));
                    await("the call's fact in PostgreSQL", Duration.ofSeconds(60), () -> !postgres.query(
                            "SELECT 1 FROM emergency_call WHERE caller_user_id = ?",
                            BeaconSystem.PEOPLE.get(0).id()).isEmpty());
                    System.out.printf("compose demo: first fact %d ms after the services started (message %s)%n",
                            (System.nanoTime() - started) / 1_000_000, messageId);
                    assertThat(postgres.queryValue("SELECT count(*) FROM emergency_call")).isEqualTo(1L);
                    assertThat(postgres.queryValue("SELECT count(*) FROM dead_letter")).isEqualTo(0L);
                } finally {
                    job.cancel().get();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The control plane as compose runs it: default intervals, its Microsoft calls routed to the emulator. */
    private static ControlPlaneService.Running startControlPlane(PostgresFixture postgres, KafkaFixture kafka,
                                                                 JobSecretsLayout jobSecrets, String adminToken,
                                                                 int port, URI microsoftRoute) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", postgres.jdbcUrl());
        env.put("BEACON_JDBC_USER", postgres.user());
        env.put("BEACON_JDBC_PASSWORD", postgres.password());
        env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", adminToken);
        env.put("BEACON_HTTP_HOST", "127.0.0.1");
        env.put("BEACON_HTTP_PORT", Integer.toString(port));
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", jobSecrets.directory().toString());
        env.put("BEACON_MICROSOFT_ROUTE", microsoftRoute.toString());
        env.put("BEACON_PUBLIC_URL", "http://localhost:8080");
        env.put("BEACON_INGRESS_PUBLIC_URL", "http://localhost:8088");
        return ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), Clock.systemUTC(), SignInSettings.defaults());
    }
}
