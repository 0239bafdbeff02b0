package dev.beacon.job.ingest;

import dev.beacon.job.config.BeaconOptions;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka / Event Hubs source of Graph notifications. */
public final class KafkaIngest {

    private KafkaIngest() {}

    public static KafkaSource<RawRecord> source(Configuration conf) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClientProperties.forIngest(conf))
                .setTopics(conf.get(BeaconOptions.KAFKA_TOPICS))
                .setGroupId(conf.get(BeaconOptions.KAFKA_GROUP_ID))
                .setStartingOffsets(startingOffsets(conf.get(BeaconOptions.KAFKA_STARTING_OFFSETS)))
                .setDeserializer(new RawRecordDeserializer())
                // Offsets are committed on checkpoints only (for monitoring lag); the checkpoint is the truth.
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (conf.get(BeaconOptions.KAFKA_BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    static OffsetsInitializer startingOffsets(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "committed-or-earliest" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> throw new IllegalArgumentException(
                    "kafka.starting-offsets must be committed-or-earliest, earliest or latest, not '" + mode + "'");
        };
    }
}
