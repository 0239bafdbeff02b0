package dev.beacon.job.launch;

import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.InvalidSettingException;
import dev.beacon.job.ingest.KafkaClientProperties;
import dev.beacon.job.reference.ReferenceData;
import dev.beacon.job.reference.ReferenceSettings;
import dev.beacon.job.sink.JdbcTarget;
import dev.beacon.job.triage.TriageResources;
import dev.beacon.job.triage.TriageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks in {@code main()}, before anything is submitted: what the submitting process can check, it checks
 * now, so that a wrong setting stops {@code flink run} or a replay within seconds with one line naming the setting,
 * instead of failing later on a task manager.
 *
 * <ul>
 *   <li>replay: the capture file exists, and the reference file when one is set;
 *   <li>detection rules parse ({@code detect.rules-file});
 *   <li>secrets (clientState, keystore and its password) load, when the job runs in this process (replay, local
 *       runs): elsewhere they live on the task managers, are never read here, and triage checks them when it opens;
 *   <li>Kafka ({@code kafka.bootstrap-servers}, {@code sink.kafka.bootstrap-servers}) answers and has the input
 *       topics (and the reference topics, unless {@code reference.enabled=false}); PostgreSQL
 *       ({@code jdbc.url}) accepts the job's user and has the schema. Without the password or connection string
 *       here, a TCP connection is all that is tried. {@code preflight.check-endpoints=false} skips these when the
 *       submitting machine cannot reach them.
 * </ul>
 */
public final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    static final String REFERENCE_TOPICS_SETTING = BeaconOptions.REFERENCE_DIRECTORY_TOPIC.key() + " / "
            + BeaconOptions.REFERENCE_SITES_TOPIC.key() + " / " + BeaconOptions.REFERENCE_SECURITY_LINES_TOPIC.key()
            + " (or " + BeaconOptions.REFERENCE_ENABLED.key() + "=false)";

    private Preflight() {}

    /**
     * @param secretsHere whether this process sees the task managers' files and environment (the job runs here)
     * @throws InvalidSettingException naming the first setting that does not work
     */
    public static void check(Configuration conf, boolean secretsHere) {
        long started = System.nanoTime();
        String replay = conf.get(BeaconOptions.REPLAY_FILE);
        if (replay != null && !Files.isRegularFile(Path.of(replay))) {
            throw new InvalidSettingException(BeaconOptions.REPLAY_FILE.key(),
                    "capture file " + Path.of(replay).toAbsolutePath() + " does not exist");
        }
        String referenceFile = conf.get(BeaconOptions.REPLAY_REFERENCE_FILE);
        if (replay != null && referenceFile != null && !Files.isRegularFile(Path.of(referenceFile))) {
            throw new InvalidSettingException(BeaconOptions.REPLAY_REFERENCE_FILE.key(),
                    "reference file " + Path.of(referenceFile).toAbsolutePath() + " does not exist");
        }
        TriageSettings triage = TriageSettings.from(conf);
        if (secretsHere) {
            TriageResources.load(triage);
        } else if (triage.rulesFile() != null && Files.exists(Path.of(triage.rulesFile()))) {
            TriageResources.rules(triage.rulesFile());
        }
        if (replay == null && conf.get(BeaconOptions.PREFLIGHT_ENDPOINTS)) {
            checkEndpoints(conf, secretsHere);
        }
        LOG.info("Start-up checks passed in {} ms{}", (System.nanoTime() - started) / 1_000_000,
                secretsHere ? "" : " (secrets are checked on the task managers)");
    }

    /** Whether the job will run in this JVM: replay, {@code flink run --target local}, or a plain {@code java}. */
    public static boolean runsInThisProcess(StreamExecutionEnvironment env) {
        return env instanceof LocalStreamEnvironment
                || "local".equals(env.getConfiguration().get(DeploymentOptions.TARGET));
    }

    private static void checkEndpoints(Configuration conf, boolean secretsHere) {
        Duration timeout = conf.get(BeaconOptions.PREFLIGHT_TIMEOUT);
        String ingest = conf.get(BeaconOptions.KAFKA_BOOTSTRAP);
        EndpointChecks.kafka(BeaconOptions.KAFKA_BOOTSTRAP.key(), KafkaClientProperties.forIngest(conf),
                BeaconOptions.KAFKA_TOPICS.key(), conf.get(BeaconOptions.KAFKA_TOPICS), timeout);
        if (ReferenceData.enabled(conf)) {
            // The reference source fails without its topics: say so now, naming the settings.
            EndpointChecks.kafka(BeaconOptions.KAFKA_BOOTSTRAP.key(), KafkaClientProperties.forIngest(conf),
                    REFERENCE_TOPICS_SETTING, ReferenceSettings.from(conf).topics(), timeout);
        }
        String sinks = conf.get(BeaconOptions.SINK_KAFKA_BOOTSTRAP);
        if (sinks != null && !sinks.equals(ingest)) {
            EndpointChecks.kafka(BeaconOptions.SINK_KAFKA_BOOTSTRAP.key(), KafkaClientProperties.forSinks(conf),
                    BeaconOptions.SINK_KAFKA_BOOTSTRAP.key(), List.of(), timeout);
        }
        String url = conf.get(BeaconOptions.JDBC_URL);
        if (url == null) {
            return;
        }
        String passwordFile = conf.get(BeaconOptions.JDBC_PASSWORD_FILE);
        String passwordEnv = conf.get(BeaconOptions.JDBC_PASSWORD_ENV);
        JdbcTarget target = new JdbcTarget(url, conf.get(BeaconOptions.JDBC_USER), passwordEnv, passwordFile);
        String passwordSetting = passwordFile != null
                ? BeaconOptions.JDBC_PASSWORD_FILE.key() + " (" + passwordFile + ")"
                : "environment variable " + passwordEnv;
        String password;
        boolean known;
        try {
            password = target.resolvePassword();
            // No password here: on a cluster it is on the task managers; in this process, none is configured.
            known = password != null || secretsHere;
        } catch (IllegalStateException unreadable) {
            if (secretsHere) {
                throw new InvalidSettingException(passwordSetting, "cannot be read");
            }
            password = null;
            known = false;
        }
        EndpointChecks.postgres(target, passwordSetting, password, known, timeout);
    }
}
