package dev.beacon.job.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.InvalidSettingException;
import dev.beacon.job.reference.ReferenceSettings;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setting Beacon cannot run with stops {@code BeaconJob.run} (what {@code main} and {@code flink run} call)
 * before anything is submitted, within seconds, with one line that names the setting and holds no secret. Real
 * files, a real Kafka broker and a real PostgreSQL; "unreachable" is a port nobody listens on.
 */
@Timeout(60)
class PreflightTest {

    /** Slowest acceptable stop, with preflight.timeout=2 s for the unreachable endpoints. */
    private static final long MAX_MILLIS = 5_000;
    private static final String STORE_PASSWORD = "store-pass-" + System.nanoTime();
    private static final String CLIENT_STATE = "client-state-" + System.nanoTime();
    private static final String UNSET = "BEACON_PREFLIGHT_TEST_UNSET";

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static KafkaFixture kafka;
    private static TestKeys keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        kafka.createTopic(SampleStream.TOPIC, 1);
        for (String topic : ReferenceSettings.defaults().topics()) {
            kafka.createTopic(topic, 1);
        }
        keys = TestKeys.generate(SampleStream.CERT_ID);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    // ---- secrets and rules (replay: the job runs in this process, so its secrets are checked here) --------------

    @Test
    void aMissingKeystoreNamesAuthKeystore() throws Exception {
        Path missing = dir.resolve("no-such-keys.p12");

        InvalidSettingException e = stops(replay("--auth.keystore", missing.toString()));

        assertThat(e).hasMessage("auth.keystore: PKCS12 key store " + missing + " does not exist");
        assertThat(Launcher.describe(e)).isEqualTo("Beacon cannot start: " + e.getMessage());
    }

    @Test
    void aKeystoreFromTheEnvironmentNamesTheVariable() throws Exception {
        String variable = Stream.of("HOME", "PWD", "JAVA_HOME")
                .filter(v -> System.getenv(v) != null && Files.isDirectory(Path.of(System.getenv(v))))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(variable != null, "needs an environment variable naming a directory");

        InvalidSettingException e = stops(replay("--auth.keystore", null, "--auth.keystore-env", variable));

        assertThat(e).hasMessage("auth.keystore (or environment variable " + variable + "): PKCS12 key store "
                + System.getenv(variable) + " is not a readable file");
    }

    @Test
    void aFileThatIsNoKeystoreNamesAuthKeystore() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "this is not PKCS12");

        InvalidSettingException e = stops(replay("--auth.keystore", garbage.toString()));

        assertThat(e).hasMessage("auth.keystore: Cannot open PKCS12 key store " + garbage
                + ": unreadable (wrong password, or not a PKCS12 file)");
    }

    @Test
    void aWrongKeystorePasswordNamesThePasswordSettingAndNotThePassword() throws Exception {
        String wrong = "wrong-" + System.nanoTime();
        Path passwordFile = Files.writeString(dir.resolve("wrong-password"), wrong);

        InvalidSettingException e = stops(replay("--auth.keystore-password-file", passwordFile.toString()));

        assertThat(e).hasMessage("auth.keystore-password-file (" + passwordFile
                + "): wrong password for PKCS12 key store " + dir.resolve("keys.p12"));
        assertThat(Launcher.describe(e)).doesNotContain(wrong).doesNotContain(STORE_PASSWORD);
    }

    @Test
    void aKeystorePasswordThatIsNotSetNamesItsVariable() throws Exception {
        InvalidSettingException e = stops(replay("--auth.keystore-password-env", UNSET,
                "--auth.keystore-password-file", null));

        assertThat(e).hasMessage("environment variable " + UNSET + " (or " + UNSET + "_FILE): is not set, but "
                + "PKCS12 key store " + dir.resolve("keys.p12") + " needs its password");
    }

    @Test
    void aKeystoreWithoutPrivateKeysNamesAuthKeystore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("just-a-certificate", keys.certificate());
        Path certificatesOnly = dir.resolve("certificates-only.p12");
        try (var out = Files.newOutputStream(certificatesOnly)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }

        InvalidSettingException e = stops(replay("--auth.keystore", certificatesOnly.toString()));

        assertThat(e).hasMessage("auth.keystore: PKCS12 key store " + certificatesOnly + " holds no private key");
    }

    @Test
    void noClientStateNamesItsVariable() throws Exception {
        InvalidSettingException e = stops(replay("--auth.client-state-file", null, "--auth.client-state-env", UNSET));

        assertThat(e).hasMessage("environment variable " + UNSET + " (or " + UNSET + "_FILE): is not set; it must "
                + "hold the subscriptions' clientState (several, comma-separated, during a rotation)");
    }

    @Test
    void aClientStateFileThatIsMissingOrEmptyNamesTheSetting() throws Exception {
        Path missing = dir.resolve("no-client-state");
        Path empty = Files.writeString(dir.resolve("empty-client-state"), " ,\n");

        InvalidSettingException gone = stops(replay("--auth.client-state-file", missing.toString()));
        InvalidSettingException blank = stops(replay("--auth.client-state-file", empty.toString()));

        assertThat(gone).hasMessage("auth.client-state-file (" + missing + "): no such file " + missing);
        assertThat(blank).hasMessage("auth.client-state-file (" + empty + "): is empty; it must hold the "
                + "subscriptions' clientState (several, comma-separated, during a rotation)");
    }

    @Test
    void aMalformedFetchSigningKeyFileNamesTheSettingAndNoKey() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("fetch-signing-keys"), "c2hvcnQ=\n");

        InvalidSettingException e = stops(replay("--auth.fetch-signing-key-file", shortKey.toString()));

        assertThat(e).hasMessage("auth.fetch-signing-key-file (" + shortKey + "): a fetch-signing key has 5 bytes, "
                + "not 32");
        assertThat(e.setting()).isEqualTo("auth.fetch-signing-key-file (" + shortKey + ")");
    }

    @Test
    void invalidDetectionRulesNameTheRulesFile() throws Exception {
        Path notJson = Files.writeString(dir.resolve("rules-broken.json"), "{\"rules\": [");
        Path noRules = Files.writeString(dir.resolve("rules-empty.json"), "{\"rules\": []}");
        Path missing = dir.resolve("rules-missing.json");

        InvalidSettingException broken = stops(replay("--detect.rules-file", notJson.toString()));
        InvalidSettingException empty = stops(replay("--detect.rules-file", noRules.toString()));
        InvalidSettingException gone = stops(replay("--detect.rules-file", missing.toString()));

        assertThat(broken.getMessage()).startsWith("detect.rules-file: " + notJson
                + ": detection rules are not valid JSON: ");
        assertThat(empty).hasMessage("detect.rules-file: " + noRules
                + ": detection rules: \"rules\" must be a non-empty list of rules");
        assertThat(gone).hasMessage("detect.rules-file: cannot read " + missing + " (NoSuchFileException)");
    }

    @Test
    void aMissingCaptureFileNamesReplay() throws Exception {
        Path missing = dir.resolve("no-capture.jsonl");

        InvalidSettingException e = stops(replay("--replay", missing.toString()));

        assertThat(e).hasMessage("replay: capture file " + missing + " does not exist");
    }

    // ---- endpoints (a cluster job: Kafka in, Kafka and PostgreSQL out) --------------------------------------------

    @Test
    void anUnreachableKafkaNamesKafkaBootstrapServers() throws Exception {
        String nobody = "127.0.0.1:" + closedPort();

        InvalidSettingException e = stops(cluster("--kafka.bootstrap-servers", nobody));

        assertThat(e).hasMessage("kafka.bootstrap-servers: no Kafka broker at " + nobody
                + " answered within 2 s (TimeoutException)");
    }

    @Test
    void anUnreachableOutputKafkaNamesSinkKafkaBootstrapServers() throws Exception {
        String nobody = "127.0.0.1:" + closedPort();

        InvalidSettingException e = stops(cluster("--sink.kafka.bootstrap-servers", nobody));

        assertThat(e).hasMessage("sink.kafka.bootstrap-servers: no Kafka broker at " + nobody
                + " answered within 2 s (TimeoutException)");
    }

    @Test
    void aMissingInputTopicNamesKafkaTopics() throws Exception {
        InvalidSettingException e = stops(cluster("--kafka.topics", SampleStream.TOPIC + ";not-there"));

        assertThat(e).hasMessage("kafka.topics: Kafka at " + kafka.bootstrapServers() + " has no topic not-there");
    }

    @Test
    void aMissingReferenceTopicNamesTheReferenceSettings() throws Exception {
        InvalidSettingException e = stops(cluster("--reference.sites-topic", "no-sites"));

        assertThat(e).hasMessage("reference.directory-topic / reference.sites-topic / reference.security-lines-topic"
                + " (or reference.enabled=false): Kafka at " + kafka.bootstrapServers() + " has no topic no-sites");
    }

    @Test
    void withoutReferenceDataItsTopicsAreNotChecked() throws Exception {
        Configuration conf = BeaconJob.parseArguments(cluster("--reference.sites-topic", "no-sites",
                "--reference.enabled", "false"));

        assertThatCode(() -> Preflight.check(conf, true)).doesNotThrowAnyException();
    }

    @Test
    void aMissingReplayReferenceFileNamesTheSetting() throws Exception {
        Path missing = dir.resolve("no-reference.jsonl");

        InvalidSettingException e = stops(replay("--replay.reference-file", missing.toString()));

        assertThat(e).hasMessage("replay.reference-file: reference file " + missing + " does not exist");
    }

    @Test
    void eventHubsWithoutItsConnectionStringHereIsCheckedByTcp() throws Exception {
        int port = closedPort();

        InvalidSettingException e = stops(cluster("--kafka.bootstrap-servers", "127.0.0.1:" + port,
                "--kafka.security", "eventhubs", "--kafka.eventhubs.connection-string-env", UNSET));

        assertThat(e).hasMessage("kafka.bootstrap-servers: cannot connect to 127.0.0.1:" + port + " within 2 s "
                + "(127.0.0.1:" + port + " ConnectException)");
    }

    @Test
    void anUnreachablePostgresNamesJdbcUrlWithoutTheUrlsQuery() throws Exception {
        int port = closedPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/beacon";

        InvalidSettingException e = stops(cluster("--jdbc.url", url + "?password=hunter2"));

        assertThat(e).hasMessage("jdbc.url: cannot connect to PostgreSQL at " + url + " (Connection to 127.0.0.1:"
                + port + " refused. Check that the hostname and port are correct and that the postmaster is "
                + "accepting TCP/IP connections.)");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aWrongDatabasePasswordNamesThePasswordSettingAndNotThePassword() throws Exception {
        String wrong = "wrong-" + System.nanoTime();
        Path passwordFile = Files.writeString(dir.resolve("wrong-jdbc-password"), wrong);

        InvalidSettingException e = stops(cluster("--jdbc.password-file", passwordFile.toString()));

        assertThat(e).hasMessage("jdbc.password-file (" + passwordFile + "): PostgreSQL at " + PG.jdbcUrl()
                + " rejected user beacon (FATAL: password authentication failed for user \"beacon\")");
        assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(PG.password());
    }

    @Test
    void aDatabaseWithoutTheSchemaNamesJdbcUrl() throws Exception {
        String empty = PG.createEmptyDatabase("preflight_no_schema");

        InvalidSettingException e = stops(cluster("--jdbc.url", empty));

        assertThat(e).hasMessage("jdbc.url: " + empty + " has no Beacon schema (table emergency_call); run "
                + "dev.beacon.sql.SchemaMigrator first");
    }

    @Test
    void onAClusterWithoutThePasswordHereOnlyTheDatabasesPortIsTried() throws Exception {
        int port = closedPort();
        Configuration reachable = BeaconJob.parseArguments(cluster("--jdbc.password-file", null,
                "--jdbc.password-env", UNSET));
        Configuration unreachable = BeaconJob.parseArguments(cluster("--jdbc.password-file", null,
                "--jdbc.password-env", UNSET, "--jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/beacon"));

        assertThatCode(() -> Preflight.check(reachable, false)).doesNotThrowAnyException();
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Preflight.check(unreachable, false));
        assertThat(e).hasMessage("jdbc.url: cannot connect to jdbc:postgresql://127.0.0.1:" + port + "/beacon within "
                + "2 s (127.0.0.1:" + port + " ConnectException)");
    }

    @Test
    void aWorkingConfigurationPassesEveryCheck() throws Exception {
        Configuration conf = BeaconJob.parseArguments(cluster());

        assertThatCode(() -> Preflight.check(conf, true)).doesNotThrowAnyException();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Runs the job's entry point, which must stop with a configuration error, quickly and before execution. */
    private static InvalidSettingException stops(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long started = System.nanoTime();
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> BeaconJob.run(args, new PrintStream(out, true)));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("stopped in %d ms: %s%n", millis, e.getMessage());
        assertThat(millis).as("time until the run stopped").isLessThan(MAX_MILLIS);
        assertThat(out.toString()).as("nothing ran, so nothing is summarised").isEmpty();
        assertThat(e.getMessage()).doesNotContain(STORE_PASSWORD).doesNotContain(CLIENT_STATE)
                .doesNotContain(PG.password()).doesNotContain("\n");
        return e;
    }

    /** A replay with working secrets, then {@code overrides} (name, value; a null value removes the setting). */
    private String[] replay(String... overrides) throws IOException {
        Path capture = Files.writeString(dir.resolve("capture.jsonl"), "{\"value\":[]}\n");
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), STORE_PASSWORD.toCharArray(), keys);
        Path password = Files.writeString(dir.resolve("store-password"), STORE_PASSWORD);
        Path clientState = Files.writeString(dir.resolve("client-state"), CLIENT_STATE);
        return arguments(Map.of(
                BeaconOptions.REPLAY_FILE.key(), capture.toString(),
                BeaconOptions.FACTS_OUT.key(), dir.resolve("facts.jsonl").toString(),
                BeaconOptions.KEYSTORE_PATH.key(), keystore.toString(),
                BeaconOptions.KEYSTORE_PASSWORD_FILE.key(), password.toString(),
                BeaconOptions.CLIENT_STATE_FILE.key(), clientState.toString()), overrides);
    }

    /** A bounded cluster-style job against the real Kafka and PostgreSQL, then {@code overrides}. */
    private String[] cluster(String... overrides) throws IOException {
        String[] secrets = replay();
        List<String> base = new ArrayList<>(List.of(secrets));
        int replayAt = base.indexOf("--" + BeaconOptions.REPLAY_FILE.key());
        base.remove(replayAt + 1);
        base.remove(replayAt);
        java.util.LinkedHashMap<String, String> settings = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < base.size(); i += 2) {
            settings.put(base.get(i).substring(2), base.get(i + 1));
        }
        settings.put(BeaconOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers());
        settings.put(BeaconOptions.KAFKA_TOPICS.key(), SampleStream.TOPIC);
        settings.put(BeaconOptions.KAFKA_BOUNDED.key(), "true");
        settings.put(BeaconOptions.KAFKA_STARTING_OFFSETS.key(), "latest");
        settings.put(BeaconOptions.JDBC_URL.key(), PG.jdbcUrl());
        settings.put(BeaconOptions.JDBC_USER.key(), PG.user());
        settings.put(BeaconOptions.JDBC_PASSWORD_FILE.key(), PG.writePasswordFile(dir).toString());
        settings.put(BeaconOptions.PREFLIGHT_TIMEOUT.key(), "2 s");
        return arguments(settings, overrides);
    }

    private static String[] arguments(Map<String, String> base, String... overrides) {
        java.util.LinkedHashMap<String, String> settings = new java.util.LinkedHashMap<>(base);
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            String key = overrides[i].substring(2);
            if (overrides[i + 1] == null) {
                settings.remove(key);
            } else {
                settings.put(key, overrides[i + 1]);
            }
        }
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args.toArray(new String[0]);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
