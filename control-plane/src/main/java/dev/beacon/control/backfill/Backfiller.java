package dev.beacon.control.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.kafka.AckedSends;
import dev.beacon.control.signin.SignInRequiredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfill for one integration: lists the messages modified since its cursor (minus an overlap; at first a look-back;
 * back to the start of any new delivery gap), publishes each as a {@code FetchedMessage} of origin
 * {@link Origin#BACKFILL} in modification order, and only then advances the cursor and marks the gaps it covered.
 * The job deduplicates, so re-publishing the overlap never makes a second fact; a message the notifications lost is
 * counted by the job as {@code recovered}.
 *
 * <p>A failed run (Graph 5xx, 429 beyond the inline Retry-After cap, no token, Kafka down) changes neither cursor
 * nor gaps; it is retried after a backoff (and never before Graph's Retry-After). Logs carry ids, counts and times,
 * never message content. Only the integration's leader calls {@link #runIfDue}, at most one run per integration
 * at a time ({@link BackfillScheduler}).
 *
 * <p>A run has a time budget ({@link BackfillSettings#maxRun}). Past it, the listing stops at a page boundary; the
 * run publishes what it found (acknowledged, as always), leaves cursor and gaps where they are (a per-chat listing
 * is newest first, so no instant before the window's end is fully listed yet) and keeps the window's progress in
 * memory: the next round lists the same window without the parts already done, and that run moves the cursor and
 * marks the gaps. A restart or another leader simply lists the window again from the cursor (at-least-once; the job
 * deduplicates).
 */
public final class Backfiller {

    private static final Logger log = LoggerFactory.getLogger(Backfiller.class);

    public static final String OK = "ok";
    public static final String THROTTLED = "throttled";
    public static final String GRAPH_FAILED = "graph-failed";
    public static final String SIGN_IN_REQUIRED = "sign-in-required";
    public static final String PUBLISH_FAILED = "publish-failed";
    public static final String FAILED = "failed";
    /** Another replica took the integration over mid-run; it does the work, nothing is recorded here. */
    public static final String LEASE_LOST = "lease-lost";
    /** The run's time budget was spent: what it found is published, the next round continues its window. */
    public static final String CUT_SHORT = "cut-short";
    /** The replica is shutting down (the run was interrupted): nothing recorded, as if the run never started. */
    public static final String STOPPED = "stopped";

    /** The window a run lists, the gaps it took in, and the cursor it was computed from. */
    private record Window(Instant from, Instant to, long considered, List<PendingGap> gaps, Instant cursor) {}

    /** A window cut short by the budget: the listing units done and the messages (chat/id/modified) published. */
    private record Resume(Window window, Set<String> units, Set<String> published) {}

    private final IntegrationStore integrations;
    private final BackfillCursorStore cursors;
    private final MessageLister lister;
    private final FetchedMessagePublisher publisher;
    private final BackfillSettings settings;
    private final BackfillCounters counters;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Resume> resumes = new ConcurrentHashMap<>();

    public Backfiller(IntegrationStore integrations, BackfillCursorStore cursors, MessageLister lister,
                      FetchedMessagePublisher publisher, BackfillSettings settings, BackfillCounters counters,
                      Clock clock) {
        this(integrations, cursors, lister, publisher, settings, counters, clock, System::nanoTime);
    }

    /** @param nanoTime measures the run budget (a monotonic clock; tests step it) */
    public Backfiller(IntegrationStore integrations, BackfillCursorStore cursors, MessageLister lister,
                      FetchedMessagePublisher publisher, BackfillSettings settings, BackfillCounters counters,
                      Clock clock, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.integrations = integrations;
        this.cursors = cursors;
        this.lister = lister;
        this.publisher = publisher;
        this.settings = settings;
        this.counters = counters;
        this.clock = clock;
    }

    public BackfillCounters counters() {
        return counters;
    }

    public BackfillCursorStore cursors() {
        return cursors;
    }

    /**
     * Due when ops asked for it, on the first round, when a gap awaits backfill that is closed or new since the last
     * run, or when the interval has passed; after a failure, not before its retry time (an ops request excepted).
     */
    public boolean due(String integrationId) {
        Instant now = clock.instant();
        BackfillCursor c = cursors.get(integrationId);
        if (c.requestedAt() != null || resumes.containsKey(integrationId) || CUT_SHORT.equals(c.lastOutcome())) {
            return true; // a window cut short continues at once (here, or from the cursor after a restart)
        }
        if (c.nextAttemptAt() != null && now.isBefore(c.nextAttemptAt())) {
            return false;
        }
        if (c.lastRunAt() == null || c.consecutiveFailures() > 0
                || !now.isBefore(c.lastRunAt().plus(settings.interval()))) {
            return true;
        }
        // An open gap already taken in is covered by the scheduled runs; a new or newly closed one needs a run now.
        return cursors.pendingGaps(integrationId).stream()
                .anyMatch(g -> !g.open() || g.gapId() > c.gapsConsideredThrough());
    }

    /** A run when {@link #due}, outside the leader loop (tests). */
    public Optional<BackfillResult> runIfDue(String integrationId) {
        return runIfDue(integrationId, LeaseGuard.ALWAYS);
    }

    /** The leader's round: a run when {@link #due}, stopping if the lease is lost meanwhile. */
    public Optional<BackfillResult> runIfDue(String integrationId, LeaseGuard lease) {
        return due(integrationId) ? Optional.of(run(integrationId, lease)) : Optional.empty();
    }

    /** Ops asked for a backfill now: the leader runs it at its next round. */
    public void request(String integrationId) {
        cursors.request(integrationId, clock.instant());
    }

    /** One run, now, as if leading. */
    public BackfillResult run(String integrationId) {
        return run(integrationId, LeaseGuard.ALWAYS);
    }

    /** One run, now. Never throws: the outcome says what happened and the cursor row records it. */
    public BackfillResult run(String integrationId, LeaseGuard lease) {
        counters.running(integrationId, true);
        try {
            return runNow(integrationId, lease);
        } finally {
            counters.running(integrationId, false);
        }
    }

    private BackfillResult runNow(String integrationId, LeaseGuard lease) {
        Instant started = clock.instant();
        RunBudget budget = RunBudget.of(settings.maxRun(), nanoTime);
        Integration integration = integrations.require(integrationId);
        Resume resume = resumes.remove(integrationId); // dropped by any outcome but another cut
        if (resume != null && !Objects.equals(resume.window().cursor(),
                cursors.get(integrationId).listedThrough())) {
            resume = null; // another replica led meanwhile and moved the cursor: its window, not this stale one
        }
        Window w = resume != null ? resume.window() : window(integrationId, started);
        Instant from = w.from();
        Instant to = w.to();
        int requests = 0;
        try {
            Listing listing = lister.list(integration, integrations.desired(integrationId), from, to, lease, budget,
                    resume == null ? Set.of() : resume.units());
            requests = listing.requests();
            if (!listing.missingChats().isEmpty()) {
                log.warn("integration {}: Graph has no chat {} (404: deleted, or the account left it); backfilled "
                        + "the others", integrationId, listing.missingChats());
            }
            Set<String> published = new HashSet<>(resume == null ? Set.of() : resume.published());
            int publishedNow = 0;
            for (ListedMessage m : listing.messages()) {
                if (!published.add(m.chatId() + "/" + m.messageId() + "/" + m.lastModified())) {
                    continue; // published by an earlier part of this window
                }
                lease.check();
                publisher.publish(Origin.BACKFILL, integrationId, integration.tenantId(), null, m.chatId(),
                        m.messageId(), json.writeValueAsBytes(m.json()));
                publishedNow++;
            }
            if (!listing.complete()) {
                return cutShort(integrationId, w, listing, published, publishedNow);
            }
            List<Long> covered = new ArrayList<>();
            for (PendingGap g : w.gaps()) {
                if (!g.open() && !g.to().isAfter(to)) {
                    covered.add(g.gapId());
                }
            }
            Instant finished = clock.instant();
            lease.check();
            // A request made after the window's end (e.g. while a cut window was continued) stays for a fresh window.
            cursors.succeeded(integrationId, to, to, finished, publishedNow, listing.skipped(),
                    w.considered(), covered);
            counters.succeeded(integrationId, publishedNow, listing.skipped(), finished);
            boolean news = publishedNow > 0 || !covered.isEmpty();
            (news ? log.atInfo() : log.atDebug()).log("integration {}: backfill {}..{} published {} message(s), "
                    + "skipped {}, {} request(s), {} gap(s) backfilled", integrationId, from, to,
                    publishedNow, listing.skipped(), listing.requests(), covered.size());
            return new BackfillResult(integrationId, OK, from, to, publishedNow, listing.skipped(),
                    listing.requests(), covered.size());
        } catch (GraphException e) {
            Duration asked = e.retryAfter().orElse(Duration.ZERO);
            return failed(integrationId, started, from, to, e.status() == 429 ? THROTTLED : GRAPH_FAILED,
                    "HTTP " + e.status() + (e.code() == null ? "" : " " + e.code()), asked, requests);
        } catch (SignInRequiredException e) {
            return failed(integrationId, started, from, to, SIGN_IN_REQUIRED, "no token", Duration.ZERO, requests);
        } catch (AckedSends.NotAcknowledged e) {
            return failed(integrationId, started, from, to, PUBLISH_FAILED, e.getClass().getSimpleName(),
                    Duration.ZERO, requests);
        } catch (LeaseGuard.LeaseLostException e) {
            log.warn("integration {}: backfill {}..{} stopped: another replica leads the integration now",
                    integrationId, from, to);
            return new BackfillResult(integrationId, LEASE_LOST, from, to, 0, 0, requests, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(integrationId, started, from, to, FAILED, "interrupted", Duration.ZERO, requests);
        } catch (JsonProcessingException | RuntimeException e) {
            return failed(integrationId, started, from, to, FAILED, e.getClass().getSimpleName(), Duration.ZERO,
                    requests);
        }
    }

    /**
     * The window of a new run: from the cursor (minus the overlap; at first the look-back), back to the start of any
     * gap not yet taken in, never before the max look-back; to now.
     */
    private Window window(String integrationId, Instant started) {
        Instant to = started.truncatedTo(ChronoUnit.MILLIS);
        BackfillCursor cursor = cursors.get(integrationId);
        List<PendingGap> gaps = cursors.pendingGaps(integrationId);
        Instant from = cursor.listedThrough() != null ? cursor.listedThrough().minus(settings.overlap())
                : to.minus(settings.lookBack());
        long considered = cursor.gapsConsideredThrough();
        for (PendingGap g : gaps) {
            if (g.gapId() > cursor.gapsConsideredThrough() && g.from().minus(settings.overlap()).isBefore(from)) {
                from = g.from().minus(settings.overlap());
            }
            considered = Math.max(considered, g.gapId());
        }
        Instant floor = to.minus(settings.maxLookBack());
        if (from.isBefore(floor)) {
            log.warn("integration {}: backfill window starts at {}, later than needed ({}): "
                    + "BEACON_BACKFILL_MAX_LOOK_BACK bounds it", integrationId, floor, from);
            from = floor;
        }
        return new Window(from.truncatedTo(ChronoUnit.MILLIS), to, considered, gaps, cursor.listedThrough());
    }

    /** The budget stopped the listing: what was found is published; the next round continues the window. */
    private BackfillResult cutShort(String integrationId, Window w, Listing listing,
                                    Set<String> published, int publishedNow) {
        resumes.put(integrationId, new Resume(w, listing.completedUnits(), Set.copyOf(published)));
        try {
            cursors.cutShort(integrationId, clock.instant());
        } catch (RuntimeException e) {
            // The database is the problem: the in-memory resume still continues the window next round.
        }
        counters.cutShort(integrationId, publishedNow, listing.skipped());
        log.warn("integration {}: backfill {}..{} cut short after {} (BEACON_BACKFILL_MAX_RUN): published the {} "
                        + "message(s) found so far in {} request(s); cursor and gaps unchanged, the next round "
                        + "continues this window", integrationId, w.from(), w.to(), settings.maxRun(), publishedNow,
                listing.requests());
        return new BackfillResult(integrationId, CUT_SHORT, w.from(), w.to(), publishedNow, listing.skipped(),
                listing.requests(), 0);
    }

    private BackfillResult failed(String integrationId, Instant started, Instant from, Instant to, String outcome,
                                  String why, Duration retryAfter, int requests) {
        if (Thread.currentThread().isInterrupted()) {
            // Shutting down, not a failure of Graph or Kafka: recording one would hold the next leader back.
            log.info("integration {}: backfill {}..{} stopped: the replica is shutting down", integrationId, from, to);
            return new BackfillResult(integrationId, STOPPED, from, to, 0, 0, requests, 0);
        }
        Instant now = clock.instant();
        int failures = cursors.get(integrationId).consecutiveFailures() + 1;
        Duration wait = settings.retryAfterFailures(failures);
        if (retryAfter.compareTo(wait) > 0) {
            wait = retryAfter;
        }
        Instant next = now.plus(wait);
        try {
            cursors.failed(integrationId, started, now, outcome, next);
        } catch (RuntimeException e) {
            // The database is the problem: nothing moved, the next round tries again.
        }
        counters.failed(integrationId);
        log.warn("integration {}: backfill {}..{} failed ({}: {}); cursor and gaps unchanged, next attempt at {}",
                integrationId, from, to, outcome, why, next);
        return new BackfillResult(integrationId, outcome, from, to, 0, 0, requests, 0);
    }
}
