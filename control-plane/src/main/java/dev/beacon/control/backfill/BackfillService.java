package dev.beacon.control.backfill;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.BackfillView;
import dev.beacon.control.signin.TokenSource;
import dev.beacon.control.store.Sql;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The backfill as the control plane wires it: its {@link Backfiller}, the {@link BackfillScheduler} its rounds run
 * on, the Kafka publisher it owns, and the views ops see. {@code ControlPlane} triggers {@link #runIfDue} in each
 * leader round after the reconcile; the round runs on the scheduler's pool, so a slow or throttled integration delays
 * neither the leader loop nor another integration's backfill, and at most one run per integration is in progress.
 * A run may overlap its integration's next reconcile: token refreshes are serialized per integration in
 * {@code GraphTokens}, so a refresh token is never used twice. A long run renews its integration's lease itself
 * ({@link LeaseGuard}) and stops if another replica took over; its time budget bounds it.
 */
public final class BackfillService implements AutoCloseable {

    /** How often a run renews its lease: well within the default 30 s lease. */
    static final java.time.Duration LEASE_CHECK = java.time.Duration.ofSeconds(5);

    private final Backfiller backfiller;
    private final BackfillCursorStore cursors;
    private final FetchedMessagePublisher publisher;
    private final BackfillScheduler scheduler;

    public BackfillService(Backfiller backfiller, BackfillCursorStore cursors, FetchedMessagePublisher publisher,
                           BackfillScheduler scheduler) {
        this.backfiller = backfiller;
        this.cursors = cursors;
        this.publisher = publisher;
        this.scheduler = scheduler;
    }

    /** A service publishing to {@code bootstrap} with its own producer; settings from {@code env}. */
    public static BackfillService create(Map<String, String> env, String bootstrap, Sql sql,
                                         IntegrationStore integrations, EncryptionCertificates certificates,
                                         Supplier<byte[]> signingKey, GraphClient graph, TokenSource tokens,
                                         Clock clock) {
        BackfillSettings settings = BackfillSettings.fromEnv(env);
        BackfillCursorStore cursors = new BackfillCursorStore(sql);
        FetchedMessagePublisher publisher = FetchedMessagePublisher.create(bootstrap, settings.topic(), certificates,
                signingKey, clock);
        MessageLister lister = new MessageLister(graph, tokens, RequestPacer.real(settings.ratePerSecond()),
                new BackfillUsers(sql, integrations, clock)::list, new TenantWideCoverage());
        return new BackfillService(new Backfiller(integrations, cursors, lister, publisher, settings,
                new BackfillCounters(), clock), cursors, publisher, new BackfillScheduler(settings.parallelism()));
    }

    public Backfiller backfiller() {
        return backfiller;
    }

    public BackfillCounters counters() {
        return backfiller.counters();
    }

    /**
     * The leader's round for one integration: a run when due, on the scheduler's pool (returns at once). While a
     * round of the integration is in progress, this one is coalesced into the single round that follows it.
     *
     * @param renewLease renews the integration's lease, false when another replica holds it
     */
    public void runIfDue(String integrationId, java.util.function.BooleanSupplier renewLease) {
        scheduler.trigger(integrationId,
                () -> backfiller.runIfDue(integrationId, LeaseGuard.renewing(renewLease, LEASE_CHECK)));
    }

    /** Integrations whose backfill round is in progress or queued in this replica. */
    public java.util.Set<String> inProgress() {
        return scheduler.inProgress();
    }

    /** Tests and the demo: waits until the triggered rounds are done; false when {@code timeout} passed first. */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        return scheduler.awaitIdle(timeout);
    }

    /** Ops: run at the leader's next round. */
    public BackfillView request(String integrationId) {
        backfiller.request(integrationId);
        return view(integrationId);
    }

    public BackfillView view(String integrationId) {
        return view(cursors.get(integrationId), cursors.pendingGaps(integrationId).size());
    }

    /** Every integration with backfill state. */
    public List<BackfillView> views() {
        Map<String, Long> pending = cursors.pendingGapCounts();
        return cursors.all().stream()
                .map(c -> view(c, pending.getOrDefault(c.integrationId(), 0L).intValue()))
                .collect(Collectors.toList());
    }

    private static BackfillView view(BackfillCursor c, int gapsAwaiting) {
        return new BackfillView(c.integrationId(), c.listedThrough(), c.lastRunAt(), c.lastOutcome(),
                c.lastSuccessAt(), c.messagesPublished(), c.consecutiveFailures(), c.nextAttemptAt(),
                c.requestedAt(), gapsAwaiting);
    }

    @Override
    public void close() {
        scheduler.close(); // first: no run publishes any more
        publisher.close();
    }
}
