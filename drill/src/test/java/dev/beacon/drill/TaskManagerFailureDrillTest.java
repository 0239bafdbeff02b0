package dev.beacon.drill;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.fail;

import dev.beacon.drill.FailureDrill.Mode;
import dev.beacon.drill.cluster.FlinkCli;
import dev.beacon.drill.cluster.StandaloneCluster;
import dev.beacon.drill.scenario.DrillScenario;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

/**
 * Failure drills of the packaged job ({@code job/target/beacon-job.jar}) on a real multi-process Flink standalone
 * cluster: a JobManager and two TaskManagers as separate JVMs, a real Kafka broker with a four-partition input topic
 * and a real PostgreSQL, both in this JVM on loopback. The job is submitted with the {@code flink} CLI; in each
 * round a TaskManager is killed with kill -9 while calls are half delivered, and a replacement is started. The
 * full plan also stops the job with a savepoint and restores it. Then the invariants of {@link DrillAssertions}:
 * nothing lost, and exactly one fact per call with its deterministic id, in PostgreSQL and on the facts topic.
 *
 * <p>Runs after the job module is packaged (this module's test phase). Logs: {@code target/drill/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskManagerFailureDrillTest {

    private static final DrillPlan PLAN = DrillPlan.fromSystemProperties();
    private static final Path WORK = Path.of(System.getProperty("beacon.drill.work-dir", "target/drill"));

    private static KafkaFixture kafka;
    private static PostgresFixture postgres;
    private static StandaloneCluster cluster;
    private static FailureDrill.Environment env;

    @BeforeAll
    static void startKafkaPostgresAndTheCluster() throws IOException {
        Path jobJar = Path.of(System.getProperty("beacon.drill.job-jar", "../job/target/beacon-job.jar"));
        if (!Files.isRegularFile(jobJar)) {
            fail("No job jar at " + jobJar + ": the drill runs in the build after the job module's package phase");
        }
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        kafka = KafkaFixture.start();
        postgres = new PostgresFixture().start();

        // Secrets the way operators provide them: a keystore file, and values in the TaskManagers' environment.
        // The job's test keys: a per-run RSA key and certificate, the keystore alias being the certificate id.
        TestKeys keys = TestKeys.generate(DrillScenario.CERTIFICATE_ID);
        String keystorePassword = randomSecret();
        String clientState = randomSecret();
        Path keystore = TestKeys.writePkcs12(WORK.resolve("decryption.p12"), keystorePassword.toCharArray(), keys);
        Map<String, String> secrets = Map.of(
                "BEACON_CLIENT_STATE", clientState,
                "BEACON_DECRYPTION_KEYSTORE", keystore.toAbsolutePath().toString(),
                "BEACON_DECRYPTION_KEYSTORE_PASSWORD", keystorePassword,
                "BEACON_JDBC_PASSWORD", postgres.password());

        String classpath = Files.readString(Path.of(System.getProperty("beacon.drill.flink-classpath"))).strip()
                + java.io.File.pathSeparator + System.getProperty("beacon.drill.launcher-classes");
        cluster = StandaloneCluster.start(new StandaloneCluster.Settings(WORK.resolve("cluster"), classpath, 2,
                secrets), 2, Duration.ofMinutes(3));
        env = new FailureDrill.Environment(kafka, postgres, cluster, new FlinkCli(cluster, Duration.ofMinutes(3)),
                jobJar, new SampleStream(clientState, keys));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void atLeastOnceSurvivesTaskManagerKills() {
        check(new FailureDrill(env, Mode.AT_LEAST_ONCE, PLAN).run());
    }

    @Test
    @Order(2)
    void exactlyOnceSurvivesTaskManagerKills() {
        check(new FailureDrill(env, Mode.EXACTLY_ONCE, PLAN).run());
    }

    /** Prints and saves the summary, then asserts every invariant group, reporting all failing groups at once. */
    private static void check(FailureDrill.Outcome outcome) {
        DrillAssertions a = outcome.assertions();
        Observed o = outcome.observed();
        Path callTable = WORK.resolve(outcome.mode() + "-calls.txt");
        String summary = DrillSummary.of(outcome);
        System.out.println(summary);
        try {
            Files.writeString(callTable, a.callTable(o), StandardCharsets.UTF_8);
            Files.writeString(WORK.resolve("summary.txt"), summary + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Executable[] checks = Stream.of(
                group("No input lost: every position audited, every call a fact with all its desk messages",
                        a.inputLost(o)),
                group("PostgreSQL: exactly one emergency_call row per call, with the deterministic fact_id and "
                        + "notification_count = distinct desk messages", a.postgresContract(o)),
                group("Kafka: the keys whose last record is a fact revision are exactly the deterministic ids; "
                        + "every other key ends superseded by its call's live id", a.kafkaContract(o)),
                group("Crypto: every triage subtask decrypts with the native provider loaded once per JVM (ACCP in "
                        + "the cluster's lib/), at first start and after every recovery; no provider WARN logged",
                        cryptoProviders(outcome)),
                // Not asserted by default yet: after the two static roots were removed, a TaskManager can still hold
                // one earlier job's loader with no Java-visible GC root (docs/architecture.md "Performance"). The
                // summary shows the count either way; -Dbeacon.drill.assert-class-loaders=true makes it a check.
                Boolean.getBoolean("beacon.drill.assert-class-loaders")
                        ? group("Class loaders: after a full GC, every TaskManager holds only the running job's class "
                                + "loader (none left from the previous drill's job or the job stopped with a "
                                + "savepoint)", classLoaders(outcome))
                        : null,
                outcome.mode() == Mode.EXACTLY_ONCE
                        ? group("Exactly-once (read_committed): no (fact_id, revision) twice",
                                a.duplicateRevisions(o))
                        : null)
                .filter(e -> e != null).toArray(Executable[]::new);
        assertAll(outcome.mode() + " drill: " + a.counts(o) + "\nPer call (also in " + callTable + "):\n"
                + a.callTable(o), checks);
    }

    /** The provider views of the first start, every kill round and the restore, labelled. */
    private static List<String> cryptoProviders(FailureDrill.Outcome outcome) {
        List<String> out = new java.util.ArrayList<>();
        outcome.firstStart().violations().forEach(v -> out.add("first start: " + v));
        for (FailureDrill.KillRound k : outcome.kills()) {
            k.providers().violations().forEach(v -> out.add("after round " + k.round() + ": " + v));
        }
        if (outcome.savepoint() != null) {
            outcome.savepoint().providers().violations().forEach(v -> out.add("after the restore: " + v));
        }
        return out.stream().distinct().toList();
    }

    /** Full-GC views (first start, and the restore in the full plan): TaskManagers with an earlier job's loader. */
    private static List<String> classLoaders(FailureDrill.Outcome outcome) {
        List<String> out = new java.util.ArrayList<>();
        outcome.firstStart().classLoaderViolations().forEach(v -> out.add("first start: " + v));
        if (outcome.savepoint() != null) {
            outcome.savepoint().providers().classLoaderViolations().forEach(v -> out.add("after the restore: " + v));
        }
        return out;
    }

    private static Executable group(String invariant, List<String> violations) {
        return () -> {
            if (!violations.isEmpty()) {
                fail(invariant + " — " + violations.size() + " violation(s):\n  "
                        + String.join("\n  ", violations));
            }
        };
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
