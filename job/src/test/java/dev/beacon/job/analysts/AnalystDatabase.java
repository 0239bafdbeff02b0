package dev.beacon.job.analysts;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.BeaconSinks;
import dev.beacon.job.BeaconSources;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.sink.JdbcTarget;
import dev.beacon.job.sink.PostgresSinks;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A PostgreSQL database filled by the job itself: {@link AnalystStream} through the whole topology
 * ({@link BeaconJob#defineWorkflow(BeaconSources, BeaconSinks, Configuration)}) on the MiniCluster, into the
 * production PostgreSQL sinks. Remembers when the job ran, because the job stamps detection, processing and
 * failure times with the wall clock.
 */
final class AnalystDatabase {

    /** When the job started and when it had finished: every wall-clock time it wrote lies in between. */
    record Run(Instant from, Instant to) {}

    private AnalystDatabase() {}

    static Run fill(PostgresFixture pg, Path dir) throws Exception {
        TestKeys keys = TestKeys.generate(SampleStream.CERT_ID);
        byte[] signingKey = FetchedMessages.newKey();
        String clientState = "analyst-client-state-" + System.nanoTime();
        Configuration conf = new Configuration();
        char[] password = "analyst-keystore-password".toCharArray();
        conf.set(BeaconOptions.KEYSTORE_PATH, TestKeys.writePkcs12(dir.resolve("keys.p12"), password, keys).toString());
        conf.set(BeaconOptions.KEYSTORE_PASSWORD_FILE, write(dir, "keystore-password", new String(password)));
        conf.set(BeaconOptions.CLIENT_STATE_FILE, write(dir, "client-state", clientState));
        conf.set(BeaconOptions.FETCH_SIGNING_KEY_FILE, write(dir, "fetch-signing-keys",
                FetchedMessages.base64(signingKey) + "\n"));
        JdbcTarget db = new JdbcTarget(pg.jdbcUrl(), pg.user(), null, pg.writePasswordFile(dir).toString());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1); // one partition, in order: every audit outcome is deterministic
        conf.set(BeaconOptions.REPARTITION_BY_CHAT, false);
        BeaconJob.defineWorkflow(
                BeaconSources.of(env.fromData(new AnalystStream(clientState, keys, signingKey).records(),
                                TypeInformation.of(RawRecord.class)))
                        .referenceData(env.fromData(AnalystStream.reference(),
                                TypeInformation.of(ReferenceUpdate.class))),
                new BeaconSinks()
                        .facts(PostgresSinks.facts(db, PostgresSinks.defaultExecution()))
                        .audit(PostgresSinks.audit(db, PostgresSinks.defaultExecution()))
                        .deadLetters(PostgresSinks.deadLetters(db, PostgresSinks.defaultExecution())),
                conf);
        Instant from = Instant.now();
        env.execute("analyst-data");
        return new Run(from, Instant.now());
    }

    private static String write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
