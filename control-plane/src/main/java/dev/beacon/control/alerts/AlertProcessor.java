package dev.beacon.control.alerts;

import dev.beacon.control.kafka.DeadLetterPublisher;
import dev.beacon.control.kafka.RecordHandler;
import dev.beacon.control.kafka.RecordOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one record of {@code emergency-call-facts} becomes: for every route of the fact's tenant that covers the
 * call (real or test), the call's first alert or an update, each delivered at least once and recorded in
 * {@code alert_delivery} before the record counts as done (so its offset is committed only then). A failed attempt
 * leaves the record uncommitted ({@link RecordOutcome.RetryLater}: the partition waits with exponential backoff);
 * routes already delivered are skipped on the retry by the (route, fact id, revision) key. After
 * {@code maxAttempts}, or on a permanent failure, the delivery is dead and the route is marked failing, logged once;
 * while it is marked, each revision gets a single attempt, so a dead endpoint does not delay other routes' alerts.
 */
public final class AlertProcessor implements RecordHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

    /** Some route's delivery failed and will be tried again. */
    record RetryLater(String factId, Exception failure, Optional<Duration> retryAfter)
            implements RecordOutcome.RetryLater {
        @Override
        public String what(ConsumerRecord<byte[], byte[]> r) {
            return (factId == null ? "alert record " : "alerts for fact " + factId + " at ")
                    + RecordOutcome.RetryLater.position(r);
        }
    }

    private final AlertRouteStore routes;
    private final AlertLedger ledger;
    private final Map<AlertChannel, AlertSender> senders;
    private final AlertMetrics metrics;
    private final int maxAttempts;
    private final DeadLetterPublisher deadLetters;
    private final Clock clock;

    public AlertProcessor(AlertRouteStore routes, AlertLedger ledger, Map<AlertChannel, AlertSender> senders,
                          AlertMetrics metrics, int maxAttempts, DeadLetterPublisher deadLetters, Clock clock) {
        this.routes = routes;
        this.ledger = ledger;
        this.senders = senders;
        this.metrics = metrics;
        this.maxAttempts = maxAttempts;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Override
    public RecordOutcome process(ConsumerRecord<byte[], byte[]> r) {
        AlertFact fact;
        try {
            fact = AlertFact.read(r);
        } catch (AlertFact.NotAFact e) {
            try {
                deadLetters.publish(r, AlertPoison.NOT_A_FACT, e.getMessage());
            } catch (RuntimeException dl) {
                return new RetryLater(null, dl, Optional.empty());
            }
            return new RecordOutcome.Done("dead-lettered");
        }
        try {
            return fact.isSupersede() ? supersede(fact) : revision(fact);
        } catch (RuntimeException e) {
            // PostgreSQL down, the vault key wrong, anything unexpected: wait and retry, never skip.
            return new RetryLater(fact.factId(), e, Optional.empty());
        }
    }

    private RecordOutcome supersede(AlertFact f) {
        if (f.tenantId() != null) {
            for (AlertRoute route : routes.forTenant(f.tenantId())) {
                ledger.supersede(route.routeId(), f.factId(), f.supersededBy());
            }
        }
        return new RecordOutcome.Done("supersede");
    }

    private RecordOutcome revision(AlertFact f) {
        DeliveryFailure retry = null;
        for (AlertRoute route : routes.forTenant(f.tenantId())) {
            if (!route.scope().covers(f.testCall())) {
                continue;
            }
            DeliveryFailure failure = deliver(route, f);
            if (failure != null && retry == null) {
                retry = failure;
            }
        }
        return retry == null ? new RecordOutcome.Done("alerted") : new RetryLater(f.factId(), retry, Optional.empty());
    }

    /** One route; returns the failure if the delivery should be tried again, else null. */
    private DeliveryFailure deliver(AlertRoute route, AlertFact f) {
        String routeId = route.routeId();
        Optional<AlertLedger.Delivery> known = ledger.delivery(routeId, f.factId(), f.revision());
        if (known.map(AlertLedger.Delivery::finished).orElse(false)
                || ledger.superseded(routeId, f.factId())
                || (known.isEmpty() && ledger.laterRevisionHandled(routeId, f.factId(), f.revision()))) {
            return null; // redelivered record, a superseded id's replay, or an older revision than one handled
        }
        AlertLedger.Thread thread = ledger.threadFor(routeId, f.factId(), f.supersedes());
        Map<String, String> lines = AlertSummary.lines(f);
        boolean update = thread.sentLines() != null;
        List<AlertSummary.Change> changes = update ? AlertSummary.changes(thread.sentLines(), lines) : List.of();
        if (update && changes.isEmpty()) {
            ledger.unchanged(routeId, f, thread.threadId(), clock.instant());
            return null;
        }
        String title = AlertSummary.title(f, lines);
        Alert alert = new Alert(thread.threadId(), f, update, title, lines, changes, thread.rootMessageId(),
                thread.rootSubject());
        AlertChannel channel = route.channelKind();
        try {
            AlertSender sender = senders.get(channel);
            if (sender == null) {
                throw new DeliveryFailure("no " + channel.dbValue() + " sender configured (e-mail needs "
                        + "BEACON_SMTP_HOST and BEACON_SMTP_FROM)", true);
            }
            String messageId = sender.send(routes.target(route), alert);
            Instant now = clock.instant();
            Duration latency = f.detectedAt() == null ? null : Duration.between(f.detectedAt(), now);
            ledger.delivered(routeId, alert, now, latency == null ? null : latency.toMillis(),
                    update ? null : messageId, update ? null : title);
            metrics.sent(channel, latency);
            if (routes.markWorking(routeId)) {
                LOG.info("alert route {} ({}) delivers again", routeId, channel.dbValue());
            }
            LOG.info("alert ({}) for fact {} revision {} delivered on route {} ({})", update ? "update" : "new",
                    f.factId(), f.revision(), routeId, channel.dbValue());
            return null;
        } catch (DeliveryFailure e) {
            metrics.failed(channel);
            int attempts = ledger.failed(routeId, f, thread.threadId(), update, e.getMessage(), clock.instant(),
                    e.permanent());
            // A route already marked failing gets one attempt per revision: retrying it would hold every later
            // call of the partition (and so the other routes' alerts) back for the whole backoff.
            boolean dead = e.permanent() || attempts >= maxAttempts || route.failingSince() != null;
            if (!dead) {
                LOG.debug("alert for fact {} on route {}: attempt {} failed ({})", f.factId(), routeId, attempts,
                        e.getMessage());
                return e;
            }
            if (!e.permanent()) {
                ledger.dead(routeId, f);
            }
            metrics.dead(channel);
            if (routes.markFailing(routeId, e.getMessage())) {
                LOG.warn("alert route {} ({}) is failing: gave up on fact {} revision {} after {} attempt(s) ({}); "
                        + "further failures are in alert_delivery, not logged again until it works",
                        routeId, channel.dbValue(), f.factId(), f.revision(), attempts, e.getMessage());
            }
            return null;
        }
    }
}
