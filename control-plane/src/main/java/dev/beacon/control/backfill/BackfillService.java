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
 * The backfill as the control plane wires it: its {@link Backfiller}, the Kafka publisher it owns, and the views ops
 * see. {@code ControlPlane} calls {@link #runIfDue} after each leader round's reconcile, on the leader-loop thread:
 * never concurrently with the reconcile, so the two never refresh the integration's token at the same time (Entra
 * rejects a refresh token used twice). A long run (many chats at the paced rate) renews its integration's lease
 * itself ({@link LeaseGuard}) and stops if another replica took over; it does delay the next integrations' rounds.
 */
public final class BackfillService implements AutoCloseable {

    /** How often a run renews its lease: well within the default 30 s lease. */
    static final java.time.Duration LEASE_CHECK = java.time.Duration.ofSeconds(5);

    private final Backfiller backfiller;
    private final BackfillCursorStore cursors;
    private final FetchedMessagePublisher publisher;

    public BackfillService(Backfiller backfiller, BackfillCursorStore cursors, FetchedMessagePublisher publisher) {
        this.backfiller = backfiller;
        this.cursors = cursors;
        this.publisher = publisher;
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
                new BackfillCounters(), clock), cursors, publisher);
    }

    public Backfiller backfiller() {
        return backfiller;
    }

    public BackfillCounters counters() {
        return backfiller.counters();
    }

    /**
     * The leader's round for one integration: a run when due.
     *
     * @param renewLease renews the integration's lease, false when another replica holds it
     */
    public void runIfDue(String integrationId, java.util.function.BooleanSupplier renewLease) {
        backfiller.runIfDue(integrationId, LeaseGuard.renewing(renewLease, LEASE_CHECK));
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
        publisher.close();
    }
}
