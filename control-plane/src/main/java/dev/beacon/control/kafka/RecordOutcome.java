package dev.beacon.control.kafka;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What became of one record handed to a {@link RecordHandler}: {@link Done} (handled or dead-lettered, so its offset
 * may be committed) or {@link RetryLater} (a dependency is down: the record must not be committed and is retried).
 */
public interface RecordOutcome {

    /** Handled or dead-lettered: the offset may be committed. */
    record Done(String description) implements RecordOutcome {}

    /** Not handled because a dependency failed; {@link ConsumeLoop} pauses the partition at this record. */
    interface RetryLater extends RecordOutcome {

        /** The failure; only its class names are logged, never its message (it may quote input or URLs). */
        Exception failure();

        /** The least wait the dependency asked for (Graph's {@code Retry-After}), if any. */
        Optional<Duration> retryAfter();

        /** What was being done, for logs: ids and the record's position, never content. */
        default String what(ConsumerRecord<byte[], byte[]> r) {
            return "record " + position(r);
        }

        static String position(ConsumerRecord<byte[], byte[]> r) {
            return r.topic() + "-" + r.partition() + "@" + r.offset();
        }
    }
}
