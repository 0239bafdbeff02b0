package dev.beacon.control.alerts;

import dev.beacon.control.kafka.ConsumerProgress;
import dev.beacon.control.kafka.RecordOutcome;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Whether the alerts consumer runs, which partitions it owns and which wait for a retry (for status and tests). */
public final class AlertConsumerProgress implements ConsumerProgress {

    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private final Set<Integer> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();

    @Override
    public void assigned(Collection<Integer> partitions) {
        assigned.addAll(partitions);
    }

    @Override
    public void unassigned(Collection<Integer> partitions) {
        assigned.removeAll(partitions);
        waiting.removeAll(partitions);
    }

    @Override
    public void retrying(ConsumerRecord<byte[], byte[]> record, RecordOutcome.RetryLater outcome, int failures,
                         Instant failingSince, String failure) {
        waiting.add(record.partition());
    }

    @Override
    public void notWaiting(String topic, int partition) {
        waiting.remove(partition);
    }

    void running(boolean value) {
        running.set(value);
    }

    public boolean running() {
        return running.get();
    }

    public Set<Integer> assignedPartitions() {
        return Set.copyOf(assigned);
    }

    @Override
    public String toString() {
        return "partitions " + assigned + ", waiting " + waiting;
    }
}
