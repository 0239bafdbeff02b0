package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.certs.EncryptionCertificates.Certificate;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.CertificateUpdate;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphSubscription;
import dev.beacon.control.graph.NewSubscription;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.lifecycle.LifecycleHandler;
import dev.beacon.control.lifecycle.RetryLaterException;
import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Graph hold exactly the subscriptions an integration desires ({@link IntegrationStore#desired}), keeps them
 * alive, and reacts to Graph's lifecycle notifications.
 *
 * <p>Per desired subscription, each {@link #reconcile} pass:
 * <ul>
 *   <li>creates it if missing, always with a {@code lifecycleNotificationUrl} (Graph requires one beyond an hour
 *       and it cannot be added later) and a fresh clientState; with resource data, the integration's current
 *       encryption certificate;</li>
 *   <li>renews it once about half of its remaining lifetime has passed
 *       ({@code now >= lastRenewal + (expiresAt - lastRenewal) / 2}) to {@code now + lifetime}, moving it to the
 *       current certificate when keys were rotated;</li>
 *   <li>when Graph has lost it (404 on renew, or past its expiry) records a delivery gap from the last moment we
 *       knew it worked, recreates it, and closes the gap;</li>
 *   <li>honours Retry-After ({@code next_attempt_at}) and backs off (jittered, exponential) after failures.</li>
 * </ul>
 * Subscriptions no longer desired are deleted in Graph. A 403 on create (quota) flags the integration
 * {@code quota-exceeded} and stops the pass; a missing sign-in flags {@code needs-interaction}.
 *
 * <p>One pass per integration at a time in this process (a lock per integration); across replicas the
 * integration lease guarantees it.
 */
public final class SubscriptionReconciler implements LifecycleHandler {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

    /**
     * @param backoff      waits after failures, by failure count (default 1 min doubling to 1 h, full jitter)
     * @param missedWindow for a {@code missed} event when we know no earlier notification of the subscription: the
     *                     gap is taken to start this long before the event (default 1 h). Graph does not say what
     *                     was missed, so the backfill needs a bounded window rather than "since ever".
     */
    public record Settings(Backoff backoff, Duration missedWindow) {
        public static Settings defaults() {
            return new Settings(new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), new SecureRandom()),
                    Duration.ofHours(1));
        }
    }

    private enum Step { DONE, QUOTA }

    /** Creation attempts that failed: no row exists to hold {@code next_attempt_at}, so kept in memory. */
    private record PendingCreate(Instant notBefore, int failures) {}

    private final IntegrationStore integrations;
    private final SubscriptionStore subscriptions;
    private final GapStore gaps;
    private final ClientStates clientStates;
    private final EncryptionCertificates certificates;
    private final GraphClient graph;
    private final TokenSource tokens;
    private final Runnable secretsChanged;
    private final Settings settings;
    private final Clock clock;
    private final ReconcilerCounters counters = new ReconcilerCounters();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, PendingCreate> pendingCreates = new ConcurrentHashMap<>();
    private final IngressWebhookUrls webhookUrls;
    /** Integrations already warned about a missing BEACON_INGRESS_PUBLIC_URL: once, not every pass. */
    private final Set<String> warnedPublicUrlMissing = ConcurrentHashMap.newKeySet();

    /**
     * @param secretsChanged called whenever the job's secrets changed (new clientState, new or deleted key),
     *                       typically {@code JobSecretsExport::export}
     */
    public SubscriptionReconciler(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                                  ClientStates clientStates, EncryptionCertificates certificates, GraphClient graph,
                                  TokenSource tokens, Runnable secretsChanged, Settings settings, Clock clock) {
        this(integrations, subscriptions, gaps, clientStates, certificates, graph, tokens, secretsChanged, settings,
                clock, IngressWebhookUrls.none());
    }

    /**
     * @param webhookUrls resolves the {@code ingress} shorthand of desired subscriptions when they are built, from
     *                    {@code BEACON_INGRESS_PUBLIC_URL}
     */
    public SubscriptionReconciler(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                                  ClientStates clientStates, EncryptionCertificates certificates, GraphClient graph,
                                  TokenSource tokens, Runnable secretsChanged, Settings settings, Clock clock,
                                  IngressWebhookUrls webhookUrls) {
        this.webhookUrls = webhookUrls;
        this.integrations = integrations;
        this.subscriptions = subscriptions;
        this.gaps = gaps;
        this.clientStates = clientStates;
        this.certificates = certificates;
        this.graph = graph;
        this.tokens = tokens;
        this.secretsChanged = secretsChanged;
        this.settings = settings;
        this.clock = clock;
    }

    public ReconcilerCounters counters() {
        return counters;
    }

    /** What one pass (or one ops action) did so far; mutable, turned into a {@link ReconcileReport}. */
    private static final class Tally {
        int created, renewed, recreated, adopted, deleted, deferred, failed;
        boolean secretsChanged;

        ReconcileReport report(String integrationId, String outcome) {
            return new ReconcileReport(integrationId, created, renewed, recreated, adopted, deleted, deferred, failed,
                    outcome);
        }
    }

    /** The integration, its token and (lazily) its certificate, for one pass or action. */
    private final class Pass {
        final String integrationId;
        final GraphToken token;
        final Tally tally = new Tally();
        Certificate certificate;

        Pass(String integrationId, GraphToken token) {
            this.integrationId = integrationId;
            this.token = token;
        }

        Certificate certificate() {
            if (certificate == null) {
                boolean had = certificates.existing(integrationId).isPresent();
                Optional<Certificate> rotated = certificates.rotateIfDue(integrationId);
                certificate = rotated.orElseGet(() -> certificates.current(integrationId));
                if (!had || rotated.isPresent()) {
                    tally.secretsChanged = true;
                }
            }
            return certificate;
        }
    }

    // ---- reconcile ------------------------------------------------------------------------------------------------

    public ReconcileReport reconcile(String integrationId) {
        synchronized (lock(integrationId)) {
            Optional<Integration> integration = integrations.get(integrationId);
            if (integration.isEmpty()) {
                return new Tally().report(integrationId, "unknown integration");
            }
            if (integration.get().status() == IntegrationStatus.DISABLED) {
                return new Tally().report(integrationId, "disabled");
            }
            Pass pass;
            try {
                pass = new Pass(integrationId, tokens.graphToken(integrationId));
            } catch (SignInRequiredException e) {
                return signInRequired(integrationId, new Tally(), e);
            }
            String outcome = "ok";
            boolean invalidDesired = false;
            List<DesiredSubscription> desired = integrations.desired(integrationId);
            Map<String, Row> active = new LinkedHashMap<>();
            List<Row> duplicates = new ArrayList<>();
            for (Row r : subscriptions.active(integrationId)) { // newest first: keep the newest per desired entry
                if (active.putIfAbsent(r.desiredResource(), r) != null) {
                    duplicates.add(r);
                }
            }
            try {
                for (DesiredSubscription d : desired) {
                    try {
                        // Taken before resolving: a desired entry with a problem must not delete its subscription.
                        Row row = active.remove(d.resource());
                        if (reconcileOne(pass, webhookUrls.resolve(d), row) == Step.QUOTA) {
                            outcome = "quota exceeded";
                            break;
                        }
                    } catch (IngressWebhookUrls.PublicUrlMissing e) {
                        // A setting of this process, not of the integration: say it once, keep the status.
                        invalidDesired = true;
                        pass.tally.failed++;
                        if (warnedPublicUrlMissing.add(integrationId)) {
                            log.warn("{}; its subscriptions are neither created nor moved until it is set",
                                    e.getMessage());
                        }
                        integrations.setStatus(integrationId, IntegrationStatus.ERROR, e.getMessage());
                    } catch (IllegalArgumentException e) {
                        // A bad desired entry (URL, {user} without a user) must not stop the others.
                        invalidDesired = true;
                        pass.tally.failed++;
                        log.warn("Integration {}: desired subscription {} is invalid: {}", integrationId,
                                d.resource(), e.getMessage());
                        integrations.setStatus(integrationId, IntegrationStatus.ERROR,
                                "desired subscription " + d.resource() + ": " + e.getMessage());
                    }
                }
                if (outcome.equals("ok")) {
                    List<Row> unwanted = new ArrayList<>(active.values());
                    unwanted.addAll(duplicates);
                    for (Row r : unwanted) {
                        deleteInGraph(pass, r);
                    }
                }
            } catch (SignInRequiredException e) {
                return signInRequired(integrationId, pass.tally, e);
            } finally {
                housekeeping(pass.tally);
            }
            IntegrationStatus status = integrations.require(integrationId).status();
            if (outcome.equals("ok") && !invalidDesired
                    && (status == IntegrationStatus.QUOTA_EXCEEDED || status == IntegrationStatus.ERROR)) {
                integrations.setStatus(integrationId, IntegrationStatus.ACTIVE, null);
            }
            ReconcileReport report = pass.tally.report(integrationId, outcome);
            if (report.changedAnything()) {
                log.info("Reconciled {}: {}", integrationId, report);
            } else {
                log.debug("Reconciled {}: nothing to do", integrationId);
            }
            return report;
        }
    }

    private Step reconcileOne(Pass pass, DesiredSubscription d, Row row) throws SignInRequiredException {
        DeliveryTarget.parse(d.notificationUrl());
        DeliveryTarget.parse(d.effectiveLifecycleUrl());
        String resource = resolve(d.resource(), pass.token);
        Instant now = clock.instant();
        if (row == null) {
            return create(pass, d, resource, false);
        }
        if (row.nextAttemptAt() != null && now.isBefore(row.nextAttemptAt())) {
            pass.tally.deferred++;
            return Step.DONE;
        }
        if (!matches(row, d, resource)) {
            // Graph cannot PATCH resource, changeType or lifecycleNotificationUrl: replace the subscription.
            log.info("Subscription {} of {} no longer matches its desired entry; replacing it", row.subscriptionId(),
                    pass.integrationId);
            if (deleteInGraph(pass, row)) {
                pass.tally.deleted--; // a replacement, counted as recreated
            }
            return create(pass, d, resource, true);
        }
        if (!now.isBefore(row.expiresAt())) {
            // Graph deletes subscriptions that were not renewed in time.
            return recreateAfterLoss(pass, d, row, GapStore.EXPIRED, lastKnownGood(row));
        }
        boolean moveKey = d.includeResourceData()
                && !pass.certificate().id().equals(row.encryptionCertificateId());
        if (moveKey || renewalDue(row, now)) {
            return renew(pass, d, row);
        }
        return Step.DONE;
    }

    /** About half of the remaining lifetime has passed since the last renewal (or creation). */
    static boolean renewalDue(Row row, Instant now) {
        Instant last = row.lastConfirmedAt();
        Duration half = Duration.between(last, row.expiresAt()).dividedBy(2);
        return !now.isBefore(last.plus(half));
    }

    private Step renew(Pass pass, DesiredSubscription d, Row row) throws SignInRequiredException {
        Instant now = clock.instant();
        Instant target = now.plus(Duration.ofMinutes(d.lifetimeMinutes()));
        Optional<CertificateUpdate> update = Optional.empty();
        String certificateId = row.encryptionCertificateId();
        if (d.includeResourceData() && !pass.certificate().id().equals(row.encryptionCertificateId())) {
            update = Optional.of(new CertificateUpdate(pass.certificate().base64(), pass.certificate().id()));
            certificateId = pass.certificate().id();
        }
        try {
            GraphSubscription g = graph.renew(pass.integrationId, row.subscriptionId(), target, update);
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

    /** Graph no longer has {@code row}: gap from {@code from} (open until the new one exists), then recreate. */
    private Step recreateAfterLoss(Pass pass, DesiredSubscription d, Row row, String reason, Instant from)
            throws SignInRequiredException {
        recordLoss(pass.integrationId, row, reason, from);
        pass.tally.secretsChanged = true; // its clientState will be retired
        if (d == null) {
            return Step.DONE;
        }
        return create(pass, d, resolve(d.resource(), pass.token), true);
    }

    /** Marks {@code row} removed and opens a delivery gap from {@code from}; a later pass recreates it. */
    private void recordLoss(String integrationId, Row row, String reason, Instant from) {
        subscriptions.setState(row.subscriptionId(), SubscriptionStore.REMOVED);
        gaps.open(integrationId, row.resource(), row.subscriptionId(), from, reason);
        counters.gapsOpened.incrementAndGet();
        log.warn("Subscription {} of {} is gone from Graph ({}); delivery gap from {}, recreating",
                row.subscriptionId(), integrationId, reason, from);
    }

    private Step create(Pass pass, DesiredSubscription d, String resource, boolean recreation)
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
            if (e.forbidden()) {
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
     */
    private void adoptConflicting(Pass pass, NewSubscription request) throws GraphException, SignInRequiredException {
        GraphSubscription existing = graph.list(pass.integrationId).stream()
                .filter(s -> s.sameTarget(request.resource(), request.changeType(), request.notificationUrl()))
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
    private boolean deleteInGraph(Pass pass, Row row) throws SignInRequiredException {
        try {
            graph.delete(pass.integrationId, row.subscriptionId());
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

    private void recordFailure(Pass pass, Row row, GraphException e) {
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

    // ---- lifecycle events -----------------------------------------------------------------------------------------

    @Override
    public String handle(LifecycleEvent event) {
        counters.lifecycleEvents.incrementAndGet();
        Optional<Row> found = subscriptions.find(event.subscriptionId());
        if (found.isEmpty()) {
            log.info("Lifecycle event {} for unknown subscription {}: ignored", event.lifecycleEvent(),
                    event.subscriptionId());
            return "ignored: unknown subscription " + event.subscriptionId();
        }
        String integrationId = found.get().integrationId();
        synchronized (lock(integrationId)) {
            Row row = subscriptions.find(event.subscriptionId()).orElseThrow();
            Tally tally = new Tally();
            try {
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
            } catch (SignInRequiredException e) {
                signInRequired(integrationId, tally, e);
                return "sign-in required: " + e.getMessage();
            } finally {
                housekeeping(tally);
            }
        }
    }

    private String reauthorize(String integrationId, Row row, Tally tally) throws SignInRequiredException {
        if (!row.active()) {
            return "ignored: subscription " + row.subscriptionId() + " is " + row.state();
        }
        Pass pass = new Pass(integrationId, tokens.graphToken(integrationId));
        DesiredSubscription d = desiredFor(row).orElse(null);
        try {
            graph.reauthorize(integrationId, row.subscriptionId());
            subscriptions.succeeded(row.subscriptionId());
            return "reauthorized " + row.subscriptionId();
        } catch (GraphException e) {
            if (e.notFound()) {
                recreateAfterLoss(pass, d, row, GapStore.NOT_FOUND, lastKnownGood(row));
                tally.secretsChanged |= pass.tally.secretsChanged;
                return "subscription " + row.subscriptionId() + " was gone; recreated";
            }
            if (e.transientFailure()) {
                // Graph is down or throttling: leave the event unhandled so the lifecycle consumer retries it (a
                // renewal now would fail the same way); the consumer logs and counts the outage once.
                if (e.throttled() && e.retryAfter().isPresent()) {
                    recordFailure(pass, row, e); // Graph said when: the reconciler's own passes wait as well
                }
                throw new RetryLaterException("reauthorize of " + row.subscriptionId() + " failed: HTTP "
                        + e.status(), e.retryAfter().orElse(null), e);
            }
            if (d == null) {
                recordFailure(pass, row, e);
                return "reauthorize failed: " + e.getMessage();
            }
            // Graph refuses to reauthorize close to expiry; a renewal (PATCH) also reauthorizes.
            log.info("Reauthorize of {} failed ({}); renewing instead", row.subscriptionId(), e.getMessage());
            renew(pass, d, row);
            tally.secretsChanged |= pass.tally.secretsChanged;
            return pass.tally.renewed > 0 ? "renewed " + row.subscriptionId() + " instead of reauthorize"
                    : "reauthorize and renew failed for " + row.subscriptionId();
        }
    }

    private String removed(String integrationId, Row row, LifecycleEvent event, Tally tally)
            throws SignInRequiredException {
        if (!row.active()) {
            return "ignored: subscription " + row.subscriptionId() + " is already " + row.state();
        }
        Optional<DesiredSubscription> d = desiredFor(row);
        GraphToken token;
        try {
            token = tokens.graphToken(integrationId);
        } catch (SignInRequiredException e) {
            // Record the loss anyway: after the sign-in the next pass recreates it (and closes the gap). Without
            // this the event would be lost until a renewal, up to a day and a half later, met a 404.
            recordLoss(integrationId, row, GapStore.REMOVED, event.receivedAt());
            tally.secretsChanged = true;
            throw e;
        }
        Pass pass = new Pass(integrationId, token);
        recreateAfterLoss(pass, d.orElse(null), row, GapStore.REMOVED, event.receivedAt());
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

    // ---- ops actions ----------------------------------------------------------------------------------------------

    /**
     * Renews now, whatever the schedule says.
     *
     * @throws IllegalArgumentException for an unknown or inactive subscription
     * @throws IllegalStateException when no token can be had (the integration is flagged)
     */
    public SubscriptionView renewNow(String subscriptionId) {
        Row row = subscriptions.find(subscriptionId)
                .orElseThrow(() -> new IllegalArgumentException("no subscription " + subscriptionId));
        if (!row.active()) {
            throw new IllegalArgumentException("subscription " + subscriptionId + " is " + row.state());
        }
        synchronized (lock(row.integrationId())) {
            Tally tally = new Tally();
            try {
                Pass pass = new Pass(row.integrationId(), tokens.graphToken(row.integrationId()));
                DesiredSubscription d = desiredFor(row).orElse(new DesiredSubscription(row.integrationId(),
                        row.desiredResource(), row.changeTypes(), row.notificationUrl(),
                        row.lifecycleNotificationUrl(), row.encryptionCertificateId() != null,
                        DesiredSubscription.MAX_LIFETIME_MINUTES));
                renew(pass, d, subscriptions.find(subscriptionId).orElseThrow());
                tally.secretsChanged = pass.tally.secretsChanged;
            } catch (SignInRequiredException e) {
                signInRequired(row.integrationId(), tally, e);
                throw new IllegalStateException("integration " + row.integrationId() + " needs a sign-in: "
                        + e.getMessage());
            } finally {
                housekeeping(tally);
            }
        }
        return subscriptions.view(subscriptionId).orElseThrow();
    }

    /**
     * Deletes in Graph (already gone is fine) and marks it deleted; a later pass recreates it if still desired.
     *
     * @return false for an unknown subscription
     * @throws IllegalStateException when Graph refuses or no token can be had
     */
    public boolean delete(String subscriptionId) {
        Optional<Row> found = subscriptions.find(subscriptionId);
        if (found.isEmpty()) {
            return false;
        }
        Row row = found.get();
        synchronized (lock(row.integrationId())) {
            Tally tally = new Tally();
            try {
                if (row.active()) {
                    try {
                        graph.delete(row.integrationId(), subscriptionId);
                    } catch (GraphException e) {
                        if (!e.notFound()) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    }
                }
                subscriptions.setState(subscriptionId, SubscriptionStore.DELETED);
                counters.deletions.incrementAndGet();
                tally.secretsChanged = true;
                return true;
            } catch (SignInRequiredException e) {
                signInRequired(row.integrationId(), tally, e);
                throw new IllegalStateException("integration " + row.integrationId() + " needs a sign-in: "
                        + e.getMessage());
            } finally {
                housekeeping(tally);
            }
        }
    }

    /** New certificate, re-export, then a pass that moves the integration's subscriptions to it. */
    public List<CertificateView> rotateCertificates(String integrationId) {
        synchronized (lock(integrationId)) {
            certificates.rotate(integrationId);
            secretsChanged.run();
            reconcile(integrationId);
        }
        return certificates.views(integrationId);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Retires unused clientStates and keys, and re-exports the job's secrets when anything changed. */
    private void housekeeping(Tally tally) {
        boolean changed = tally.secretsChanged;
        changed |= clientStates.retireUnused() > 0;
        changed |= !certificates.purgeRetired().isEmpty();
        if (changed) {
            secretsChanged.run();
        }
    }

    private ReconcileReport signInRequired(String integrationId, Tally tally, SignInRequiredException e) {
        IntegrationStatus status = integrations.get(integrationId).map(Integration::status).orElse(null);
        // Sign-in code may already have set a more precise status (needs-sign-in); keep it.
        if (status != null && !status.needsHuman()) {
            integrations.setStatus(integrationId, IntegrationStatus.NEEDS_INTERACTION, e.getMessage());
        }
        log.warn("Integration {}: no Graph token without a human: {}", integrationId, e.getMessage());
        return tally.report(integrationId, "sign-in required");
    }

    /** The last moment we know the subscription delivered or was confirmed by Graph. */
    private Instant lastKnownGood(Row row) {
        Instant confirmed = row.lastConfirmedAt();
        return subscriptions.lastNotificationAt(row.subscriptionId())
                .filter(confirmed::isBefore)
                .orElse(confirmed);
    }

    private Optional<DesiredSubscription> desiredFor(Row row) {
        try {
            return integrations.desired(row.integrationId()).stream()
                    .filter(d -> d.resource().equals(row.desiredResource()))
                    .findFirst()
                    .map(webhookUrls::resolve);
        } catch (IngressWebhookUrls.PublicUrlMissing e) {
            return Optional.empty(); // the next pass reports it
        }
    }

    private static boolean matches(Row row, DesiredSubscription d, String resource) {
        return row.resource().equals(resource)
                && row.changeTypes().equals(d.changeTypes())
                && row.notificationUrl().equals(d.notificationUrl())
                && row.lifecycleNotificationUrl().equals(d.effectiveLifecycleUrl())
                && (row.encryptionCertificateId() != null) == d.includeResourceData();
    }

    /** Replaces {@code {user}} with the signed-in account's object id. */
    static String resolve(String resource, GraphToken token) {
        if (!resource.contains("{user}")) {
            return resource;
        }
        if (token.userObjectId() == null || token.userObjectId().isBlank()) {
            throw new IllegalArgumentException("resource " + resource + " needs {user}, but the token is app-only");
        }
        return resource.replace("{user}", token.userObjectId());
    }

    private Object lock(String integrationId) {
        return locks.computeIfAbsent(integrationId, k -> new Object());
    }
}
