package dev.beacon.control.hydration;

import dev.beacon.control.kafka.ConsumerProgress;
import dev.beacon.control.kafka.PartitionStatus;
import dev.beacon.control.kafka.RecordOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the hydration consumer did and is doing, for metrics, status and tests. Thread-safe; counts only grow.
 * Dead letters are tagged by {@link HydrationPoison} (bounded values).
 */
public final class HydrationCounters implements ConsumerProgress {

    /** A request that failed and waits for its next attempt; its partition waits with it. */
    public record WaitingRequest(String topic, int partition, long offset, int failures, Instant failingSince,
                                 String lastFailure) {}

    /** The last failed attempt: what failed (kind and status, or class names) and when. */
    public record LastFailure(String reason, Instant at) {}

    private final Clock clock;
    private final PartitionStatus<WaitingRequest> status;
    private final AtomicLong done = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile LastFailure lastFailure;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Map<HydrationPoison, AtomicLong> deadLetters = new EnumMap<>(HydrationPoison.class);
    private volatile long lag;

    public HydrationCounters(Clock clock) {
        this.clock = clock;
        this.status = new PartitionStatus<>(clock, WaitingRequest::failingSince);
        for (HydrationPoison p : HydrationPoison.values()) {
            deadLetters.put(p, new AtomicLong());
        }
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    /** Published, recorded as deleted or dead-lettered: its offset may be committed. */
    void done() {
        done.incrementAndGet();
    }

    /** An attempt failed and will be retried; {@code reason} names kind and status, never tokens or content. */
    void failed(String reason) {
        lastFailure = new LastFailure(reason, clock.instant());
    }

    void fetched() {
        fetched.incrementAndGet();
    }

    void published() {
        published.incrementAndGet();
    }

    void deleted() {
        deleted.incrementAndGet();
    }

    void forbidden() {
        forbidden.incrementAndGet();
    }

    void throttled() {
        throttled.incrementAndGet();
    }

    void deadLetter(HydrationPoison reason) {
        deadLetters.get(reason).incrementAndGet();
    }

    void lag(long records) {
        this.lag = records;
    }

    void running(boolean running) {
        status.running(running);
    }

    @Override
    public void retrying(ConsumerRecord<byte[], byte[]> r, RecordOutcome.RetryLater outcome, int failures,
                         Instant failingSince, String failure) {
        retries.incrementAndGet();
        status.waiting(r.topic(), r.partition(), new WaitingRequest(r.topic(), r.partition(), r.offset(),
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

    /** Requests finished for good (published, deleted or dead-lettered); a replayed request counts again. */
    public long doneCount() {
        return done.get();
    }

    /** Requests being hydrated now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The last failed attempt, or null if none failed since the start. */
    public LastFailure lastFailure() {
        return lastFailure;
    }

    /** Messages Graph returned (200). */
    public long fetchedCount() {
        return fetched.get();
    }

    /** Fetched messages the broker acknowledged on the events topic. */
    public long publishedCount() {
        return published.get();
    }

    /** Graph answered 404: the message was deleted before we fetched it (a row in hydration_outcome). */
    public long deletedCount() {
        return deleted.get();
    }

    /** Graph answered 403 (a row in hydration_outcome and a dead letter). */
    public long forbiddenCount() {
        return forbidden.get();
    }

    /** Attempts Graph throttled (429/503) beyond what the client waits inline; each was retried later. */
    public long throttledCount() {
        return throttled.get();
    }

    /** Failed attempts that will be retried (Graph, Kafka, PostgreSQL or sign-in unavailable). */
    public long retries() {
        return retries.get();
    }

    public long deadLetters(HydrationPoison reason) {
        return deadLetters.get(reason).get();
    }

    public long deadLettersTotal() {
        return deadLetters.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Records behind the end of the assigned partitions, as of the last poll (0 before the first). */
    public long lag() {
        return lag;
    }

    /** The requests waiting for a retry now, oldest failure first (at most one per partition). */
    public List<WaitingRequest> waiting() {
        return status.waiting();
    }

    /** How long the oldest waiting request has been failing; zero when none waits. */
    public Duration oldestWaiting() {
        return status.oldestWaiting();
    }

    public List<Integer> assignedPartitions() {
        return status.assignedPartitions();
    }

    public boolean running() {
        return status.running();
    }

    @Override
    public String toString() {
        return "HydrationCounters[done=" + doneCount() + ", fetched=" + fetchedCount() + ", published="
                + publishedCount() + ", deleted=" + deletedCount() + ", forbidden=" + forbiddenCount()
                + ", throttled=" + throttledCount() + ", retries=" + retries() + ", deadLetters=" + deadLettersTotal()
                + ", lag=" + lag + "]";
    }
}
