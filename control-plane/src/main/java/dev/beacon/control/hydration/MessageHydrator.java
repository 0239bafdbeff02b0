package dev.beacon.control.hydration;

import dev.beacon.contracts.fetched.Origin;
import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.kafka.AckedSends;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.subscriptions.SubscriptionStore;
import java.util.Optional;

/**
 * Hydrates one valid request: finds the integration, waits for the tenant's rate slot, fetches the message with the
 * integration's token and publishes it as a {@link Origin#HYDRATION} fetched message, or records why there is none.
 * Returns only when the result is durable (broker ack, or committed row); a dependency failure throws
 * {@link HydrationRetryException} (or, for PostgreSQL, the store's exception) and nothing counts as done.
 */
public final class MessageHydrator {

    /** What became of a request; {@link Rejected} ones go to the dead-letter topic. */
    sealed interface Result permits Published, Deleted, Rejected {}

    record Published(HydrationTarget target) implements Result {}

    record Deleted(HydrationTarget target) implements Result {}

    record Rejected(HydrationPoison reason, String detail) implements Result {}

    private final HydrationTargets targets;
    private final GraphClient graph;
    private final TenantRateLimiter limiter;
    private final FetchedMessagePublisher publisher;
    private final HydrationOutcomes outcomes;
    private final HydrationCounters counters;

    public MessageHydrator(SubscriptionStore subscriptions, IntegrationStore integrations, GraphClient graph,
                           TenantRateLimiter limiter, FetchedMessagePublisher publisher, HydrationOutcomes outcomes,
                           HydrationCounters counters) {
        this.targets = new HydrationTargets(subscriptions, integrations);
        this.graph = graph;
        this.limiter = limiter;
        this.publisher = publisher;
        this.outcomes = outcomes;
        this.counters = counters;
    }

    public HydrationCounters counters() {
        return counters;
    }

    Result hydrate(HydrationRequestRecord r) {
        Optional<HydrationTarget> found = targets.find(r.subscriptionId(), r.tenantId());
        if (found.isEmpty()) {
            return new Rejected(HydrationPoison.UNKNOWN_SUBSCRIPTION, "no integration serves subscription "
                    + r.subscriptionId() + " and tenant " + r.tenantId() + " does not name exactly one");
        }
        HydrationTarget target = found.get();
        Optional<byte[]> message;
        try {
            message = graph.chatMessage(target.integrationId(), r.chatId(), r.messageId(),
                    () -> limiter.acquire(target.tenantId()));
        } catch (GraphException e) {
            return graphFailed(target, r, e);
        } catch (SignInRequiredException e) {
            throw new HydrationRetryException(HydrationRetryException.Kind.SIGN_IN_REQUIRED, "integration "
                    + target.integrationId() + " needs a sign-in", null, e);
        }
        if (message.isEmpty()) {
            outcomes.record(target, r.chatId(), r.messageId(), r.subscriptionId(), r.tenantId(),
                    HydrationOutcomes.DELETED, 404);
            counters.deleted();
            return new Deleted(target);
        }
        counters.fetched();
        try {
            publisher.publish(Origin.HYDRATION, target.integrationId(), target.tenantId(), r.subscriptionId(),
                    r.chatId(), r.messageId(), message.get());
        } catch (AckedSends.NotAcknowledged e) {
            throw new HydrationRetryException(HydrationRetryException.Kind.PUBLISH_FAILED,
                    "the events topic did not acknowledge", null, e);
        }
        counters.published();
        return new Published(target);
    }

    private Result graphFailed(HydrationTarget target, HydrationRequestRecord r, GraphException e) {
        if (e.forbidden()) {
            outcomes.record(target, r.chatId(), r.messageId(), r.subscriptionId(), r.tenantId(),
                    HydrationOutcomes.FORBIDDEN, 403);
            counters.forbidden();
            return new Rejected(HydrationPoison.FORBIDDEN, "Graph answered 403 " + (e.code() == null ? ""
                    : e.code()) + " for integration " + target.integrationId());
        }
        if (e.throttled()) {
            counters.throttled();
            // No call of this tenant before Graph said so, whichever partition it comes from.
            e.retryAfter().ifPresent(d -> limiter.holdOff(target.tenantId(), d));
            throw new HydrationRetryException(HydrationRetryException.Kind.GRAPH_THROTTLED, "Graph answered "
                    + e.status(), e.retryAfter().orElse(null), e);
        }
        if (e.transientFailure() || e.status() == 401) {
            throw new HydrationRetryException(HydrationRetryException.Kind.GRAPH_UNAVAILABLE, "Graph answered "
                    + (e.status() == GraphException.NO_RESPONSE ? "nothing" : String.valueOf(e.status())),
                    e.retryAfter().orElse(null), e);
        }
        return new Rejected(HydrationPoison.GRAPH_REJECTED, "Graph answered " + e.status()
                + (e.code() == null ? "" : " " + e.code()));
    }
}
