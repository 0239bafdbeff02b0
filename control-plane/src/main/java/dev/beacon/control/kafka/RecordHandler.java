package dev.beacon.control.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decides what one record becomes. It knows nothing of offsets or partitions; {@link ConsumeLoop} turns the outcome
 * into a commit or a wait. It must not throw: an unexpected failure is a {@link RecordOutcome.RetryLater}.
 */
@FunctionalInterface
public interface RecordHandler {
    RecordOutcome process(ConsumerRecord<byte[], byte[]> record);
}
