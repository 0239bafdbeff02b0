package dev.beacon.control.hydration;

import dev.beacon.control.kafka.ConsumeLoop;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.kafka.WaitingPartitions;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * vault). The Kafka loop, retry waits and dead letters are the shared ones of {@code dev.beacon.control.kafka}.
 */
public final class HydrationConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HydrationConsumer.class);

    /**
     * @param deadLetterTopic where poison and rejected requests go; must exist, or such records wait (and block
     *                        their partition) until it does
     */
    public record Settings(String bootstrapServers, String topic, String groupId, String deadLetterTopic,
                           RetryBackoff backoff, Duration stillFailingLogEvery) {

        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(stillFailingLogEvery, "stillFailingLogEvery");
            if (deadLetterTopic.equals(topic)) {
                throw new IllegalArgumentException("the dead-letter topic must differ from " + topic);
            }
        }

        public static Settings of(String bootstrapServers, String topic, String groupId, String deadLetterTopic) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, RetryBackoff.defaults(),
                    Duration.ofMinutes(10));
        }

        public Settings withBackoff(RetryBackoff backoff) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery);
        }

        Properties consumerConfig() {
            Properties config = new Properties();
            config.put("bootstrap.servers", bootstrapServers);
            config.put("group.id", groupId);
            config.put("client.id", "beacon-hydration-" + groupId);
            config.put("enable.auto.commit", "false");
            config.put("auto.offset.reset", "earliest");
            // The job writes with Kafka transactions (exactly-once sink): never act on an aborted write.
            config.put("isolation.level", "read_committed");
            // A batch must end well within max.poll.interval.ms (5 min): 20 requests at the slowest sane rate
            // (1/s) plus their Graph calls (each bounded by the client's timeouts and 4 attempts).
            config.put("max.poll.records", "20");
            return config;
        }
    }

    private final Settings settings;
    private final MessageHydrator hydrator;
    private final HydrationCounters counters;

    private ConsumeLoop loop;
    private Consumer<byte[], byte[]> consumer;
    private DeadLetterPublisher deadLetters;
    private Thread thread;

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
        consumer = new KafkaConsumer<>(settings.consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Producer<byte[], byte[]> producer = DeadLetterPublisher.newProducer(settings.bootstrapServers(),
                "beacon-hydration-dead-letters-" + settings.groupId());
        deadLetters = new DeadLetterPublisher(producer, settings.deadLetterTopic(), settings.groupId(),
                Clock.systemUTC());
        HydrationProcessor processor = new HydrationProcessor(hydrator, deadLetters, counters);
        WaitingPartitions waiting = new WaitingPartitions(settings.backoff(), settings.stillFailingLogEvery(),
                counters, Clock.systemUTC(), System::nanoTime, LOG);
        loop = new ConsumeLoop(consumer, settings.topic(), processor, waiting, System::nanoTime,
                settings.stillFailingLogEvery(), counters, LOG, "hydration").afterPoll(this::measureLag);
        counters.running(true);
        thread = new Thread(this::run, "hydration-consumer");
        thread.setDaemon(true);
        thread.start();
        LOG.info("hydration consumer started on topic {} (group {}, dead letters to {})", settings.topic(),
                settings.groupId(), settings.deadLetterTopic());
        return this;
    }

    /** Stops after the request in hand (waits up to 30 s): commits what was done, closes the Kafka clients. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t == null) {
            return;
        }
        loop.stop();
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("hydration consumer still busy after 30 s; it stops when that call returns (the request stays "
                    + "uncommitted unless it succeeds)");
        }
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

    private void run() {
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            LOG.error("hydration consumer stopped by an unexpected {}; requests from the last commit on wait for a "
                    + "restart or another replica", WaitingPartitions.describe(e));
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("closing the hydration consumer failed ({})", e.getClass().getSimpleName());
            }
            try {
                deadLetters.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the hydration dead-letter producer failed ({})", e.getClass().getSimpleName());
            }
            counters.running(false);
            LOG.info("hydration consumer stopped: {}", counters);
        }
    }
}
