package dev.beacon.control.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;

/**
 * The thread of one record consumer (lifecycle, hydration): creates the Kafka consumer and dead-letter producer,
 * runs a {@link ConsumeLoop} on a daemon thread, and on stop or crash closes both and clears the running flag.
 * The consumer using it supplies what differs: its record handler, its counters and the words of its logs.
 *
 * <p>Its log lines go to the consumer's logger and start with {@link Names#name} ("lifecycle consumer started
 * ..."), as they did before the two consumers shared this.
 */
public final class ConsumerThread implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /**
     * How the consumer is named in logs, thread and client ids.
     *
     * @param name  "lifecycle", "hydration": thread {@code <name>-consumer}, dead-letter client
     *              {@code beacon-<name>-dead-letters-<group>}, log lines "<name> consumer ..."
     * @param item  what one record is for ops ("event", "request"); logs say "the event stays uncommitted"
     */
    public record Names(String name, String item) {
        public Names {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(item, "item");
        }
    }

    /** Where to read, where dead letters go, and how to wait while a record fails. All required. */
    public record Setup(String bootstrapServers, String topic, String groupId, String deadLetterTopic,
                        RetryBackoff backoff, Duration stillFailingLogEvery) {
        public Setup {
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
    }

    /** Where the thread says whether it runs (the consumer's counters, for status and metrics). */
    @FunctionalInterface
    public interface Running {
        void running(boolean running);
    }

    private final ConsumeLoop loop;
    private final Consumer<byte[], byte[]> consumer;
    private final DeadLetterPublisher deadLetters;
    private final Names names;
    private final Running runningFlag;
    private final ConsumerProgress counters;
    private final Logger log;
    private Thread thread;

    private ConsumerThread(ConsumeLoop loop, Consumer<byte[], byte[]> consumer, DeadLetterPublisher deadLetters,
                           Names names, Running runningFlag, ConsumerProgress counters, Logger log) {
        this.loop = loop;
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.names = names;
        this.runningFlag = runningFlag;
        this.counters = counters;
        this.log = log;
        this.thread = new Thread(this::run, names.name() + "-consumer");
        this.thread.setDaemon(true);
    }

    /**
     * Subscribes and starts the thread.
     *
     * @param consumerConfig the consumer's Kafka settings ({@link #consumerConfig})
     * @param processor      the consumer's record handler, given the dead-letter publisher it may write to
     * @param counters       partitions and retries; its {@code toString} ends the "stopped" log line
     * @param runningFlag    told true before the thread starts and false once it ended and closed the clients
     * @param afterPoll      called on the consumer thread after every poll (e.g. measuring lag)
     */
    public static ConsumerThread start(Names names, Setup setup, Properties consumerConfig,
                                       Function<DeadLetterPublisher, RecordHandler> processor,
                                       ConsumerProgress counters, Running runningFlag,
                                       java.util.function.Consumer<Consumer<byte[], byte[]>> afterPoll, Logger log) {
        return start(names, setup, consumerConfig, processor, 1, counters, runningFlag, afterPoll, log);
    }

    /**
     * As {@link #start(Names, Setup, Properties, Function, ConsumerProgress, Running, java.util.function.Consumer,
     * Logger)}, with up to {@code concurrency} records in flight ({@link ConcurrentRecords}); the handler must then
     * be thread-safe. 1 is the sequential loop.
     */
    public static ConsumerThread start(Names names, Setup setup, Properties consumerConfig,
                                       Function<DeadLetterPublisher, RecordHandler> processor, int concurrency,
                                       ConsumerProgress counters, Running runningFlag,
                                       java.util.function.Consumer<Consumer<byte[], byte[]>> afterPoll, Logger log) {
        // Checked before any client exists, so a bad value leaks nothing.
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(
                DeadLetterPublisher.newProducer(setup.bootstrapServers(),
                        "beacon-" + names.name() + "-dead-letters-" + setup.groupId()),
                setup.deadLetterTopic(), setup.groupId(), Clock.systemUTC());
        WaitingPartitions waiting = new WaitingPartitions(setup.backoff(), setup.stillFailingLogEvery(),
                counters, Clock.systemUTC(), System::nanoTime, log);
        ConsumeLoop loop = new ConsumeLoop(consumer, setup.topic(),
                new ConcurrentRecords(processor.apply(deadLetters), concurrency, names.name()), waiting,
                System::nanoTime, setup.stillFailingLogEvery(), counters, log, names.name()).afterPoll(afterPoll);
        ConsumerThread t = new ConsumerThread(loop, consumer, deadLetters, names, runningFlag, counters, log);
        runningFlag.running(true);
        t.thread.start();
        log.info("{} consumer started on topic {} (group {}, dead letters to {})", names.name(), setup.topic(),
                setup.groupId(), setup.deadLetterTopic());
        return t;
    }

    /**
     * The settings both consumers share: manual commits, from the earliest offset, committed writes only.
     *
     * @param maxPollRecords a batch of slow calls must end well within {@code max.poll.interval.ms} (5 min)
     */
    public static Properties consumerConfig(String bootstrapServers, String groupId, String clientId,
                                            int maxPollRecords) {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("client.id", clientId);
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        // The job writes with Kafka transactions (exactly-once sink): never act on an aborted write.
        config.put("isolation.level", "read_committed");
        config.put("max.poll.records", Integer.toString(maxPollRecords));
        return config;
    }

    /**
     * Stops after the record in hand: commits what was done (never a record still failing) and closes the Kafka
     * clients. Waits up to 30 s for a call in progress.
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
            t.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("{} consumer still busy after 30 s; it stops when that call returns (the {} in hand stays "
                    + "uncommitted unless it succeeds)", names.name(), names.item());
        }
    }

    private void run() {
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            // Nothing past the last done record was committed (the loop's finally); a restart resumes there.
            log.error("{} consumer stopped by an unexpected {}; {}s from the last commit on wait for a restart or "
                    + "another replica", names.name(), WaitingPartitions.describe(e), names.item());
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("closing the {} consumer failed ({})", names.name(), e.getClass().getSimpleName());
            }
            try {
                deadLetters.close();
            } catch (RuntimeException e) {
                log.warn("closing the {} dead-letter producer failed ({})", names.name(),
                        e.getClass().getSimpleName());
            }
            runningFlag.running(false);
            log.info("{} consumer stopped: {}", names.name(), counters);
        }
    }
}
