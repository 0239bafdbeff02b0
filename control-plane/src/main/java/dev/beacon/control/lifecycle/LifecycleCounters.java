package dev.beacon.control.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import dev.beacon.control.kafka.ConsumerProgress;
import dev.beacon.control.kafka.PartitionStatus;
import dev.beacon.control.kafka.RecordOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the lifecycle consumer did and is doing, for metrics, status and tests. Thread-safe; counts only grow.
 * Tags have bounded values: events by the three known names, dead letters by {@link PoisonReason}.
 */
public final class LifecycleCounters implements ConsumerProgress {

    /**
     * An event that failed and waits for its next attempt; its partition waits with it.
     *
     * @param lifecycleEvent  null when the record is poison and it is the dead-letter topic that failed
     * @param failures        consecutive failed attempts so far
     * @param failingSince    wall-clock time of the first failure
     * @param lastFailure     class name(s) of the last failure, never its message (it may quote input)
     */
    public record WaitingEvent(String topic, int partition, long offset, String lifecycleEvent,
                               String subscriptionId, int failures, Instant failingSince, String lastFailure) {}

    private final PartitionStatus<WaitingEvent> status;
    private final Map<String, AtomicLong> handled = new ConcurrentHashMap<>();
    private final Map<PoisonReason, AtomicLong> deadLetters = new EnumMap<>(PoisonReason.class);
    private final AtomicLong retries = new AtomicLong();

    public LifecycleCounters() {
        this(Clock.systemUTC());
    }

    public LifecycleCounters(Clock clock) {
        this.status = new PartitionStatus<>(clock, WaitingEvent::failingSince);
        LifecycleEvent.KNOWN_EVENTS.forEach(e -> handled.put(e, new AtomicLong()));
        for (PoisonReason r : PoisonReason.values()) {
            deadLetters.put(r, new AtomicLong());
        }
    }

    void recordHandled(String event) {
        handled.get(event).incrementAndGet();
    }

    void recordDeadLetter(PoisonReason reason) {
        deadLetters.get(reason).incrementAndGet();
    }

    void recordRetry(WaitingEvent now) {
        retries.incrementAndGet();
        status.waiting(now.topic(), now.partition(), now);
    }

    @Override
    public void retrying(ConsumerRecord<byte[], byte[]> r, RecordOutcome.RetryLater outcome, int failures,
                         Instant failingSince, String failure) {
        LifecycleEvent event = outcome instanceof RecordProcessor.RetryLater l ? l.event() : null;
        recordRetry(new WaitingEvent(r.topic(), r.partition(), r.offset(),
                event == null ? null : event.lifecycleEvent(), event == null ? null : event.subscriptionId(),
                failures, failingSince, failure));
    }

    @Override
    public void notWaiting(String topic, int partition) {
        status.notWaiting(topic, partition);
    }

    @Override
    public void assigned(Collection<Integer> partitions) {
        status.assigned(partitions);
    }

    @Override
    public void unassigned(Collection<Integer> partitions) {
        status.unassigned(partitions);
    }

    void running(boolean running) {
        status.running(running);
    }

    /** Events handled successfully (the handler returned), by lifecycle event name; 0 for any other name. */
    public long handledCount(String event) {
        AtomicLong n = handled.get(event);
        return n == null ? 0 : n.get();
    }

    public long handledTotal() {
        return handled.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Poison records written to the dead-letter topic (then committed), by reason. */
    public long deadLetters(PoisonReason reason) {
        return deadLetters.get(reason).get();
    }

    public long deadLettersTotal() {
        return deadLetters.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Failed attempts that will be retried (a dependency was down); each is one backoff. */
    public long retries() {
        return retries.get();
    }

    /** The events waiting for a retry now, oldest failure first (at most one per partition). */
    public List<WaitingEvent> waiting() {
        return status.waiting();
    }

    /** How long the oldest waiting event has been failing; zero when none waits. */
    public Duration oldestWaiting() {
        return status.oldestWaiting();
    }

    /** The partitions this consumer owns now (the group's assignment), in order. */
    public List<Integer> assignedPartitions() {
        return status.assignedPartitions();
    }

    /** True while the consumer thread runs (false before start, after close, or if it died). */
    public boolean running() {
        return status.running();
    }

    @Override
    public String toString() {
        return "LifecycleCounters[handled=" + handledTotal() + ", deadLetters=" + deadLettersTotal() + ", retries="
                + retries() + ", waiting=" + status.waitingCount() + "]";
    }
}
