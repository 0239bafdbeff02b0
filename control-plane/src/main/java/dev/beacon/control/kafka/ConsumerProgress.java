package dev.beacon.control.kafka;

import java.time.Instant;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where {@link ConsumeLoop} and {@link WaitingPartitions} report partition ownership and retries, for a consumer's
 * counters (metrics, status). Called on the consumer thread; implementations publish to other threads.
 */
public interface ConsumerProgress {

    void assigned(Collection<Integer> partitions);

    void unassigned(Collection<Integer> partitions);

    /**
     * The record failed again and waits for its next attempt.
     *
     * @param failures     consecutive failed attempts so far
     * @param failingSince wall-clock time of its first failure
     * @param failure      class name(s) of the last failure
     */
    void retrying(ConsumerRecord<byte[], byte[]> record, RecordOutcome.RetryLater outcome, int failures,
                  Instant failingSince, String failure);

    /** The partition no longer waits (its record succeeded, or the partition left this consumer). */
    void notWaiting(String topic, int partition);
}
