package dev.beacon.control.hydration;

import dev.beacon.control.kafka.ConsumerThread;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.ops.HydrationView;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job's {@code graph-needs-hydration} topic (notifications without resource data) and hydrates each one
 * with {@link MessageHydrator}: Graph GET of the message, published to the job's input topic as a fetched message.
 *
 * <p>An offset is committed only once its record is done: published (broker acknowledged), recorded as deleted
 * (404) or dead-lettered (poison, unknown subscription, 403). While Graph, Kafka, PostgreSQL or the integration's
 * sign-in is unavailable the request is retried with capped exponential backoff (at least Graph's
 * {@code Retry-After}), indefinitely, and its partition waits behind it; nothing is skipped. A stop, crash or
 * rebalance leaves it uncommitted, so this replica or another reads it again: at least once. A message published
 * twice is harmless: the job deduplicates by chat and message id.
 *
 * <p>Every replica runs one, in one consumer group (default {@code beacon-hydration}): Kafka splits the partitions,
 * so each request is hydrated by one replica, whichever leads the integration (any replica can read tokens from the
 * vault). The job keys requests by tenant, so one tenant's requests are all in one partition and read by one
 * consumer at a time: its {@link TenantRateLimiter} is then the tenant's only one, across replicas.
 *
 * <p>Up to {@link Settings#concurrency} requests are in flight at once ({@code ConcurrentRecords}): a Graph GET takes
 * 100-500 ms, so one at a time would reach only 2-10 GETs per second. Only each partition's contiguous done prefix
 * is committed; a request after one that must be retried may have been hydrated already and is hydrated again
 * after the retry (harmless: the job deduplicates). The Kafka loop, retry waits and dead letters are the shared
 * ones of {@code dev.beacon.control.kafka}.
 */
public final class HydrationConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HydrationConsumer.class);
    private static final ConsumerThread.Names NAMES = new ConsumerThread.Names("hydration", "request");

    /**
     * @param deadLetterTopic where poison and rejected requests go; must exist, or such records wait (and block
     *                        their partition) until it does
     * @param concurrency     requests in flight at once (Graph GETs overlap; the per-tenant rate still governs)
     */
    public record Settings(String bootstrapServers, String topic, String groupId, String deadLetterTopic,
                           RetryBackoff backoff, Duration stillFailingLogEvery, int concurrency) {

        /** Default requests in flight; see {@code BEACON_HYDRATION_CONCURRENCY}. */
        public static final int DEFAULT_CONCURRENCY = 8;

        public Settings {
            // The thread's setup checks them (all required, the dead-letter topic not the topic itself).
            new ConsumerThread.Setup(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery);
            if (concurrency < 1) {
                throw new IllegalArgumentException("hydration concurrency must be at least 1");
            }
        }

        public static Settings of(String bootstrapServers, String topic, String groupId, String deadLetterTopic) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, RetryBackoff.defaults(),
                    Duration.ofMinutes(10), DEFAULT_CONCURRENCY);
        }

        public Settings withBackoff(RetryBackoff backoff) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery,
                    concurrency);
        }

        public Settings withConcurrency(int concurrency) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery,
                    concurrency);
        }

        Properties consumerConfig() {
            // A poll's batch must end well within max.poll.interval.ms (5 min): 50 requests at the slowest sane
            // rate (1/s) plus their Graph calls, which overlap up to the concurrency. Enough records per poll that
            // the requests in flight rarely run dry at the end of a batch.
            return ConsumerThread.consumerConfig(bootstrapServers, groupId, "beacon-hydration-" + groupId,
                    Math.max(20, Math.min(50, concurrency * 6)));
        }

        ConsumerThread.Setup setup() {
            return new ConsumerThread.Setup(bootstrapServers, topic, groupId, deadLetterTopic, backoff,
                    stillFailingLogEvery);
        }
    }

    private final Settings settings;
    private final MessageHydrator hydrator;
    private final HydrationCounters counters;

    private ConsumerThread thread;

    public HydrationConsumer(Settings settings, MessageHydrator hydrator) {
        this.settings = Objects.requireNonNull(settings);
        this.hydrator = Objects.requireNonNull(hydrator);
        this.counters = hydrator.counters();
    }

    public HydrationCounters counters() {
        return counters;
    }

    public Settings settings() {
        return settings;
    }

    /** Subscribes and starts the consumer thread. */
    public synchronized HydrationConsumer start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = ConsumerThread.start(NAMES, settings.setup(), settings.consumerConfig(),
                deadLetters -> new HydrationProcessor(hydrator, deadLetters, counters), settings.concurrency(),
                counters, counters::running,
                this::measureLag, LOG);
        return this;
    }

    /** Stops after the requests in hand (waits up to 30 s): commits what was done, closes the Kafka clients. */
    @Override
    public void close() {
        ConsumerThread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.close();
        }
    }

    /** What status shows of this replica's consumer. */
    public HydrationView view() {
        HydrationCounters.LastFailure last = counters.lastFailure();
        return new HydrationView(counters.running(), settings.concurrency(), counters.assignedPartitions(),
                counters.doneCount(), counters.publishedCount(), counters.deletedCount(), counters.deadLettersTotal(),
                counters.retries(), counters.lag(), counters.inFlight(), counters.waiting().size(),
                last == null ? null : last.reason(), last == null ? null : last.at());
    }

    /** Records behind the log end of the assigned partitions, from the consumer's own fetch state (no request). */
    private void measureLag(Consumer<byte[], byte[]> c) {
        try {
            long lag = 0;
            for (TopicPartition tp : c.assignment()) {
                OptionalLong l = c.currentLag(tp);
                lag += l.orElse(0);
            }
            counters.lag(lag);
        } catch (RuntimeException e) {
            LOG.debug("hydration lag not measured ({})", e.getClass().getSimpleName());
        }
    }
}
