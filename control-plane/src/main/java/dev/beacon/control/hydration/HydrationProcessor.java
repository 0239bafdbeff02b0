package dev.beacon.control.hydration;

import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RecordHandler;
import dev.beacon.control.kafka.RecordOutcome;
import dev.beacon.control.kafka.WaitingPartitions;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@code graph-needs-hydration} record becomes: published, recorded as deleted, dead-lettered (poison,
 * unknown subscription, 403), or not done yet (a dependency is down). Record content is never logged, only ids,
 * the record's position and the reason.
 */
final class HydrationProcessor implements RecordHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HydrationConsumer.class);

    /** A request (or the dead letter of a poison record) that must be retried. */
    record RetryLater(HydrationRequestRecord request, Exception failure, Optional<Duration> retryAfter)
            implements RecordOutcome.RetryLater {
        @Override
        public String what(ConsumerRecord<byte[], byte[]> r) {
            String where = RecordOutcome.RetryLater.position(r);
            return request == null ? "dead letter for hydration record " + where
                    : "hydration of message " + request.messageId() + " in chat " + request.chatId() + " (" + where
                            + ")";
        }
    }

    private final HydrationRequests parser = new HydrationRequests();
    private final MessageHydrator hydrator;
    private final DeadLetterPublisher deadLetters;
    private final HydrationCounters counters;

    HydrationProcessor(MessageHydrator hydrator, DeadLetterPublisher deadLetters, HydrationCounters counters) {
        this.hydrator = hydrator;
        this.deadLetters = deadLetters;
        this.counters = counters;
    }

    /** Called from up to {@code concurrency} threads at once; everything it uses is thread-safe. */
    @Override
    public RecordOutcome process(ConsumerRecord<byte[], byte[]> r) {
        counters.started();
        try {
            RecordOutcome outcome = hydrate(r);
            if (outcome instanceof RecordOutcome.RetryLater later) {
                counters.failed(reason(later.failure()));
            } else {
                counters.done();
            }
            return outcome;
        } finally {
            counters.finished();
        }
    }

    /** For status: our own retry messages name the kind, status and integration; anything else only class names. */
    static String reason(Exception e) {
        return e instanceof HydrationRetryException ? e.getMessage() : WaitingPartitions.describe(e);
    }

    private RecordOutcome hydrate(ConsumerRecord<byte[], byte[]> r) {
        HydrationRequests.Parsed parsed = parser.parse(r.value());
        if (parsed.poison() != null) {
            return deadLetter(r, null, parsed.poison(), parsed.detail());
        }
        HydrationRequestRecord request = parsed.request();
        MessageHydrator.Result result;
        try {
            result = hydrator.hydrate(request);
        } catch (HydrationRetryException e) {
            return new RetryLater(request, e, e.retryAfter());
        } catch (RuntimeException e) {
            // PostgreSQL down, no certificate yet, anything unexpected: wait and retry, never skip.
            return new RetryLater(request, e, Optional.empty());
        }
        if (result instanceof MessageHydrator.Rejected rejected) {
            return deadLetter(r, request, rejected.reason(), rejected.detail());
        }
        if (result instanceof MessageHydrator.Deleted d) {
            LOG.info("message {} in chat {} (integration {}) was deleted before it could be fetched ({})",
                    request.messageId(), request.chatId(), d.target().integrationId(),
                    RecordOutcome.RetryLater.position(r));
            return new RecordOutcome.Done("deleted");
        }
        LOG.debug("hydrated message {} in chat {} for integration {} ({})", request.messageId(), request.chatId(),
                ((MessageHydrator.Published) result).target().integrationId(), RecordOutcome.RetryLater.position(r));
        return new RecordOutcome.Done("published");
    }

    private RecordOutcome deadLetter(ConsumerRecord<byte[], byte[]> r, HydrationRequestRecord request,
                                     HydrationPoison reason, String detail) {
        try {
            deadLetters.publish(r, reason, detail);
        } catch (RuntimeException e) {
            return new RetryLater(null, e, Optional.empty());
        }
        counters.deadLetter(reason);
        LOG.warn("hydration record {} ({}: {}) written to {}", RecordOutcome.RetryLater.position(r), reason.label(),
                detail, deadLetters.topic());
        return new RecordOutcome.Done("dead-lettered: " + reason.label());
    }
}
