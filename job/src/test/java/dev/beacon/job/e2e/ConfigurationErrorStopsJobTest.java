package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.BeaconSinks;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.launch.Launcher;
import dev.beacon.job.testing.CapturedLogs;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task managers' side of failing fast: when triage finds a configuration error as it opens (here the keystore
 * is gone, as when a secret is mounted on the client but not on the task managers), the job fails once, for good,
 * with one ERROR line naming the setting, under the cluster's restart strategy that would otherwise restart it. Any
 * other failure is restarted, but only {@code restart.max-attempts} times and with growing delays.
 */
class ConfigurationErrorStopsJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final String STORE_PASSWORD = "store-pass-" + System.nanoTime();
    private static final String CLIENT_STATE = "client-state-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void aMissingKeystoreFailsTheJobOnceWithOneErrorLineAndNoRestart(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Path missing = dir.resolve("keys-not-mounted.p12");
        Configuration conf = clusterJob(missing);

        Outcome outcome;
        try (CapturedLogs logs = CapturedLogs.start()) {
            outcome = run(cluster, conf, new PassThrough());
            String expected = "Beacon cannot start: auth.keystore: PKCS12 key store " + missing + " does not exist";
            System.out.printf("configuration error stopped the job in %d ms%n", outcome.millis);
            assertThat(Launcher.describe(outcome.failure)).isEqualTo(expected);
            assertThat(logs.errors()).as("ERROR lines").containsExactly(expected);
            assertThat(logs.text()).doesNotContain(STORE_PASSWORD).doesNotContain(CLIENT_STATE);
        }
        assertThat(outcome.highestAttempt).as("restarts").isZero();
        assertThat(outcome.millis).as("time until the job failed").isLessThan(10_000);
    }

    @Test
    void otherFailuresRestartWithBackoffAtMostMaxAttemptsTimes(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Configuration conf = clusterJob(TestKeys.writePkcs12(dir.resolve("keys.p12"), STORE_PASSWORD.toCharArray(),
                TestKeys.generate(SampleStream.CERT_ID)));
        conf.set(BeaconOptions.RESTART_MAX_ATTEMPTS, 2);
        conf.set(BeaconOptions.RESTART_INITIAL_BACKOFF, Duration.ofMillis(300));

        Outcome outcome = run(cluster, conf, new AlwaysFails());

        System.out.printf("a failing job gave up after %d ms%n", outcome.millis);
        assertThat(Launcher.describe(outcome.failure)).isEqualTo("Beacon failed: IllegalStateException: "
                + "a defect that is no configuration error");
        assertThat(outcome.highestAttempt).as("restarts").isEqualTo(2);
        // 300 ms, then 600 ms, each ±10 % jitter.
        assertThat(outcome.millis).as("time spent backing off").isGreaterThanOrEqualTo(800);
    }

    private record Outcome(Throwable failure, int highestAttempt, long millis) {}

    private Outcome run(MiniCluster cluster, Configuration conf, MapFunction<RawRecord, RawRecord> step)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(BeaconJob.runtimeSettings(conf));
        Path capture = Files.writeString(dir.resolve("capture.jsonl"), "{\"value\":[]}\n");
        // Its own task, so that the attempt numbers below do not depend on how operators are chained.
        DataStream<RawRecord> records = BeaconJob.replaySource(env, capture.toString()).map(step)
                .returns(RawRecord.class).name("step").disableChaining();
        BeaconJob.defineWorkflow(records, new BeaconSinks().facts(new DiscardingSink<>()), conf);
        long started = System.nanoTime();
        JobClient job = env.executeAsync("configuration-error");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));
        long millis = (System.nanoTime() - started) / 1_000_000;
        ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(job.getJobID()).get(10, TimeUnit.SECONDS);
        int highest = 0;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            highest = Math.max(highest, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return new Outcome(e, highest, millis);
    }

    /** A cluster job (restart strategy: exponential delay, 5 attempts) reading a capture file. */
    private Configuration clusterJob(Path keystore) throws Exception {
        Configuration conf = new Configuration();
        conf.set(BeaconOptions.KEYSTORE_PATH, keystore.toString());
        conf.set(BeaconOptions.KEYSTORE_PASSWORD_FILE,
                Files.writeString(dir.resolve("store-password"), STORE_PASSWORD).toString());
        conf.set(BeaconOptions.CLIENT_STATE_FILE,
                Files.writeString(dir.resolve("client-state"), CLIENT_STATE).toString());
        conf.set(BeaconOptions.RESTART_MAX_ATTEMPTS, 5);
        conf.set(BeaconOptions.RESTART_INITIAL_BACKOFF, Duration.ofMillis(100));
        conf.set(BeaconOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
        return conf;
    }

    private static final class PassThrough implements MapFunction<RawRecord, RawRecord> {
        @Override
        public RawRecord map(RawRecord r) {
            return r;
        }
    }

    private static final class AlwaysFails implements MapFunction<RawRecord, RawRecord> {
        @Override
        public RawRecord map(RawRecord r) {
            throw new IllegalStateException("a defect that is no configuration error");
        }
    }
}
