package dev.beacon.control.directory;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.backfill.LeaseGuard;
import dev.beacon.control.backfill.RequestPacer;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.kafka.AckedSends;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.store.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory enrichment's control-plane half: per integration, Graph's {@code /users/delta} (with the integration's
 * token) published as {@code DirectoryUserRecord}s to the compacted {@link ReferenceTopics#DIRECTORY} topic, removed
 * users as tombstones; the delta link is saved in {@code directory_sync} only after Kafka acknowledged the round.
 * A full sync also tombstones the tenant's users still on the topic that Graph no longer lists.
 *
 * <p>{@code ControlPlane} calls {@link #runIfDue} in the leader's round after the backfill, on the leader-loop thread
 * (never concurrently with the reconcile's token refresh). Due every {@code BEACON_DIRECTORY_SYNC_INTERVAL}, or at
 * once when ops asked ({@link #request}). A 403 (the app lacks {@code User.Read.All}) records {@code not-permitted}
 * with one WARN and waits for the next interval; a delta link Graph no longer knows (410) starts a full sync; other
 * failures keep the delta link and back off (never before Graph's Retry-After). Logs carry ids and counts, never a
 * user's data or the delta link.
 */
public final class DirectorySync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

    public static final String OK = "ok";
    public static final String NOT_PERMITTED = "not-permitted";
    public static final String THROTTLED = "throttled";
    public static final String GRAPH_FAILED = "graph-failed";
    public static final String SIGN_IN_REQUIRED = "sign-in-required";
    public static final String PUBLISH_FAILED = "publish-failed";
    public static final String FAILED = "failed";
    /** Another replica took the integration over mid-sync; it syncs, nothing is recorded here. */
    public static final String LEASE_LOST = "lease-lost";

    static final String PERMISSION_HINT = "Graph answered 403 to GET /users/delta: grant the app User.Read.All "
            + "(admin consent; User.ReadBasic.All gives names and UPNs only)";
    /** How often a long sync renews its lease: well within the default 30 s lease. */
    static final Duration LEASE_CHECK = Duration.ofSeconds(5);
    /** Graph's error codes for a delta token it no longer knows (besides HTTP 410). */
    private static final Set<String> EXPIRED_CODES = Set.of("resyncrequired", "syncstatenotfound",
            "syncstateinvalid");

    private final IntegrationStore integrations;
    private final DirectorySyncStore store;
    private final DirectoryDelta delta;
    private final DirectoryPublisher publisher;
    private final DirectoryTopicKeys topicKeys;
    private final DirectorySettings settings;
    private final DirectoryCounters counters;
    private final Clock clock;

    public DirectorySync(IntegrationStore integrations, DirectorySyncStore store, DirectoryDelta delta,
                         DirectoryPublisher publisher, DirectoryTopicKeys topicKeys, DirectorySettings settings,
                         DirectoryCounters counters, Clock clock) {
        this.integrations = integrations;
        this.store = store;
        this.delta = delta;
        this.publisher = publisher;
        this.topicKeys = topicKeys;
        this.settings = settings;
        this.counters = counters;
        this.clock = clock;
    }

    /** The sync as the control plane wires it: settings from {@code env}, its own producer to {@code bootstrap}. */
    public static DirectorySync create(Map<String, String> env, String bootstrap, Sql sql,
                                       IntegrationStore integrations, GraphClient graph, Clock clock) {
        DirectorySettings settings = DirectorySettings.fromEnv(env);
        return new DirectorySync(integrations, new DirectorySyncStore(sql),
                new DirectoryDelta(graph, RequestPacer.real(settings.ratePerSecond())),
                DirectoryPublisher.create(bootstrap),
                new DirectoryTopicKeys(bootstrap, ReferenceTopics.DIRECTORY, Duration.ofSeconds(60)), settings,
                new DirectoryCounters(clock), clock);
    }

    public DirectoryCounters counters() {
        return counters;
    }

    public DirectorySyncStore store() {
        return store;
    }

    /**
     * Due when ops asked, or (on a schedule) at the first round and each interval after the last attempt; after a
     * failure not before its retry time.
     */
    public boolean due(String integrationId) {
        DirectorySyncState s = store.get(integrationId);
        Instant now = clock.instant();
        if (s.requestedAt() != null) {
            return true;
        }
        if (s.nextAttemptAt() != null) {
            return !now.isBefore(s.nextAttemptAt());
        }
        return settings.scheduled()
                && (s.lastAttemptAt() == null || !now.isBefore(s.lastAttemptAt().plus(settings.interval())));
    }

    /** The leader's round: a sync when {@link #due}, renewing the lease and stopping if it is lost. */
    public Optional<DirectorySyncResult> runIfDue(String integrationId, BooleanSupplier renewLease) {
        return due(integrationId) ? Optional.of(run(integrationId, LeaseGuard.renewing(renewLease, LEASE_CHECK)))
                : Optional.empty();
    }

    /** Ops asked for a sync now: the leader runs it at its next round. */
    public DirectorySyncView request(String integrationId) {
        store.request(integrationId, clock.instant());
        return store.get(integrationId).view();
    }

    public DirectorySyncView view(String integrationId) {
        return store.get(integrationId).view();
    }

    /** Every integration with directory sync state. */
    public List<DirectorySyncView> views() {
        return store.all().stream().map(DirectorySyncState::view).toList();
    }

    /** One sync now, as if leading (tests). */
    public DirectorySyncResult run(String integrationId) {
        return run(integrationId, LeaseGuard.ALWAYS);
    }

    /** One sync now. Never throws: the result says what happened and the row records it. */
    public DirectorySyncResult run(String integrationId, LeaseGuard lease) {
        Instant started = clock.instant();
        Integration integration = integrations.require(integrationId);
        DirectorySyncState state = store.get(integrationId);
        counters.lastSyncedAt(integrationId, state.lastSyncedAt());
        AtomicLong published = new AtomicLong();
        Set<String> present = new HashSet<>(); // users a full sync saw
        DirectoryDelta.PageSink sink = changes -> {
            publisher.publish(changes);
            published.addAndGet(changes.size());
            changes.forEach(c -> {
                if (c.tombstone()) {
                    present.remove(c.key());
                } else {
                    present.add(c.key());
                }
            });
        };
        boolean full = state.deltaPath() == null;
        boolean forgetDelta = false;
        int requests = 0;
        try {
            DirectoryDelta.Round round;
            try {
                round = delta.read(integration, state.deltaPath(), sink, lease);
            } catch (GraphException e) {
                if (full || !expired(e)) {
                    throw e;
                }
                log.info("integration {}: Graph no longer knows the directory delta link (HTTP {}); syncing the "
                        + "whole directory again", integrationId, e.status());
                full = true;
                forgetDelta = true;
                round = delta.read(integration, null, sink, lease);
            }
            requests = round.requests();
            if (full) {
                tombstoneAbsent(integration, present, sink, lease);
            }
            Instant finished = clock.instant();
            lease.check();
            store.succeeded(integrationId, started, finished, round.deltaPath(), published.get());
            counters.succeeded(integrationId, published.get(), finished);
            (published.get() > 0 ? log.atInfo() : log.atDebug()).log("integration {}: directory {} sync published "
                    + "{} record(s) ({} skipped without id) in {} request(s)", integrationId,
                    full ? "full" : "delta", published.get(), round.skipped(), round.requests());
            return new DirectorySyncResult(integrationId, OK, full, published.get(), round.requests());
        } catch (GraphException e) {
            if (e.forbidden()) {
                return notPermitted(integrationId, state, started, full, published.get());
            }
            String why = "HTTP " + e.status() + (e.code() == null ? "" : " " + e.code());
            return failed(integrationId, started, e.throttled() ? THROTTLED : GRAPH_FAILED, why,
                    e.retryAfter().orElse(Duration.ZERO), forgetDelta, full, published.get());
        } catch (SignInRequiredException e) {
            return failed(integrationId, started, SIGN_IN_REQUIRED, "no token", Duration.ZERO, forgetDelta, full,
                    published.get());
        } catch (AckedSends.NotAcknowledged e) {
            return failed(integrationId, started, PUBLISH_FAILED, e.getMessage(), Duration.ZERO, forgetDelta, full,
                    published.get());
        } catch (LeaseGuard.LeaseLostException e) {
            log.warn("integration {}: directory sync stopped: another replica leads the integration now",
                    integrationId);
            return new DirectorySyncResult(integrationId, LEASE_LOST, full, published.get(), requests);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(integrationId, started, FAILED, "interrupted", Duration.ZERO, forgetDelta, full,
                    published.get());
        } catch (IllegalStateException e) {
            // Ours and the GraphClient's: they name topics and links' shapes, never data.
            return failed(integrationId, started, FAILED, e.getMessage(), Duration.ZERO, forgetDelta, full,
                    published.get());
        } catch (RuntimeException e) {
            return failed(integrationId, started, FAILED, e.getClass().getSimpleName(), Duration.ZERO, forgetDelta,
                    full, published.get());
        }
    }

    /**
     * After a full sync: users still live on the topic that Graph no longer has get a tombstone (a full round
     * reports no deletions, so a user deleted while the delta link was lost would stay for good).
     */
    private void tombstoneAbsent(Integration integration, Set<String> present, DirectoryDelta.PageSink sink,
                                 LeaseGuard lease) throws AckedSends.NotAcknowledged,
            LeaseGuard.LeaseLostException {
        List<DirectoryChange> gone = topicKeys.live(ReferenceTopics.directoryKey(integration.tenantId(), "")).stream()
                .filter(k -> !present.contains(k)).map(k -> new DirectoryChange(k, null)).toList();
        if (!gone.isEmpty()) {
            lease.check();
            sink.accept(gone);
            log.info("integration {}: {} user(s) on {} are no longer in the directory; tombstoned",
                    integration.id(), gone.size(), ReferenceTopics.DIRECTORY);
        }
    }

    /** No permission: not an error to retry soon; ops must grant it. One WARN, then quiet until it changes. */
    private DirectorySyncResult notPermitted(String integrationId, DirectorySyncState before, Instant started,
                                             boolean full, long published) {
        Duration wait = settings.scheduled() ? settings.interval() : DirectorySettings.DEFAULT_INTERVAL;
        Instant next = clock.instant().plus(wait);
        record(() -> store.failed(integrationId, started, NOT_PERMITTED, PERMISSION_HINT, next, false));
        counters.failed(integrationId);
        if (NOT_PERMITTED.equals(before.status())) {
            log.debug("integration {}: directory sync still not permitted; next attempt at {}", integrationId, next);
        } else {
            log.warn("integration {}: directory sync not permitted: {}; facts go without directory data, next "
                    + "attempt at {}", integrationId, PERMISSION_HINT, next);
        }
        return new DirectorySyncResult(integrationId, NOT_PERMITTED, full, published, 0);
    }

    private DirectorySyncResult failed(String integrationId, Instant started, String status, String why,
                                       Duration retryAfter, boolean forgetDelta, boolean full, long published) {
        int failures = store.get(integrationId).consecutiveFailures() + 1;
        Duration wait = settings.retryAfterFailures(failures);
        if (retryAfter.compareTo(wait) > 0) {
            wait = retryAfter;
        }
        Instant next = clock.instant().plus(wait);
        record(() -> store.failed(integrationId, started, status, why, next, forgetDelta));
        counters.failed(integrationId);
        log.warn("integration {}: directory sync failed ({}: {}); delta link {}, next attempt at {}", integrationId,
                status, why, forgetDelta ? "dropped (full sync next)" : "kept", next);
        return new DirectorySyncResult(integrationId, status, full, published, 0);
    }

    private static void record(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            // The database is the problem: nothing moved, the next round tries again.
        }
    }

    static boolean expired(GraphException e) {
        return e.status() == 410 || (e.code() != null && EXPIRED_CODES.contains(e.code().toLowerCase(Locale.ROOT)));
    }

    @Override
    public void close() {
        publisher.close();
    }
}
