package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.emergency.EmergencyEventResources;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.lifecycle.LifecycleHandler;
import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import dev.beacon.control.subscriptions.SubscriptionActions.Step;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>This class runs the passes, events and ops actions under the integration's lock; what to do with each
 * subscription is {@link SubscriptionPolicy}, doing it in Graph is {@link SubscriptionActions}, lifecycle events
 * are {@link LifecycleEventReactions}.
 *
 * <p>One pass per integration at a time in this process (a lock per integration); across replicas the
 * integration lease guarantees it.
 */
public final class SubscriptionReconciler implements LifecycleHandler {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

    private final IntegrationStore integrations;
    private final SubscriptionStore subscriptions;
    private final EncryptionCertificates certificates;
    private final TokenSource tokens;
    private final Runnable secretsChanged;
    private final Clock clock;
    private final ReconcilerCounters counters = new ReconcilerCounters();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final IngressWebhookUrls webhookUrls;
    private final SubscriptionActions actions;
    private final LifecycleEventReactions reactions;
    private final IntegrationStatusFlags flags;
    private final DesiredSource desired;

    /**
     * @param secretsChanged called whenever the job's secrets changed (new clientState, new or deleted key),
     *                       typically {@code JobSecretsExport::export}
     */
    public SubscriptionReconciler(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                                  ClientStates clientStates, EncryptionCertificates certificates, GraphClient graph,
                                  TokenSource tokens, Runnable secretsChanged, ReconcilerSettings settings,
                                  Clock clock) {
        this(integrations, subscriptions, gaps, clientStates, certificates, graph, tokens, secretsChanged, settings,
                clock, IngressWebhookUrls.none());
    }

    /**
     * @param webhookUrls resolves the {@code ingress} shorthand of desired subscriptions when they are built, from
     *                    {@code BEACON_INGRESS_PUBLIC_URL}
     */
    public SubscriptionReconciler(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                                  ClientStates clientStates, EncryptionCertificates certificates, GraphClient graph,
                                  TokenSource tokens, Runnable secretsChanged, ReconcilerSettings settings,
                                  Clock clock, IngressWebhookUrls webhookUrls) {
        this(integrations, subscriptions, gaps, clientStates, certificates, SubscriptionGraphs.of(graph), tokens,
                secretsChanged, settings, clock, webhookUrls, integrations::desired);
    }

    /**
     * @param graphs  the Graph client per resource (emergency events may use another Graph version)
     * @param desired what each integration desires: its stored entries plus derived ones (emergency policies)
     */
    public SubscriptionReconciler(IntegrationStore integrations, SubscriptionStore subscriptions, GapStore gaps,
                                  ClientStates clientStates, EncryptionCertificates certificates,
                                  SubscriptionGraphs graphs, TokenSource tokens, Runnable secretsChanged,
                                  ReconcilerSettings settings, Clock clock, IngressWebhookUrls webhookUrls,
                                  DesiredSource desired) {
        this.desired = desired;
        this.webhookUrls = webhookUrls;
        this.integrations = integrations;
        this.subscriptions = subscriptions;
        this.certificates = certificates;
        this.tokens = tokens;
        this.secretsChanged = secretsChanged;
        this.clock = clock;
        this.flags = new IntegrationStatusFlags(integrations);
        this.actions = new SubscriptionActions(integrations, subscriptions, gaps, clientStates, certificates, graphs,
                secretsChanged, settings, clock, counters);
        this.reactions = new LifecycleEventReactions(subscriptions, gaps, certificates, graphs, tokens, actions,
                settings, counters, this::desiredFor);
    }

    public ReconcilerCounters counters() {
        return counters;
    }

    // ---- reconcile ------------------------------------------------------------------------------------------------

    public ReconcileReport reconcile(String integrationId) {
        synchronized (lock(integrationId)) {
            Optional<Integration> integration = integrations.get(integrationId);
            if (integration.isEmpty()) {
                return new ReconcileTally().report(integrationId, "unknown integration");
            }
            if (integration.get().status() == IntegrationStatus.DISABLED) {
                return new ReconcileTally().report(integrationId, "disabled");
            }
            ReconcilePass pass;
            try {
                pass = new ReconcilePass(integrationId, tokens.graphToken(integrationId), certificates);
            } catch (SignInRequiredException e) {
                return flags.signInRequired(integrationId, new ReconcileTally(), e);
            }
            String outcome = "ok";
            boolean invalidDesired = false;
            List<DesiredSubscription> desired = this.desired.desired(integrationId);
            // newest first: keep the newest per desired entry
            SubscriptionPolicy.Held held = SubscriptionPolicy.Held.of(subscriptions.active(integrationId));
            try {
                for (DesiredSubscription d : desired) {
                    try {
                        // Taken before resolving: a desired entry with a problem must not delete its subscription.
                        Row row = held.newestByDesired().remove(d.resource());
                        if (reconcileOne(pass, webhookUrls.resolve(d), row) == Step.QUOTA) {
                            outcome = "quota exceeded";
                            break;
                        }
                    } catch (IngressWebhookUrls.PublicUrlMissing e) {
                        invalidDesired = true;
                        pass.tally.failed++;
                        flags.publicUrlMissing(integrationId, e);
                    } catch (IllegalArgumentException e) {
                        // A bad desired entry (URL, {user} without a user) must not stop the others.
                        invalidDesired = true;
                        pass.tally.failed++;
                        flags.invalidDesired(integrationId, d.resource(), e);
                    }
                }
                if (outcome.equals("ok")) {
                    for (Row r : held.unwanted()) {
                        actions.deleteInGraph(pass, r);
                    }
                }
            } catch (SignInRequiredException e) {
                return flags.signInRequired(integrationId, pass.tally, e);
            } finally {
                actions.housekeeping(pass.tally);
            }
            flags.settleAfterPass(integrationId, outcome.equals("ok") && !invalidDesired);
            ReconcileReport report = pass.tally.report(integrationId, outcome);
            if (report.changedAnything()) {
                log.info("Reconciled {}: {}", integrationId, report);
            } else {
                log.debug("Reconciled {}: nothing to do", integrationId);
            }
            return report;
        }
    }

    private Step reconcileOne(ReconcilePass pass, DesiredSubscription d, Row row) throws SignInRequiredException {
        DeliveryTarget.parse(d.notificationUrl());
        DeliveryTarget.parse(d.effectiveLifecycleUrl());
        String resource = SubscriptionPolicy.resolve(d.resource(), pass.token);
        return switch (SubscriptionPolicy.decide(d, resource, row, () -> pass.certificate().id(), clock.instant())) {
            case CREATE -> actions.create(pass, d, resource, false);
            case DEFER -> {
                pass.tally.deferred++;
                yield Step.DONE;
            }
            case REPLACE -> {
                // Graph cannot PATCH resource, changeType or lifecycleNotificationUrl: replace the subscription.
                log.info("Subscription {} of {} no longer matches its desired entry; replacing it",
                        row.subscriptionId(), pass.integrationId);
                if (actions.deleteInGraph(pass, row)) {
                    pass.tally.deleted--; // a replacement, counted as recreated
                }
                yield actions.create(pass, d, resource, true);
            }
            // Graph deletes subscriptions that were not renewed in time.
            case RECREATE_EXPIRED -> actions.recreateAfterLoss(pass, d, row, GapStore.EXPIRED,
                    actions.lastKnownGood(row));
            case RENEW -> actions.renew(pass, d, row);
            case KEEP -> Step.DONE;
        };
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
            ReconcileTally tally = new ReconcileTally();
            try {
                return reactions.react(integrationId, row, event, tally);
            } catch (SignInRequiredException e) {
                flags.signInRequired(integrationId, tally, e);
                return "sign-in required: " + e.getMessage();
            } finally {
                actions.housekeeping(tally);
            }
        }
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
            ReconcileTally tally = new ReconcileTally();
            try {
                ReconcilePass pass = new ReconcilePass(row.integrationId(), tokens.graphToken(row.integrationId()),
                        certificates);
                DesiredSubscription d = desiredFor(row).orElse(new DesiredSubscription(row.integrationId(),
                        row.desiredResource(), row.changeTypes(), row.notificationUrl(),
                        row.lifecycleNotificationUrl(), row.encryptionCertificateId() != null,
                        EmergencyEventResources.isEmergencyResource(row.resource())
                                ? EmergencyEventResources.MAX_LIFETIME_MINUTES
                                : DesiredSubscription.MAX_LIFETIME_MINUTES));
                actions.renew(pass, d, subscriptions.find(subscriptionId).orElseThrow());
                tally.secretsChanged = pass.tally.secretsChanged;
            } catch (SignInRequiredException e) {
                flags.signInRequired(row.integrationId(), tally, e);
                throw new IllegalStateException("integration " + row.integrationId() + " needs a sign-in: "
                        + e.getMessage());
            } finally {
                actions.housekeeping(tally);
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
            ReconcileTally tally = new ReconcileTally();
            try {
                actions.deleteNow(row, tally);
                return true;
            } catch (SignInRequiredException e) {
                flags.signInRequired(row.integrationId(), tally, e);
                throw new IllegalStateException("integration " + row.integrationId() + " needs a sign-in: "
                        + e.getMessage());
            } finally {
                actions.housekeeping(tally);
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

    /** The (resolved) desired entry {@code row} was made for; empty when no longer desired. */
    private Optional<DesiredSubscription> desiredFor(Row row) {
        try {
            return desired.desired(row.integrationId()).stream()
                    .filter(d -> d.resource().equals(row.desiredResource()))
                    .findFirst()
                    .map(webhookUrls::resolve);
        } catch (IngressWebhookUrls.PublicUrlMissing e) {
            return Optional.empty(); // the next pass reports it
        }
    }

    private Object lock(String integrationId) {
        return locks.computeIfAbsent(integrationId, k -> new Object());
    }
}
