package dev.beacon.control.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The consumer thread's loop: poll, run the records through the handler ({@link ConcurrentRecords}: one at a time,
 * or up to N in flight), commit what was done.
 *
 * <p>The invariant: a partition's committed offset never passes a record that was not handled or dead-lettered.
 * When a record fails because a dependency is down, its partition is sought back to it and paused until the
 * backoff ends ({@link WaitingPartitions}); the loop keeps polling meanwhile, so other partitions go on and the
 * consumer stays in its group however long the outage lasts (no sleeping past {@code max.poll.interval.ms}). On
 * revocation the partitions' done offsets are committed and their waits forgotten; the next owner starts at the
 * committed offset, which is the failing record. On stop, only done offsets are committed. With records in flight
 * concurrently, only each partition's contiguous done prefix is committed ({@link InOrderCompletions}).
 *
 * <p>Shared by the lifecycle and hydration consumers; {@code name} ("lifecycle", "hydration") starts its log lines,
 * which go to the consumer's logger.
 */
public final class ConsumeLoop implements ConsumerRebalanceListener {

    /** Longest poll, so a due retry is never late by more than this. */
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);
    /** After the broker refused a poll (not an outage, which poll rides out): wait before polling again. */
    private static final Duration POLL_FAILURE_PAUSE = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final ConcurrentRecords runner;
    private final WaitingPartitions waiting;
    private final LongSupplier nanoTime;
    private final Duration stillFailingLogEvery;
    private final ConsumerProgress counters;
    private final Logger log;
    private final String name;

    /** Per partition, the offset after the last record done and not yet committed. */
    private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    /** Per partition, the poll in which its records were last handed to the processor. */
    private final Map<TopicPartition, Long> lastServed = new HashMap<>();
    private long polls;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile java.util.function.Consumer<Consumer<byte[], byte[]>> afterPoll = c -> { };
    private volatile boolean running = true;
    private long pollFailingSinceNanos = -1;
    private long pollFailureWarnedNanos;

    public ConsumeLoop(Consumer<byte[], byte[]> consumer, String topic, ConcurrentRecords runner,
                       WaitingPartitions waiting, LongSupplier nanoTime, Duration stillFailingLogEvery,
                       ConsumerProgress counters, Logger log, String name) {
        this.consumer = consumer;
        this.topic = topic;
        this.runner = runner;
        this.waiting = waiting;
        this.nanoTime = nanoTime;
        this.stillFailingLogEvery = stillFailingLogEvery;
        this.counters = counters;
        this.log = log;
        this.name = name;
    }

    /**
     * Runs {@code hook} on the consumer thread after each poll's records were processed and committed (e.g. to read
     * the consumer's lag, which only that thread may ask). Set it before {@link #run}.
     */
    public ConsumeLoop afterPoll(java.util.function.Consumer<Consumer<byte[], byte[]>> hook) {
        this.afterPoll = hook;
        return this;
    }

    /** Runs until {@link #stop}; commits only what was done, also when it ends by an exception. */
    public void run() {
        consumer.subscribe(List.of(topic), this);
        try {
            while (running) {
                resumeDue();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(waiting.untilNextDue(MAX_POLL_WAIT));
                    pollRecovered();
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    pollFailed(e);
                    continue;
                }
                process(records);
                commit();
                afterPoll.accept(consumer);
            }
        } finally {
            commit();
            runner.close();
        }
    }

    /** Asks the loop to end after the records in hand; safe from any thread. */
    public void stop() {
        running = false;
        stopping.countDown();
        consumer.wakeup();
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        polls++;
        // Least recently served first, so a partition left for later (below) is first next time: no starving.
        // With records in flight concurrently, a record retried after a failure goes first, and alone: while it
        // still fails, the records behind it are not run (again) with each attempt. One at a time needs neither.
        boolean concurrent = runner.concurrency() > 1;
        List<TopicPartition> order = new ArrayList<>(records.partitions());
        order.sort(Comparator.comparing((TopicPartition tp) -> concurrent && !retrying(records, tp))
                .thenComparingLong(tp -> lastServed.getOrDefault(tp, -1L)));
        int alone = concurrent && !order.isEmpty() && retrying(records, order.get(0)) ? 1 : 0;
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.count());
        order.forEach(tp -> all.addAll(records.records(tp)));
        // One failing call per poll (in flight excepted): a dependency that is down is likely down for every
        // partition, and each failing call may take its full timeout. Records not started are read again next poll.
        List<RecordOutcome> outcomes = runner.run(all, alone, () -> running);
        int at = 0;
        for (TopicPartition tp : order) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            settle(tp, batch, outcomes.subList(at, at + batch.size()));
            at += batch.size();
        }
    }

    private boolean retrying(ConsumerRecords<byte[], byte[]> records, TopicPartition tp) {
        return waiting.retrying(tp, records.records(tp).get(0).offset());
    }

    /** Commits the partition's done prefix; holds it at its first record not done (see InOrderCompletions). */
    private void settle(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> batch, List<RecordOutcome> outcomes) {
        InOrderCompletions.Settled s = InOrderCompletions.settle(outcomes);
        if (s.started()) {
            lastServed.put(tp, polls);
        }
        for (int i = 0; i < s.done(); i++) {
            waiting.succeeded(tp, batch.get(i).offset());
        }
        if (s.done() > 0) {
            done.put(tp, new OffsetAndMetadata(batch.get(s.done() - 1).offset() + 1));
        }
        if (s.finished(batch.size())) {
            return;
        }
        ConsumerRecord<byte[], byte[]> first = batch.get(s.done());
        // Seeking drops what was fetched after it (done or not: records after a failure that finished meanwhile
        // run again after the retry, which idempotent handlers make harmless).
        consumer.seek(tp, first.offset());
        if (s.failed()) {
            waiting.failed(first, (RecordOutcome.RetryLater) outcomes.get(s.done()));
            // Pausing keeps poll from fetching the failing record again before the backoff ends.
            consumer.pause(List.of(tp));
        }
    }

    private void resumeDue() {
        List<TopicPartition> due = waiting.due();
        if (!due.isEmpty()) {
            due.retainAll(consumer.assignment());
            consumer.resume(due);
        }
    }

    /** Commits the done offsets; what cannot be committed now is kept for the next try or the revocation. */
    private void commit() {
        if (done.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(done);
        try {
            commitSync(offsets);
            offsets.forEach(done::remove);
        } catch (RebalanceInProgressException e) {
            // The next poll completes the rebalance; onPartitionsRevoked commits these, or the next commit does.
            log.debug(name + " offsets not committed during a rebalance; retried");
        } catch (CommitFailedException e) {
            // This consumer left the group (too slow): the partitions' new owners start from the last commit and
            // handle these records again, which is safe because handlers are idempotent.
            log.warn("committing " + name + " offsets failed ({}); their records will be handled again",
                    e.getClass().getSimpleName());
            done.clear();
        } catch (KafkaException e) {
            log.warn("committing " + name + " offsets failed ({}); retried after the next poll",
                    WaitingPartitions.describe(e));
        }
    }

    /** commitSync, once more if a concurrent {@link #stop} woke it up (done records should not be replayed). */
    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            consumer.commitSync(offsets);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = done.remove(tp);
            if (o != null) {
                offsets.put(tp, o);
            }
        }
        if (!offsets.isEmpty()) {
            try {
                commitSync(offsets);
            } catch (KafkaException e) {
                log.warn("committing " + name + " offsets of revoked partitions failed ({}); their new owner handles "
                        + "those records again", WaitingPartitions.describe(e));
            }
        }
        waiting.forget(partitions);
        partitions.forEach(lastServed::remove);
        counters.unassigned(numbers(partitions));
        if (!partitions.isEmpty()) {
            log.info(name + " partitions revoked: {}", partitions);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // Another consumer may own them already: committing now could move its offset backwards.
        partitions.forEach(done::remove);
        partitions.forEach(lastServed::remove);
        waiting.forget(partitions);
        counters.unassigned(numbers(partitions));
        log.warn(name + " partitions lost (this consumer left its group): {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        counters.assigned(numbers(partitions));
        if (!partitions.isEmpty()) {
            log.info(name + " partitions assigned: {}", partitions);
        }
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    private void pollFailed(KafkaException e) {
        long now = nanoTime.getAsLong();
        if (pollFailingSinceNanos < 0) {
            pollFailingSinceNanos = now;
            pollFailureWarnedNanos = now;
            log.warn("polling {} failed ({}); polling again every {}", topic, WaitingPartitions.describe(e),
                    POLL_FAILURE_PAUSE);
        } else if (now - pollFailureWarnedNanos >= stillFailingLogEvery.toNanos()) {
            pollFailureWarnedNanos = now;
            log.warn("polling {} still failing ({}) since {} ago", topic, WaitingPartitions.describe(e),
                    Duration.ofNanos(now - pollFailingSinceNanos).withNanos(0));
        }
        try {
            stopping.await(POLL_FAILURE_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void pollRecovered() {
        if (pollFailingSinceNanos >= 0) {
            log.info("polling {} works again after {}", topic,
                    Duration.ofNanos(nanoTime.getAsLong() - pollFailingSinceNanos).withNanos(0));
            pollFailingSinceNanos = -1;
        }
    }
}
