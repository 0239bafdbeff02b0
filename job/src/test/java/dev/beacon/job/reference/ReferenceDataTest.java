package dev.beacon.job.reference;

import static dev.beacon.job.reference.ReferenceSamples.ADA;
import static dev.beacon.job.reference.ReferenceSamples.B4;
import static dev.beacon.job.reference.ReferenceSamples.DESK;
import static dev.beacon.job.reference.ReferenceSamples.bytes;
import static dev.beacon.job.reference.ReferenceSamples.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference-data sources in a MiniCluster: the three compacted topics of a real (in-process KRaft) Kafka, and a
 * replay reference file. Each yields exactly the updates and tombstones published, in order per key, and turns a
 * record that breaks the contract into a dead letter without its value, while the job goes on.
 */
class ReferenceDataTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static KafkaFixture kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
        for (String topic : ReferenceSettings.defaults().topics()) {
            kafka.createTopic(topic, 1);
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    private record Outputs(List<ReferenceUpdate> updates, List<DeadLetter> deadLetters) {}

    private static Outputs run(StreamExecutionEnvironment env, SingleOutputStreamOperator<ReferenceUpdate> updates)
            throws Exception {
        String run = CollectingSink.newRun();
        updates.sinkTo(CollectingSink.to(run, "updates"));
        updates.getSideOutput(ReferenceData.DEAD_LETTERS).sinkTo(CollectingSink.to(run, "dead-letters"));
        env.execute();
        Outputs out = new Outputs(CollectingSink.collected(run, "updates"),
                CollectingSink.collected(run, "dead-letters"));
        CollectingSink.clear(run);
        return out;
    }

    private static String describe(ReferenceUpdate u) {
        String what = u.isTombstone() ? "tombstone"
                : u.user != null ? "user " + u.user.displayName + "/" + u.user.department
                : u.site != null ? "site " + u.site.name
                : "line " + u.line.displayName;
        return u.kind + " " + u.key + ": " + what;
    }

    @Test
    void readsTheThreeTopicsFromTheBeginning() throws Exception {
        var moved = new dev.beacon.contracts.records.DirectoryUserRecord(ADA.tenantId(), ADA.userId(),
                ADA.displayName(), ADA.userPrincipalName(), "Security", ADA.jobTitle(), ADA.officeLocation(),
                ADA.businessPhones(), ADA.mobilePhone());
        kafka.send(ReferenceTopics.DIRECTORY, null, ADA.key(), json(ADA));
        kafka.send(ReferenceTopics.DIRECTORY, null, ADA.key(), json(moved));
        kafka.send(ReferenceTopics.DIRECTORY, null, "t|gone", null);
        kafka.send(ReferenceTopics.DIRECTORY, null, "t|broken", bytes("{\"tenant_id\":\"t\"}"));
        kafka.send(ReferenceTopics.SITES, null, "b4", json(B4));
        kafka.send(ReferenceTopics.SITES, null, "b4", null);
        kafka.send(ReferenceTopics.SECURITY_LINES, null, DESK.lineId(), json(DESK));
        kafka.send(ReferenceTopics.SECURITY_LINES, null, DESK.lineId(), bytes("not json at all, +15550100"));

        Configuration conf = new Configuration();
        conf.set(BeaconOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        conf.set(BeaconOptions.KAFKA_BOUNDED, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Outputs out = run(env, ReferenceData.source(env, conf));

        // One partition per topic: each topic's records arrive in order; topics interleave.
        assertThat(out.updates().stream().filter(u -> u.kind == ReferenceUpdate.Kind.DIRECTORY_USER)
                .map(ReferenceDataTest::describe)).containsExactly(
                "DIRECTORY_USER " + ADA.key() + ": user Ada Lovelace/Engineering",
                "DIRECTORY_USER " + ADA.key() + ": user Ada Lovelace/Security",
                "DIRECTORY_USER t|gone: tombstone");
        assertThat(out.updates().stream().filter(u -> u.kind != ReferenceUpdate.Kind.DIRECTORY_USER)
                .map(ReferenceDataTest::describe).sorted()).containsExactly(
                "SECURITY_LINE 4:+15550100: line Campus security",
                "SITE b4: site Building 4",
                "SITE b4: tombstone");
        assertThat(out.updates().stream().filter(u -> u.kind == ReferenceUpdate.Kind.SITE)
                .map(ReferenceUpdate::isTombstone)).containsExactly(false, true);
        List<DeadLetter> dead = out.deadLetters().stream()
                .sorted(Comparator.comparing(d -> d.source().source())).toList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0)).usingRecursiveComparison().ignoringFields("failedAtMillis")
                .isEqualTo(new DeadLetter(new SourceRef(ReferenceTopics.DIRECTORY, 0, 3, SourceRef.WHOLE_RECORD,
                        dead.get(0).source().ingestedAtMillis()), DeadLetterReason.INVALID_REFERENCE_RECORD,
                        "directory user: user_id is missing or empty", "", false, 0));
        assertThat(dead.get(1)).usingRecursiveComparison().ignoringFields("failedAtMillis")
                .isEqualTo(new DeadLetter(new SourceRef(ReferenceTopics.SECURITY_LINES, 0, 1,
                        SourceRef.WHOLE_RECORD, dead.get(1).source().ingestedAtMillis()),
                        DeadLetterReason.INVALID_REFERENCE_RECORD, "security line: the value is not JSON", "", false,
                        0));
        assertThat(dead).allSatisfy(d -> assertThat(d.source().ingestedAtMillis()).isPositive());
    }

    /** A reference topic that does not exist (yet) leaves the others readable rather than failing the source. */
    @Test
    void aMissingTopicIsNoFailure() throws Exception {
        Configuration conf = new Configuration();
        conf.set(BeaconOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        conf.set(BeaconOptions.KAFKA_BOUNDED, true);
        conf.set(BeaconOptions.REFERENCE_DIRECTORY_TOPIC, "no-directory-here");
        conf.set(BeaconOptions.REFERENCE_SECURITY_LINES_TOPIC, "no-lines-here");
        conf.set(BeaconOptions.REFERENCE_SITES_TOPIC, "more-sites");
        kafka.createTopic("more-sites", 1);
        kafka.send("more-sites", null, "hq", bytes(new String(json(B4), StandardCharsets.UTF_8)
                .replace("\"b4\"", "\"hq\"")));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);

        Outputs out = run(env, ReferenceData.source(env, conf));

        assertThat(out.updates().stream().map(ReferenceDataTest::describe)).containsExactly("SITE hq: site Building 4");
        assertThat(out.deadLetters()).isEmpty();
        assertThat(ReferenceData.topicPattern(ReferenceSettings.from(conf)).pattern())
                .isEqualTo("^(?:\\Qno-directory-here\\E|\\Qmore-sites\\E|\\Qno-lines-here\\E)$");
    }

    @Test
    void theConfiguredSourceFollowsTheMode() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration kafkaMode = new Configuration();
        Configuration disabled = new Configuration();
        disabled.set(BeaconOptions.REFERENCE_ENABLED, false);
        Configuration replay = new Configuration();
        replay.set(BeaconOptions.REPLAY_FILE, "capture.jsonl");
        Configuration replayWithFile = new Configuration(replay);
        replayWithFile.set(BeaconOptions.REPLAY_REFERENCE_FILE, "reference.jsonl");

        assertThat(ReferenceData.enabled(kafkaMode)).isTrue();
        assertThat(ReferenceData.enabled(disabled)).isFalse();
        assertThat(ReferenceData.enabled(replay)).isFalse();
        assertThat(ReferenceData.configured(env, disabled)).isNull();
        assertThat(ReferenceData.configured(env, replay)).isNull();
        assertThat(ReferenceData.configured(env, replayWithFile)).isNotNull();
        assertThat(ReferenceData.configured(env, kafkaMode)).isNotNull();
    }

    @Test
    void readsAReplayReferenceFile() throws Exception {
        Path file = dir.resolve("reference.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"topic\":\"beacon-sites\",\"key\":\"b4\",\"value\":" + new String(json(B4)) + "}",
                "",
                "{\"topic\":\"beacon-directory\",\"key\":\"" + ADA.key() + "\",\"value\":"
                        + new String(json(ADA)) + "}",
                "{\"topic\":\"beacon-sites\",\"key\":\"b4\",\"value\":null}",
                "a line about Ada that is no record",
                "{\"topic\":\"beacon-security-lines\",\"key\":\"4:+1\",\"value\":{\"line_id\":\"4:+2\"}}") + "\n");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Outputs out = run(env, ReferenceData.fromFile(env, file.toString(), new Configuration()));

        assertThat(out.updates().stream().map(ReferenceDataTest::describe)).containsExactly(
                "SITE b4: site Building 4",
                "DIRECTORY_USER " + ADA.key() + ": user Ada Lovelace/Engineering",
                "SITE b4: tombstone");
        assertThat(out.deadLetters().stream().map(d -> d.source() + " " + d.reason().label() + " " + d.detail()
                + " raw=" + d.raw())).containsExactly(
                "reference.jsonl/0@5#-1 invalid_reference_record the record's topic is not a reference topic raw=",
                "beacon-security-lines/0@6#-1 invalid_reference_record security line: the record key is not the key"
                        + " of the record it holds raw=");
    }
}
