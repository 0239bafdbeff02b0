package dev.beacon.job.testing;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.KafkaIngest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Beacon's whole stack in one JVM: a real Kafka broker, a real PostgreSQL with the schema, a generated decryption
 * key pair and clientState written to files the way operators mount secrets, and the job's configuration pointing at
 * all of it. Used by the local run ({@code LocalBeacon}) and by the end-to-end tests.
 */
public final class LocalStack implements AutoCloseable {

    public static final String FACTS_TOPIC = "emergency-call-facts";
    public static final String DEAD_LETTER_TOPIC = "dead-letters";
    public static final String LIFECYCLE_TOPIC = "graph-lifecycle";
    public static final String HYDRATION_TOPIC = "graph-needs-hydration";

    public final KafkaFixture kafka;
    public final PostgresFixture postgres;
    public final TestKeys keys;
    public final String clientState;
    public final Path dir;
    private final Path keystore;
    private final Path keystorePassword;
    private final Path clientStateFile;
    private final Path jdbcPassword;

    private LocalStack(Path dir, int inputPartitions) throws IOException {
        this.dir = dir;
        kafka = KafkaFixture.start();
        postgres = new PostgresFixture().start();
        kafka.createTopic(SampleStream.TOPIC, inputPartitions);
        for (String topic : List.of(FACTS_TOPIC, DEAD_LETTER_TOPIC, LIFECYCLE_TOPIC, HYDRATION_TOPIC)) {
            kafka.createTopic(topic, 1);
        }
        // The control plane's reference-data topics (directory, sites, security lines), empty unless a test fills them.
        for (String topic : dev.beacon.job.reference.ReferenceSettings.defaults().topics()) {
            kafka.createCompactedTopic(topic, 1);
        }
        keys = TestKeys.generate(SampleStream.CERT_ID);
        clientState = randomSecret();
        String storePassword = randomSecret();
        keystore = TestKeys.writePkcs12(dir.resolve("decryption.p12"), storePassword.toCharArray(), keys);
        // secret files are owner-only (0600)
        keystorePassword = dir.resolve("keystore-password");
        JobSecretsLayout.writeAtomically(keystorePassword, storePassword.getBytes(StandardCharsets.UTF_8));
        clientStateFile = dir.resolve("client-state");
        JobSecretsLayout.writeAtomically(clientStateFile, clientState.getBytes(StandardCharsets.UTF_8));
        jdbcPassword = postgres.writePasswordFile(dir);
    }

    public static LocalStack start(Path dir, int inputPartitions) {
        try {
            return new LocalStack(dir, inputPartitions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The job's settings for this stack: bounded input (the job stops when it has read what was published). */
    public Configuration jobConfiguration() {
        Configuration c = new Configuration();
        c.set(BeaconOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        c.set(BeaconOptions.KAFKA_TOPICS, List.of(SampleStream.TOPIC));
        c.set(BeaconOptions.KAFKA_STARTING_OFFSETS, "earliest");
        c.set(BeaconOptions.KAFKA_BOUNDED, true);
        c.set(BeaconOptions.JDBC_URL, postgres.jdbcUrl());
        c.set(BeaconOptions.JDBC_USER, postgres.user());
        c.set(BeaconOptions.JDBC_PASSWORD_FILE, jdbcPassword.toString());
        c.set(BeaconOptions.CLIENT_STATE_FILE, clientStateFile.toString());
        c.set(BeaconOptions.KEYSTORE_PATH, keystore.toString());
        c.set(BeaconOptions.KEYSTORE_PASSWORD_FILE, keystorePassword.toString());
        c.set(BeaconOptions.CHECKPOINT_INTERVAL, java.time.Duration.ofMillis(500));
        c.set(BeaconOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
        return c;
    }

    /** Publishes the sample stream to the input topic, in order, one record at a time. */
    public List<SampleStream.Record> publishSampleStream() {
        List<SampleStream.Record> records = new SampleStream(clientState, keys).records();
        for (SampleStream.Record r : records) {
            kafka.send(SampleStream.TOPIC, null, r.key(), r.value(), r.headers());
        }
        return records;
    }

    /** Runs the job with production sinks on the given environment, until its bounded input is consumed. */
    public void runJob(StreamExecutionEnvironment env, Configuration jobConf) throws Exception {
        env.configure(BeaconJob.runtimeSettings(jobConf));
        BeaconJob.defineWorkflow(
                env.fromSource(KafkaIngest.source(jobConf), WatermarkStrategy.noWatermarks(), "graph-notifications"),
                BeaconJob.productionSinks(jobConf), jobConf);
        env.execute("beacon-local");
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() throws Exception {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}
