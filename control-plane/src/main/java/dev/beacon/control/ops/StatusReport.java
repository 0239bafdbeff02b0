package dev.beacon.control.ops;

import dev.beacon.control.directory.DirectorySyncView;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/status} and {@code beaconctl status}: everything ops need to see at a glance, from the database
 * (so every replica reports the same), plus which replica answered. {@code backfills}: one per integration the
 * backfill has state for (empty when the backfill does not run). {@code directorySyncs}: one per integration the directory sync has state for.
 * {@code hydration}: the answering replica's hydration consumer (not from the database), null when it does not run.
 */
public record StatusReport(
        Instant generatedAt,
        String replicaId,
        List<IntegrationView> integrations,
        List<TokenView> tokens,
        List<SubscriptionView> subscriptions,
        List<GapView> openGaps,
        List<CertificateView> certificates,
        List<BackfillView> backfills,
        List<DirectorySyncView> directorySyncs,
        HydrationView hydration) {

    /** A report without hydration (the replica runs no hydration consumer). */
    public StatusReport(Instant generatedAt, String replicaId, List<IntegrationView> integrations,
                        List<TokenView> tokens, List<SubscriptionView> subscriptions, List<GapView> openGaps,
                        List<CertificateView> certificates, List<BackfillView> backfills,
                        List<DirectorySyncView> directorySyncs) {
        this(generatedAt, replicaId, integrations, tokens, subscriptions, openGaps, certificates, backfills,
                directorySyncs, null);
    }

    /** A report without directory sync state. */
    public StatusReport(Instant generatedAt, String replicaId, List<IntegrationView> integrations,
                        List<TokenView> tokens, List<SubscriptionView> subscriptions, List<GapView> openGaps,
                        List<CertificateView> certificates, List<BackfillView> backfills) {
        this(generatedAt, replicaId, integrations, tokens, subscriptions, openGaps, certificates, backfills,
                List.of());
    }

    /** A report without backfill state (no Kafka configured: no backfill). */
    public StatusReport(Instant generatedAt, String replicaId, List<IntegrationView> integrations,
                        List<TokenView> tokens, List<SubscriptionView> subscriptions, List<GapView> openGaps,
                        List<CertificateView> certificates) {
        this(generatedAt, replicaId, integrations, tokens, subscriptions, openGaps, certificates, List.of());
    }

    public StatusReport {
        backfills = backfills == null ? List.of() : List.copyOf(backfills);
        directorySyncs = directorySyncs == null ? List.of() : List.copyOf(directorySyncs);
    }
}
