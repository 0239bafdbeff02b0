package dev.beacon.control.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import dev.beacon.control.kafka.ConsumeLoop;
import dev.beacon.control.kafka.ConsumerThread;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RetryBackoff;
import dev.beacon.control.kafka.WaitingPartitions;
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
 * {@link DeadLetterPublisher}, {@link ConsumerThread} (the thread, start and stop), {@link LifecycleCounters}
 * (metrics and status). All but the processor and counters live in {@code dev.beacon.control.kafka}, shared with
 * the hydration consumer.
 */
public final class LifecycleConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConsumer.class);
    private static final ConsumerThread.Names NAMES = new ConsumerThread.Names("lifecycle", "event");

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
            // The thread's setup checks them (all required, the dead-letter topic not the topic itself).
            new ConsumerThread.Setup(bootstrapServers, topic, groupId, deadLetterTopic, backoff, stillFailingLogEvery);
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
            // A batch of slow handler calls (each bounded by its own timeouts) must end well within
            // max.poll.interval.ms; waits between retries happen in poll, so they never count against it.
            return ConsumerThread.consumerConfig(bootstrapServers, groupId, "beacon-lifecycle-" + groupId, 10);
        }

        ConsumerThread.Setup setup() {
            return new ConsumerThread.Setup(bootstrapServers, topic, groupId, deadLetterTopic, backoff,
                    stillFailingLogEvery);
        }
    }

    private final Settings settings;
    private final LifecycleHandler handler;
    private final Clock clock;
    private final LifecycleCounters counters = new LifecycleCounters(Clock.systemUTC());

    private ConsumerThread thread;

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
        thread = ConsumerThread.start(NAMES, settings.setup(), settings.consumerConfig(),
                deadLetters -> new RecordProcessor(handler, deadLetters, counters, clock), counters,
                counters::running, c -> { }, LOG);
        return this;
    }

    /**
     * Stops after the record in hand: commits what was done (never an event still failing) and closes the Kafka
     * clients. Waits up to 30 s for a handler call in progress.
     */
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
}
