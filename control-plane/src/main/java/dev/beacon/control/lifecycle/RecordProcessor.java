package dev.beacon.control.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RecordHandler;
import dev.beacon.control.kafka.RecordOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one {@code graph-lifecycle} record becomes: handled, dead-lettered (poison), or not done yet (a
 * dependency is down: retry later). It knows nothing of offsets or partitions; the shared
 * {@link dev.beacon.control.kafka.ConsumeLoop} turns the outcome into a commit or a wait. Record content is never logged, only its position and the reason.
 */
final class RecordProcessor implements RecordHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConsumer.class);

    /** Handled or dead-lettered: the offset may be committed. */
    record Done(String description) implements RecordOutcome {}

    /**
     * Not handled: a dependency (PostgreSQL, Graph, Entra, the dead-letter topic) failed.
     *
     * @param event      what was being handled, null for a poison record whose dead letter failed
     * @param retryAfter the least wait the dependency asked for, if any
     */
    record RetryLater(LifecycleEvent event, Exception failure, Optional<Duration> retryAfter)
            implements RecordOutcome.RetryLater {
        @Override
        public String what(ConsumerRecord<byte[], byte[]> r) {
            String where = RecordOutcome.RetryLater.position(r);
            return event == null ? "dead letter for poison record " + where
                    : "lifecycle " + event.lifecycleEvent() + " for subscription " + event.subscriptionId() + " ("
                            + where + ")";
        }
    }

    private final LifecycleRecordParser parser = new LifecycleRecordParser();
    private final LifecycleHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final LifecycleCounters counters;
    private final Clock clock;

    RecordProcessor(LifecycleHandler handler, DeadLetterPublisher deadLetters, LifecycleCounters counters,
                    Clock clock) {
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public RecordOutcome process(ConsumerRecord<byte[], byte[]> r) {
        Instant receivedAt = r.timestamp() >= 0 ? Instant.ofEpochMilli(r.timestamp()) : clock.instant();
        LifecycleRecordParser.Parsed parsed = parser.parse(r.value(), receivedAt);
        if (parsed.poison() != null) {
            return deadLetter(r, parsed.poison(), parsed.detail());
        }
        LifecycleEvent event = parsed.event();
        String outcome;
        try {
            outcome = handler.handle(event);
        } catch (RetryLaterException e) {
            return new RetryLater(event, e, e.retryAfter());
        } catch (RuntimeException e) {
            // Unknown failures are treated as a dependency outage, never as poison: a skipped subscriptionRemoved
            // costs up to a day and a half of notifications, a stuck partition costs an alert.
            return new RetryLater(event, e, Optional.empty());
        }
        counters.recordHandled(event.lifecycleEvent());
        LOG.info("lifecycle {} for subscription {} ({}-{}@{}): {}", event.lifecycleEvent(), event.subscriptionId(),
                r.topic(), r.partition(), r.offset(), outcome);
        return new Done(outcome);
    }

    private RecordOutcome deadLetter(ConsumerRecord<byte[], byte[]> r, PoisonReason reason, String detail) {
        try {
            deadLetters.publish(r, reason, detail);
        } catch (RuntimeException e) {
            return new RetryLater(null, e, Optional.empty());
        }
        counters.recordDeadLetter(reason);
        LOG.warn("poison lifecycle record {}-{}@{} ({}: {}) written to {}", r.topic(), r.partition(), r.offset(),
                reason.label(), detail, deadLetters.topic());
        return new Done("dead-lettered: " + reason.label());
    }
}
