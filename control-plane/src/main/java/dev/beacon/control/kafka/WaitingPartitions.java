package dev.beacon.control.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * The retry policy: which partitions hold an event that failed, when each may try again, and what ops are told.
 * Logs one WARN when an event starts failing and when its failure changes kind, then at most one reminder per
 * {@code stillFailingLogEvery}, and an INFO when it finally succeeds; each single retry is DEBUG. Only the
 * consumer thread calls it; the consumer's {@link ConsumerProgress} publishes the state for other threads. Logs go
 * to the consumer's logger.
 */
public final class WaitingPartitions {

    /** One event that failed at {@code offset}; its partition is paused until {@code dueNanos}. */
    private static final class Waiting {
        final TopicPartition partition;
        final long offset;
        final Instant since;
        final long sinceNanos;
        int failures;
        String failure;
        long dueNanos;
        long lastWarnNanos;
        boolean paused;

        Waiting(TopicPartition partition, long offset, Instant since, long sinceNanos) {
            this.partition = partition;
            this.offset = offset;
            this.since = since;
            this.sinceNanos = sinceNanos;
        }
    }

    private final Map<TopicPartition, Waiting> waiting = new HashMap<>();
    private final RetryBackoff backoff;
    private final Duration stillFailingLogEvery;
    private final ConsumerProgress counters;
    private final Clock wallClock;
    private final LongSupplier nanoTime;
    private final Logger log;

    public WaitingPartitions(RetryBackoff backoff, Duration stillFailingLogEvery, ConsumerProgress counters,
                             Clock wallClock, LongSupplier nanoTime, Logger log) {
        this.backoff = backoff;
        this.stillFailingLogEvery = stillFailingLogEvery;
        this.counters = counters;
        this.wallClock = wallClock;
        this.nanoTime = nanoTime;
        this.log = log;
    }

    /**
     * The record {@code r} failed: count it and schedule its next attempt. The caller pauses the partition at
     * this record.
     *
     * @return the wait before the next attempt
     */
    public Duration failed(ConsumerRecord<byte[], byte[]> r, RecordOutcome.RetryLater outcome) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        long now = nanoTime.getAsLong();
        Waiting w = waiting.get(tp);
        boolean started = w == null || w.offset != r.offset();
        if (started) {
            w = new Waiting(tp, r.offset(), wallClock.instant(), now);
            waiting.put(tp, w);
        }
        w.failures++;
        String failure = describe(outcome.failure());
        boolean changed = !started && !failure.equals(w.failure);
        w.failure = failure;
        Duration delay = backoff.delay(w.failures, outcome.retryAfter());
        w.dueNanos = now + delay.toNanos();
        w.paused = true;
        String what = outcome.what(r);
        if (started) {
            w.lastWarnNanos = now;
            log.warn("{} failed ({}): a dependency is down. Retrying with backoff (up to {}) until it succeeds; "
                    + "later events of partition {} wait, nothing is committed past it", what, failure,
                    backoff.max(), tp);
        } else if (changed) {
            w.lastWarnNanos = now;
            log.warn("{} still failing, now with {} (attempt {})", what, failure, w.failures);
        } else if (now - w.lastWarnNanos >= stillFailingLogEvery.toNanos()) {
            w.lastWarnNanos = now;
            log.warn("{} still failing ({}) after {} attempts over {}; next attempt in {}", what, failure,
                    w.failures, Duration.ofNanos(now - w.sinceNanos).withNanos(0), delay);
        } else {
            log.debug("{} failed again ({}), attempt {}; next attempt in {}", what, failure, w.failures, delay);
        }
        counters.retrying(r, outcome, w.failures, w.since, failure);
        return delay;
    }

    /** The record at {@code tp@offset} is done; if it had failed before, say that it recovered. */
    public void succeeded(TopicPartition tp, long offset) {
        Waiting w = waiting.get(tp);
        if (w == null || w.offset != offset) {
            return;
        }
        waiting.remove(tp);
        counters.notWaiting(tp.topic(), tp.partition());
        log.info("{}@{} done after {} failed attempt(s) over {}; the partition moves on", tp, offset, w.failures,
                Duration.ofNanos(nanoTime.getAsLong() - w.sinceNanos).withNanos(0));
    }

    /** Whether the record at {@code tp@offset} failed before and this is its retry. */
    public boolean retrying(TopicPartition tp, long offset) {
        Waiting w = waiting.get(tp);
        return w != null && w.offset == offset;
    }

    /** Paused partitions whose wait is over; they are marked resumed. */
    public List<TopicPartition> due() {
        long now = nanoTime.getAsLong();
        List<TopicPartition> due = new ArrayList<>();
        for (Waiting w : waiting.values()) {
            if (w.paused && now - w.dueNanos >= 0) {
                w.paused = false;
                due.add(w.partition);
            }
        }
        return due;
    }

    /** How long until the next paused partition is due, at most {@code cap}. */
    public Duration untilNextDue(Duration cap) {
        long now = nanoTime.getAsLong();
        long best = cap.toNanos();
        for (Waiting w : waiting.values()) {
            if (w.paused) {
                best = Math.min(best, Math.max(0, w.dueNanos - now));
            }
        }
        return Duration.ofNanos(best);
    }

    /** The partitions left this consumer (revoked or lost): their next owner retries from the committed offset. */
    public void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Waiting w = waiting.remove(tp);
            if (w != null) {
                counters.notWaiting(tp.topic(), tp.partition());
                log.info("{}@{} was still failing ({} attempts) when the partition left this consumer; its next "
                        + "owner retries it", tp, w.offset, w.failures);
            }
        }
    }

    /** The class names of a failure and its root cause; never messages, which may quote input or URLs. */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName();
    }
}
