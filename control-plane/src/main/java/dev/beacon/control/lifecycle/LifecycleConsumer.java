package dev.beacon.control.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job's {@code graph-lifecycle} topic and hands each event to the {@link LifecycleHandler}.
 *
 * <p>At-least-once: offsets are committed only after their records were handled (or skipped), so a crash replays
 * the uncommitted ones; handlers are idempotent. All replicas share one consumer group, so each record is handled
 * by one replica. Nothing stops this consumer: bad records are counted and skipped, and an event the handler keeps
 * failing on is retried with backoff, then counted as failed and skipped. Record content is never logged (it comes
 * from outside), only topic, partition, offset and the reason.
 */
public final class LifecycleConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConsumer.class);

    /** How often a failing handler is tried, and the first pause (doubled after each failure). */
    public record Retry(int attempts, Duration firstBackoff) {
        public static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(1));

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }
    }

    private final String topic;
    private final LifecycleHandler handler;
    private final Clock clock;
    private final Retry retry;
    private final Properties config;
    private final LifecycleCounters counters = new LifecycleCounters();
    private final LifecycleRecordParser parser = new LifecycleRecordParser();

    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public LifecycleConsumer(String bootstrapServers, String topic, String groupId, LifecycleHandler handler,
                             Clock clock) {
        this(bootstrapServers, topic, groupId, handler, clock, Retry.DEFAULT);
    }

    public LifecycleConsumer(String bootstrapServers, String topic, String groupId, LifecycleHandler handler,
                             Clock clock, Retry retry) {
        this.topic = Objects.requireNonNull(topic);
        this.handler = Objects.requireNonNull(handler);
        this.clock = Objects.requireNonNull(clock);
        this.retry = Objects.requireNonNull(retry);
        config = new Properties();
        config.put("bootstrap.servers", Objects.requireNonNull(bootstrapServers));
        config.put("group.id", Objects.requireNonNull(groupId));
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        // The job writes with Kafka transactions (exactly-once sink): never act on an aborted write.
        config.put("isolation.level", "read_committed");
        config.put("client.id", "beacon-lifecycle-" + groupId);
        // Handling may retry with backoff; keep a batch small so it finishes well within max.poll.interval.ms.
        config.put("max.poll.records", "50");
    }

    public LifecycleCounters counters() {
        return counters;
    }

    /** Subscribes and starts the consumer thread. */
    public synchronized LifecycleConsumer start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        running = true;
        thread = new Thread(this::run, "lifecycle-consumer");
        thread.setDaemon(true);
        thread.start();
        LOG.info("lifecycle consumer started on topic {} (group {})", topic, config.get("group.id"));
        return this;
    }

    /** Stops after the record in hand, commits what was handled, and closes the Kafka client. */
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
        running = false;
        consumer.wakeup();
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    LOG.error("polling {} failed ({}); retrying", topic, e.getClass().getSimpleName());
                    pause(Duration.ofSeconds(1));
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (!running) {
                        break;
                    }
                    process(r);
                    done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                commit(done);
            }
        } finally {
            commit(done);
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("closing the lifecycle consumer failed ({})", e.getClass().getSimpleName());
            }
            LOG.info("lifecycle consumer stopped: {}", counters);
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> r) {
        Instant receivedAt = r.timestamp() >= 0 ? Instant.ofEpochMilli(r.timestamp()) : clock.instant();
        LifecycleRecordParser.Parsed parsed = parser.parse(r.value(), receivedAt);
        if (parsed.event() == null) {
            counters.recordBad();
            LOG.warn("skipping bad lifecycle record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    parsed.problem());
            return;
        }
        LifecycleEvent event = parsed.event();
        Duration backoff = retry.firstBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                String outcome = handler.handle(event);
                counters.recordHandled(event.lifecycleEvent());
                LOG.info("lifecycle {} for subscription {}: {}", event.lifecycleEvent(), event.subscriptionId(),
                        outcome);
                return;
            } catch (RuntimeException e) {
                if (attempt >= retry.attempts() || !running) {
                    counters.recordFailed();
                    LOG.error("giving up on lifecycle {} for subscription {} ({}-{}@{}) after {} attempt(s): {}",
                            event.lifecycleEvent(), event.subscriptionId(), r.topic(), r.partition(), r.offset(),
                            attempt, e.getClass().getName());
                    return;
                }
                LOG.warn("lifecycle {} for subscription {} failed (attempt {}/{}): {}; retrying in {}",
                        event.lifecycleEvent(), event.subscriptionId(), attempt, retry.attempts(),
                        e.getClass().getName(), backoff);
                pause(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
        if (done.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(done);
            done.clear();
        } catch (WakeupException e) {
            // close() raced the commit: try once more so handled records are not replayed needlessly.
            try {
                consumer.commitSync(done);
                done.clear();
            } catch (RuntimeException again) {
                LOG.warn("committing lifecycle offsets failed ({}); those records will be handled again",
                        again.getClass().getSimpleName());
            }
        } catch (RuntimeException e) {
            // A rebalance took the partitions: the new owner replays them (handlers are idempotent).
            LOG.warn("committing lifecycle offsets failed ({}); those records will be handled again",
                    e.getClass().getSimpleName());
            done.clear();
        }
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
