package dev.beacon.job.reference;

import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.KafkaClientProperties;
import dev.beacon.job.ingest.CaptureFileFormat;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.RawRecordDeserializer;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The reference data the control plane publishes (directory users, sites, security lines), as a stream of
 * {@link ReferenceUpdate}s: from the three compacted Kafka topics ({@link #source}), or in replay mode from a JSON
 * Lines file ({@link #fromFile}). Records that break the contract leave on {@link #DEAD_LETTERS}.
 *
 * <p>Kafka: the same client settings as the notification topics ({@code kafka.*}); the whole topics from the
 * earliest offset on a first start (a compacted topic is the current state only when read from its beginning),
 * from the checkpoint afterwards. Unbounded, unless {@code kafka.bounded} (tests, local runs). A topic that does not
 * exist yet is read once it does (Kafka partition discovery, {@code kafka.property.partition.discovery.interval.ms}).
 *
 * <p>Order: the updates of one key stay in order (one key is one partition, and decoding runs forward of the source
 * at the same parallelism); keyBy the update's key, or broadcast, downstream.
 */
public final class ReferenceData {

    /** Dead letters of reference records: the job's one dead-letter tag, so they join the other dead letters. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = AuditTrail.DEAD_LETTERS;

    private ReferenceData() {}

    /** Whether the job reads reference data from Kafka ({@code reference.enabled}; not in replay mode). */
    public static boolean enabled(Configuration conf) {
        return conf.get(BeaconOptions.REPLAY_FILE) == null && conf.get(BeaconOptions.REFERENCE_ENABLED);
    }

    /**
     * The job's reference data as configured: the Kafka topics when {@link #enabled}, the replay reference file in
     * replay mode when {@code replay.reference-file} is set, else null (no reference data: facts stay valid without).
     */
    public static SingleOutputStreamOperator<ReferenceUpdate> configured(
            StreamExecutionEnvironment env, Configuration conf) {
        if (conf.get(BeaconOptions.REPLAY_FILE) != null) {
            String file = conf.get(BeaconOptions.REPLAY_REFERENCE_FILE);
            return file == null ? null : fromFile(env, file, conf);
        }
        return enabled(conf) ? source(env, conf) : null;
    }

    /** Reference updates from the Kafka topics; dead letters on {@link #DEAD_LETTERS} of the returned operator. */
    public static SingleOutputStreamOperator<ReferenceUpdate> source(
            StreamExecutionEnvironment env, Configuration conf) {
        DataStream<RawRecord> records = env
                .fromSource(kafkaSource(conf), WatermarkStrategy.noWatermarks(), "reference-data")
                .uid("reference-source");
        return decode(records, ReferenceSettings.from(conf));
    }

    /**
     * Reference updates from a replay reference file ({@code replay.reference-file}, see
     * {@link ReferenceFileLines}); dead letters on {@link #DEAD_LETTERS} of the returned operator.
     */
    public static SingleOutputStreamOperator<ReferenceUpdate> fromFile(
            StreamExecutionEnvironment env, String file, Configuration conf) {
        Path path = Path.of(file).toAbsolutePath();
        FileSource<RawRecord> source = FileSource
                .forRecordStreamFormat(new CaptureFileFormat(path.getFileName().toString(), ReferenceFileLines::new),
                        new org.apache.flink.core.fs.Path(path.toUri()))
                .build();
        DataStream<RawRecord> records = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "reference-file")
                .uid("reference-file");
        return decode(records, ReferenceSettings.from(conf));
    }

    /** Decodes raw reference records (from any source); dead letters on {@link #DEAD_LETTERS}. */
    public static SingleOutputStreamOperator<ReferenceUpdate> decode(
            DataStream<RawRecord> records, ReferenceSettings settings) {
        return records
                .process(new ReferenceDecodeFunction(settings))
                .returns(ReferenceTypes.UPDATE)
                .name("decode-reference-data").uid("decode-reference-data");
    }

    /** Only the updates (and tombstones) of one kind, e.g. the sites to broadcast. */
    public static SingleOutputStreamOperator<ReferenceUpdate> ofKind(
            DataStream<ReferenceUpdate> updates, ReferenceUpdate.Kind kind) {
        // Stateless, so no uid: it may be called more than once for one kind.
        return updates.filter(u -> u.kind == kind).returns(ReferenceTypes.UPDATE)
                .name("reference-" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    static Pattern topicPattern(ReferenceSettings settings) {
        return Pattern.compile(settings.topics().stream().map(Pattern::quote)
                .collect(Collectors.joining("|", "^(?:", ")$")));
    }

    /** The Kafka source of the three topics: ingest client settings, earliest offsets, raw records. */
    public static KafkaSource<RawRecord> kafkaSource(Configuration conf) {
        String group = conf.get(BeaconOptions.REFERENCE_GROUP_ID);
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClientProperties.forIngest(conf))
                // A pattern, not a list: a topic that does not exist yet is no failure (a list fails the source),
                // and is picked up from its beginning once partition discovery sees it. Preflight still insists the
                // topics exist when the job is submitted, to catch a misspelt name.
                .setTopicPattern(topicPattern(ReferenceSettings.from(conf)))
                .setGroupId(group != null ? group : conf.get(BeaconOptions.KAFKA_GROUP_ID) + "-reference")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (conf.get(BeaconOptions.KAFKA_BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }
}
