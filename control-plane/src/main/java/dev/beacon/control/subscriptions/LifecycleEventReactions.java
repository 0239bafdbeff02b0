package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.lifecycle.RetryLaterException;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the reconciler does for each of Graph's lifecycle notifications about a subscription we hold:
 * {@code reauthorizationRequired}, {@code subscriptionRemoved} and {@code missed}. Callers hold the integration's
 * lock and do the housekeeping afterwards; each method returns the outcome the lifecycle consumer logs.
 */
final class LifecycleEventReactions {

    /** Logged as the reconciler: these lines are its story, and operators filter on it. */
    private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

    private final SubscriptionStore subscriptions;
    private final GapStore gaps;
    private final EncryptionCertificates certificates;
    private final SubscriptionGraphs graphs;
    private final TokenSource tokens;
    private final SubscriptionActions actions;
    private final ReconcilerSettings settings;
    private final ReconcilerCounters counters;
    /** The (resolved) desired entry a subscription was made for; empty when no longer desired. */
    private final Function<Row, Optional<DesiredSubscription>> desiredFor;

    LifecycleEventReactions(SubscriptionStore subscriptions, GapStore gaps, EncryptionCertificates certificates,
                            SubscriptionGraphs graphs, TokenSource tokens, SubscriptionActions actions,
                            ReconcilerSettings settings, ReconcilerCounters counters,
                            Function<Row, Optional<DesiredSubscription>> desiredFor) {
        this.subscriptions = subscriptions;
        this.gaps = gaps;
        this.certificates = certificates;
        this.graphs = graphs;
        this.tokens = tokens;
        this.actions = actions;
        this.settings = settings;
        this.counters = counters;
        this.desiredFor = desiredFor;
    }

    /** Reacts to {@code event} about {@code row} (of {@code integrationId}); returns what it did. */
    String react(String integrationId, Row row, LifecycleEvent event, ReconcileTally tally)
            throws SignInRequiredException {
        return switch (event.lifecycleEvent()) {
            case LifecycleEvent.REAUTHORIZATION_REQUIRED -> reauthorize(integrationId, row, tally);
            case LifecycleEvent.SUBSCRIPTION_REMOVED -> removed(integrationId, row, event, tally);
            case LifecycleEvent.MISSED -> missed(integrationId, row, event);
            default -> {
                log.info("Lifecycle event '{}' for subscription {} is not one we act on", event.lifecycleEvent(),
                        row.subscriptionId());
                yield "ignored: unknown lifecycle event";
            }
        };
    }

    private String reauthorize(String integrationId, Row row, ReconcileTally tally) throws SignInRequiredException {
        if (!row.active()) {
            return "ignored: subscription " + row.subscriptionId() + " is " + row.state();
        }
        ReconcilePass pass = new ReconcilePass(integrationId, tokens.graphToken(integrationId), certificates);
        DesiredSubscription d = desiredFor.apply(row).orElse(null);
        try {
            graphs.forResource(row.resource()).reauthorize(integrationId, row.subscriptionId());
            subscriptions.succeeded(row.subscriptionId());
            return "reauthorized " + row.subscriptionId();
        } catch (GraphException e) {
            if (e.notFound()) {
                actions.recreateAfterLoss(pass, d, row, GapStore.NOT_FOUND, actions.lastKnownGood(row));
                tally.secretsChanged |= pass.tally.secretsChanged;
                return "subscription " + row.subscriptionId() + " was gone; recreated";
            }
            if (e.transientFailure()) {
                // Graph is down or throttling: leave the event unhandled so the lifecycle consumer retries it (a
                // renewal now would fail the same way); the consumer logs and counts the outage once.
                if (e.throttled() && e.retryAfter().isPresent()) {
                    actions.recordFailure(pass, row, e); // Graph said when: the reconciler's own passes wait as well
                }
                throw new RetryLaterException("reauthorize of " + row.subscriptionId() + " failed: HTTP "
                        + e.status(), e.retryAfter().orElse(null), e);
            }
            if (d == null) {
                actions.recordFailure(pass, row, e);
                return "reauthorize failed: " + e.getMessage();
            }
            // Graph refuses to reauthorize close to expiry; a renewal (PATCH) also reauthorizes.
            log.info("Reauthorize of {} failed ({}); renewing instead", row.subscriptionId(), e.getMessage());
            actions.renew(pass, d, row);
            tally.secretsChanged |= pass.tally.secretsChanged;
            return pass.tally.renewed > 0 ? "renewed " + row.subscriptionId() + " instead of reauthorize"
                    : "reauthorize and renew failed for " + row.subscriptionId();
        }
    }

    private String removed(String integrationId, Row row, LifecycleEvent event, ReconcileTally tally)
            throws SignInRequiredException {
        if (!row.active()) {
            return "ignored: subscription " + row.subscriptionId() + " is already " + row.state();
        }
        Optional<DesiredSubscription> d = desiredFor.apply(row);
        GraphToken token;
        try {
            token = tokens.graphToken(integrationId);
        } catch (SignInRequiredException e) {
            // Record the loss anyway: after the sign-in the next pass recreates it (and closes the gap). Without
            // this the event would be lost until a renewal, up to a day and a half later, met a 404.
            actions.recordLoss(integrationId, row, GapStore.REMOVED, event.receivedAt());
            tally.secretsChanged = true;
            throw e;
        }
        ReconcilePass pass = new ReconcilePass(integrationId, token, certificates);
        actions.recreateAfterLoss(pass, d.orElse(null), row, GapStore.REMOVED, event.receivedAt());
        tally.secretsChanged = true;
        return d.isPresent() ? "subscription " + row.subscriptionId() + " removed by Graph; recreated"
                : "subscription " + row.subscriptionId() + " removed by Graph; no longer desired";
    }

    /**
     * Graph dropped notifications. The gap is closed at once (the subscription still works) and runs from the last
     * notification we processed for it, or {@code missedWindow} before the event when we know none.
     */
    private String missed(String integrationId, Row row, LifecycleEvent event) {
        Instant to = event.receivedAt();
        Instant from = subscriptions.lastNotificationAt(row.subscriptionId())
                .filter(t -> t.isBefore(to))
                .orElse(to.minus(settings.missedWindow()));
        gaps.recordClosed(integrationId, row.resource(), row.subscriptionId(), from, to, GapStore.MISSED);
        counters.gapsOpened.incrementAndGet();
        log.warn("Graph missed notifications of subscription {} ({}): gap {} .. {}", row.subscriptionId(),
                integrationId, from, to);
        return "recorded missed gap " + from + " .. " + to;
    }
}
