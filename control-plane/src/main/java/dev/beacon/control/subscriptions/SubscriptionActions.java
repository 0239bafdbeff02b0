package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.certs.EncryptionCertificates.Certificate;
import dev.beacon.control.graph.CertificateUpdate;
import dev.beacon.control.emergency.EmergencyEventResources;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphSubscription;
import dev.beacon.control.graph.NewSubscription;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Graph side of reconciling: creates (adopting a conflicting subscription), renews, recreates after a loss and
 * deletes subscriptions, and keeps the books that go with it: rows, clientStates, delivery gaps, failure backoff,
 * counters and the pass's tally. Callers hold the integration's lock.
 */
final class SubscriptionActions {

    /** Logged as the reconciler: these lines are its story, and operators filter on it. */
    private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

    /** Whether the pass may go on: {@code QUOTA} means Graph refused a create (403) and the pass stops. */
    enum Step { DONE, QUOTA }

    /** Creation attempts that failed: no row exists to hold {@code next_attempt_at}, so kept in memory. */
    private record PendingCreate(Instant notBefore, int failures) {}

    private final IntegrationStore integrations;
    private final SubscriptionStore subscriptions;
    private final GapStore gaps;
    private final ClientStates clientStates;
    private final EncryptionCertificates certificates;
    private final SubscriptionGraphs graphs;
    private final Runnable secretsChanged;
    private final ReconcilerSettings settings;
    private final Clock clock;
    private final ReconcilerCounters counters;
    private final Map<String, PendingCreate> pendingCreates = new ConcurrentHashMap<>();

    SubscriptionActions(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                        ClientStates clientStates, EncryptionCertificates certificates, SubscriptionGraphs graphs,
                        Runnable secretsChanged, ReconcilerSettings settings, Clock clock,
                        ReconcilerCounters counters) {
        this.integrations = integrations;
        this.subscriptions = subscriptions;
        this.gaps = gaps;
        this.clientStates = clientStates;
        this.certificates = certificates;
        this.graphs = graphs;
        this.secretsChanged = secretsChanged;
        this.settings = settings;
        this.clock = clock;
        this.counters = counters;
    }

    Step renew(ReconcilePass pass, DesiredSubscription d, Row row) throws SignInRequiredException {
        Instant now = clock.instant();
        Instant target = now.plus(Duration.ofMinutes(d.lifetimeMinutes()));
        Optional<CertificateUpdate> update = Optional.empty();
        String certificateId = row.encryptionCertificateId();
        if (d.includeResourceData() && !pass.certificate().id().equals(row.encryptionCertificateId())) {
            update = Optional.of(new CertificateUpdate(pass.certificate().base64(), pass.certificate().id()));
            certificateId = pass.certificate().id();
        }
        try {
            GraphSubscription g = graphs.forResource(row.resource()).renew(pass.integrationId, row.subscriptionId(), target, update);
            Instant expires = g.expirationDateTime() == null ? target : g.expirationDateTime();
            subscriptions.renewed(row.subscriptionId(), expires, now, certificateId);
            counters.renewals.incrementAndGet();
            pass.tally.renewed++;
            log.info("Renewed subscription {} of {} until {}{}", row.subscriptionId(), pass.integrationId, expires,
                    update.isPresent() ? " (moved to certificate " + certificateId + ")" : "");
            return Step.DONE;
        } catch (GraphException e) {
            counters.renewalFailures.incrementAndGet();
            if (e.notFound()) {
                return recreateAfterLoss(pass, d, row, GapStore.NOT_FOUND, lastKnownGood(row));
            }
            recordFailure(pass, row, e);
            return Step.DONE;
        }
    }

    /**
     * Graph no longer has {@code row}: gap from {@code from} (open until the new one exists), then recreate.
     *
     * @param d null when no longer desired: only the loss is recorded
     */
    Step recreateAfterLoss(ReconcilePass pass, DesiredSubscription d, Row row, String reason, Instant from)
            throws SignInRequiredException {
        recordLoss(pass.integrationId, row, reason, from);
        pass.tally.secretsChanged = true; // its clientState will be retired
        if (d == null) {
            return Step.DONE;
        }
        return create(pass, d, SubscriptionPolicy.resolve(d.resource(), pass.token), true);
    }

    /** Marks {@code row} removed and opens a delivery gap from {@code from}; a later pass recreates it. */
    void recordLoss(String integrationId, Row row, String reason, Instant from) {
        subscriptions.setState(row.subscriptionId(), SubscriptionStore.REMOVED);
        gaps.open(integrationId, row.resource(), row.subscriptionId(), from, reason);
        counters.gapsOpened.incrementAndGet();
        log.warn("Subscription {} of {} is gone from Graph ({}); delivery gap from {}, recreating",
                row.subscriptionId(), integrationId, reason, from);
    }

    /**
     * Creates {@code d} in Graph with a fresh clientState (exported before Graph is called) and closes the
     * resource's open delivery gaps; after a failed attempt, not before its backoff has passed.
     *
     * @param resource   {@code d.resource()} resolved
     * @param recreation counted as recreated (a replacement or after a loss) rather than created
     */
    Step create(ReconcilePass pass, DesiredSubscription d, String resource, boolean recreation)
            throws SignInRequiredException {
        String key = pass.integrationId + "\n" + d.resource();
        Instant now = clock.instant();
        PendingCreate pending = pendingCreates.get(key);
        if (pending != null && now.isBefore(pending.notBefore())) {
            pass.tally.deferred++;
            return Step.DONE;
        }
        Certificate cert = d.includeResourceData() ? pass.certificate() : null;
        ClientStates.Issued clientState = clientStates.issue(pass.integrationId);
        // Export before Graph is called: notifications may arrive right after the create returns.
        secretsChanged.run();
        NewSubscription request = new NewSubscription(resource, d.changeTypes(), d.notificationUrl(),
                d.effectiveLifecycleUrl(), now.plus(Duration.ofMinutes(d.lifetimeMinutes())), clientState.secret(),
                d.includeResourceData(), cert == null ? null : cert.base64(), cert == null ? null : cert.id());
        GraphClient graph = graphs.forResource(resource);
        GraphSubscription created;
        boolean adopted = false;
        try {
            try {
                created = graph.create(pass.integrationId, request);
            } catch (GraphException e) {
                if (!e.conflict()) {
                    throw e;
                }
                adoptConflicting(pass, request);
                adopted = true;
                created = graph.create(pass.integrationId, request);
            }
        } catch (GraphException e) {
            clientStates.discard(clientState.id());
            counters.creationFailures.incrementAndGet();
            boolean emergency = EmergencyEventResources.isEmergencyResource(resource);
            if (e.forbidden() && emergency) {
                // Not a quota: the application permission is missing (or the API is not available to the tenant).
                // Only this policy's subscription waits; the chat subscriptions go on.
                log.warn("Integration {}: Graph refused the emergency call event subscription {} (403): grant the "
                        + "application permission CallEvents-Emergency.Read.All with admin consent", pass.integrationId,
                        resource);
            } else if (e.forbidden()) {
                String detail = e.graphMessage() != null ? e.graphMessage() : e.getMessage();
                integrations.setStatus(pass.integrationId, IntegrationStatus.QUOTA_EXCEEDED,
                        "Graph refused to create " + resource + ": " + detail);
                log.warn("Integration {}: Graph refused a subscription (quota?): {}", pass.integrationId,
                        e.getMessage());
                pass.tally.failed++;
                return Step.QUOTA;
            }
            int failures = pending == null ? 1 : pending.failures() + 1;
            Instant notBefore = retryTime(e, failures, now);
            pendingCreates.put(key, new PendingCreate(notBefore, failures));
            log.warn("Integration {}: creating subscription for {} failed, next attempt at {}: {}",
                    pass.integrationId, resource, notBefore, e.getMessage());
            if (e.throttled() && e.retryAfter().isPresent()) {
                pass.tally.deferred++;
            } else {
                pass.tally.failed++;
            }
            return Step.DONE;
        } catch (SignInRequiredException | RuntimeException e) {
            clientStates.discard(clientState.id());
            throw e;
        }
        pendingCreates.remove(key);
        Instant expires = created.expirationDateTime() == null ? request.expirationDateTime()
                : created.expirationDateTime();
        subscriptions.insert(new Row(created.id(), pass.integrationId, d.resource(), resource, d.changeTypes(),
                d.notificationUrl(), d.effectiveLifecycleUrl(), clientState.id(), cert == null ? null : cert.id(),
                SubscriptionStore.ACTIVE, expires, now, null, 0, 0, null, null));
        int closed = gaps.closeOpen(pass.integrationId, resource, now);
        if (adopted) {
            pass.tally.adopted++;
        } else if (recreation) {
            pass.tally.recreated++;
        } else {
            pass.tally.created++;
        }
        (recreation ? counters.recreations : counters.creations).incrementAndGet();
        log.info("Created subscription {} of {} for {} until {}{}", created.id(), pass.integrationId, resource,
                expires, closed > 0 ? " (closed " + closed + " delivery gap(s))" : "");
        return Step.DONE;
    }

    /**
     * Graph already has a subscription for this resource, change types and URL (409): ours from a crashed run, or
     * one made by hand. Graph cannot PATCH its clientState, which we do not know, so the job could never verify its
     * notifications. We therefore delete it and create ours again (a moment without a subscription, instead of
     * a subscription whose notifications are all rejected).
     *
     * <p>Emergency call events ({@code getEmergencyEventsByPolicy}) allow one subscription per app, tenant and policy,
     * so the conflicting one is found by its resource alone (its URL may differ: another replica's or an older
     * delivery target). The same reasoning applies: Graph never returns a clientState on reads, so we cannot tell
     * whether the job would accept its notifications; deleting it and creating ours is the only state in which
     * every emergency event is verifiable. The adoption is counted ({@code adopted}) and logged.
     */
    private void adoptConflicting(ReconcilePass pass, NewSubscription request)
            throws GraphException, SignInRequiredException {
        GraphClient graph = graphs.forResource(request.resource());
        // Emergency call events: one subscription per app, tenant and policy, whatever its URL (Graph's 409 rule).
        boolean perPolicy = EmergencyEventResources.isEmergencyResource(request.resource());
        GraphSubscription existing = graph.list(pass.integrationId).stream()
                .filter(s -> perPolicy ? request.resource().equalsIgnoreCase(s.resource())
                        : s.sameTarget(request.resource(), request.changeType(), request.notificationUrl()))
                .findFirst()
                .orElseThrow(() -> new GraphException("adopt existing subscription", 409, "ConflictNotListed",
                        "Graph reports a conflicting subscription that this app cannot list", null, null));
        log.info("Integration {}: adopting subscription {} (unknown clientState): deleting it to recreate ours",
                pass.integrationId, existing.id());
        try {
            graph.delete(pass.integrationId, existing.id());
        } catch (GraphException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
        subscriptions.find(existing.id()).ifPresent(r -> subscriptions.setState(r.subscriptionId(),
                SubscriptionStore.DELETED));
    }

    /** @return true when it is gone from Graph (deleted now, or already) */
    boolean deleteInGraph(ReconcilePass pass, Row row) throws SignInRequiredException {
        try {
            graphs.forResource(row.resource()).delete(pass.integrationId, row.subscriptionId());
        } catch (GraphException e) {
            if (!e.notFound()) {
                recordFailure(pass, row, e);
                return false;
            }
        }
        subscriptions.setState(row.subscriptionId(), SubscriptionStore.DELETED);
        counters.deletions.incrementAndGet();
        pass.tally.deleted++;
        pass.tally.secretsChanged = true;
        log.info("Deleted subscription {} of {} (desired {})", row.subscriptionId(), pass.integrationId,
                row.desiredResource());
        return true;
    }

    /**
     * An operator's delete: in Graph when active (already gone is fine), then marked deleted.
     *
     * @throws IllegalStateException when Graph refuses
     */
    void deleteNow(Row row, ReconcileTally tally) throws SignInRequiredException {
        if (row.active()) {
            try {
                graphs.forResource(row.resource()).delete(row.integrationId(), row.subscriptionId());
            } catch (GraphException e) {
                if (!e.notFound()) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        subscriptions.setState(row.subscriptionId(), SubscriptionStore.DELETED);
        counters.deletions.incrementAndGet();
        tally.secretsChanged = true;
    }

    /** Graph refused an action on {@code row}: wait as Graph asked (Retry-After), else back off. */
    void recordFailure(ReconcilePass pass, Row row, GraphException e) {
        Instant now = clock.instant();
        if (e.throttled() && e.retryAfter().isPresent()) {
            Instant notBefore = now.plus(e.retryAfter().get());
            subscriptions.deferred(row.subscriptionId(), notBefore, e.getMessage());
            pass.tally.deferred++;
            log.info("Subscription {}: Graph asked to wait until {}", row.subscriptionId(), notBefore);
        } else {
            Instant next = retryTime(e, row.failureCount() + 1, now);
            subscriptions.failed(row.subscriptionId(), e.getMessage(), next);
            pass.tally.failed++;
            log.warn("Subscription {}: {}; next attempt at {}", row.subscriptionId(), e.getMessage(), next);
        }
    }

    private Instant retryTime(GraphException e, int failures, Instant now) {
        if (e.throttled() && e.retryAfter().isPresent()) {
            return now.plus(e.retryAfter().get());
        }
        return now.plus(settings.backoff().delay(failures));
    }

    /** The last moment we know the subscription delivered or was confirmed by Graph. */
    Instant lastKnownGood(Row row) {
        Instant confirmed = row.lastConfirmedAt();
        return subscriptions.lastNotificationAt(row.subscriptionId())
                .filter(confirmed::isBefore)
                .orElse(confirmed);
    }

    /** Retires unused clientStates and keys, and re-exports the job's secrets when anything changed. */
    void housekeeping(ReconcileTally tally) {
        boolean changed = tally.secretsChanged;
        changed |= clientStates.retireUnused() > 0;
        changed |= !certificates.purgeRetired().isEmpty();
        if (changed) {
            secretsChanged.run();
        }
    }
}
