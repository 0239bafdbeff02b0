package dev.beacon.control.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import dev.beacon.control.kafka.ConsumeLoop;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.kafka.WaitingPartitions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job's {@code graph-lifecycle} topic and hands each event to the {@link LifecycleHandler}.
 *
 * <p>An offset is committed only once its record is done: handled (the handler returned), or poison and written
 * to the dead-letter topic. While a dependency is down (the handler throws: PostgreSQL, Graph, Entra; or the
 * dead-letter topic cannot be written) the event is retried with capped exponential backoff, indefinitely, and its
 * partition waits behind it; nothing is skipped. Stopping, crashing or losing the partition leaves the event
 * uncommitted, so this replica or another reads it again. Handlers are idempotent, so a record handled but not
 * yet committed at a crash is merely handled twice. All replicas share one consumer group.
 *
 * <p>Poison (can never be handled): empty, not JSON, not an object, no {@code subscription_id} or
 * {@code lifecycle_event}, a field of the wrong type, an event name Graph does not send. An event for a
 * subscription we do not know is not poison: the handler ignores it (it is one we deleted or replaced), and that
 * is its handling. Record content is never logged; dead letters carry it with secrets redacted by key.
 *
 * <p>Split: {@link ConsumeLoop} (Kafka: poll, pause, commit, rebalances), {@link RecordProcessor} (what a record
 * becomes), {@link WaitingPartitions} with {@link RetryBackoff} (the retry policy and its logs),
 * {@link DeadLetterPublisher}, {@link LifecycleCounters} (metrics and status). The first four live in
 * {@code dev.beacon.control.kafka}, shared with the hydration consumer.
 */
public final class LifecycleConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConsumer.class);

    /**
     * @param deadLetterTopic       where poison records go (default: the topic name + {@code -dead-letters}); must
     *                              exist, or poison records wait (and block their partition) until it does
     * @param backoff               waits between attempts while a dependency is down
     * @param stillFailingLogEvery  at most one reminder WARN per waiting event this often
     */
    public record Settings(String bootstrapServers, String topic, String groupId, String deadLetterTopic,
                           RetryBackoff backoff, Duration stillFailingLogEvery) {

        public static final String DEAD_LETTER_SUFFIX = "-dead-letters";

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

        public static Settings of(String bootstrapServers, String topic, String groupId) {
            return new Settings(bootstrapServers, topic, groupId, topic + DEAD_LETTER_SUFFIX, RetryBackoff.defaults(),
                    Duration.ofMinutes(10));
        }

        public Settings withDeadLetterTopic(String deadLetterTopic) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery);
        }

        public Settings withBackoff(RetryBackoff backoff) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery);
        }

        public Settings withStillFailingLogEvery(Duration every) {
            return new Settings(bootstrapServers, topic, groupId, deadLetterTopic, backoff, every);
        }

        Properties consumerConfig() {
            Properties config = new Properties();
            config.put("bootstrap.servers", bootstrapServers);
            config.put("group.id", groupId);
            config.put("client.id", "beacon-lifecycle-" + groupId);
            config.put("enable.auto.commit", "false");
            config.put("auto.offset.reset", "earliest");
            // The job writes with Kafka transactions (exactly-once sink): never act on an aborted write.
            config.put("isolation.level", "read_committed");
            // A batch of slow handler calls (each bounded by its own timeouts) must end well within
            // max.poll.interval.ms; waits between retries happen in poll, so they never count against it.
            config.put("max.poll.records", "10");
            return config;
        }
    }

    private final Settings settings;
    private final LifecycleHandler handler;
    private final Clock clock;
    private final LifecycleCounters counters = new LifecycleCounters(Clock.systemUTC());

    private ConsumeLoop loop;
    private Consumer<byte[], byte[]> consumer;
    private DeadLetterPublisher deadLetters;
    private Thread thread;

    /**
     * @param clock the control plane's clock: the time of an event whose record carries no timestamp. Waits and
     *              "failing since" use real time, whatever this clock says (tests and the demo speed it up).
     */
    public LifecycleConsumer(Settings settings, LifecycleHandler handler, Clock clock) {
        this.settings = Objects.requireNonNull(settings);
        this.handler = Objects.requireNonNull(handler);
        this.clock = Objects.requireNonNull(clock);
    }

    public LifecycleCounters counters() {
        return counters;
    }

    public Settings settings() {
        return settings;
    }

    /** Subscribes and starts the consumer thread. */
    public synchronized LifecycleConsumer start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        consumer = new KafkaConsumer<>(settings.consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Producer<byte[], byte[]> producer = DeadLetterPublisher.newProducer(settings.bootstrapServers(),
                "beacon-lifecycle-dead-letters-" + settings.groupId());
        deadLetters = new DeadLetterPublisher(producer, settings.deadLetterTopic(), settings.groupId(),
                Clock.systemUTC());
        RecordProcessor processor = new RecordProcessor(handler, deadLetters, counters, clock);
        WaitingPartitions waiting = new WaitingPartitions(settings.backoff(), settings.stillFailingLogEvery(),
                counters, Clock.systemUTC(), System::nanoTime, LOG);
        loop = new ConsumeLoop(consumer, settings.topic(), processor, waiting, System::nanoTime,
                settings.stillFailingLogEvery(), counters, LOG, "lifecycle");
        counters.running(true);
        thread = new Thread(this::run, "lifecycle-consumer");
        thread.setDaemon(true);
        thread.start();
        LOG.info("lifecycle consumer started on topic {} (group {}, dead letters to {})", settings.topic(),
                settings.groupId(), settings.deadLetterTopic());
        return this;
    }

    /**
     * Stops after the record in hand: commits what was done (never an event still failing) and closes the Kafka
     * clients. Waits up to 30 s for a handler call in progress.
     */
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
            LOG.warn("lifecycle consumer still busy with an event after 30 s; it stops when that call returns "
                    + "(the event stays uncommitted unless it succeeds)");
        }
    }

    private void run() {
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            // Nothing past the last done record was committed (the loop's finally); a restart resumes there.
            LOG.error("lifecycle consumer stopped by an unexpected {}; events from the last commit on wait for a "
                    + "restart or another replica", WaitingPartitions.describe(e));
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("closing the lifecycle consumer failed ({})", e.getClass().getSimpleName());
            }
            try {
                deadLetters.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the dead-letter producer failed ({})", e.getClass().getSimpleName());
            }
            counters.running(false);
            LOG.info("lifecycle consumer stopped: {}", counters);
        }
    }
}
