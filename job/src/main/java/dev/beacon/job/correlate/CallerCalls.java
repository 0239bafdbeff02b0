package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate.DirectoryUser;
import dev.beacon.job.reference.ReferenceUpdate.Site;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The open calls of one caller and how one input alters them: a pure state machine, free of Flink, so every
 * decision can be table-tested. {@link CallCorrelator} loads the caller's calls (and events waiting for their call,
 * and the caller's directory entry) from keyed state, applies one input here, and writes back what {@link Decision}
 * says. Chat message changes are {@link MessageChanges}', Graph emergency call events {@link CallEvents}'; both
 * place their observations through {@link #place}. Directory and site changes re-derive the open calls.
 *
 * <p><b>Which observations are one call.</b> A caller's observations (chat messages by creation time, callStarted
 * events by event time), in time order, belong to the same call while consecutive ones are at most the correlation
 * gap apart (single-linkage sessions). That partition depends only on the set of observations, never on the order
 * they arrive in: a new one can only join a call or bridge two calls into one, it never splits one.
 *
 * <p><b>Which id a call has.</b> {@link FactIds#factId} of the earliest observation. While messages still arrive, a
 * later-created message may be seen first and publish its own id; when the earlier one arrives (or a bridge merges
 * two calls) the call's id moves and every id it was published under is answered by a supersede record. The
 * surviving id is therefore the same whatever the order, parallelism or failure history.
 *
 * <p><b>Which fields a call has.</b> Derived from its events and messages in canonical order ({@link CallFields}),
 * so they do not depend on arrival order either.
 */
public final class CallerCalls {

    private final long gapMillis;
    private final List<EmergencyCallFact> open;
    private final List<CallEventRef> pending;
    private DirectoryUser user;
    private Collection<Site> sites;

    /**
     * @param gapMillis the correlation gap: messages at most this far apart are one call
     * @param open      the caller's open calls, as loaded from state; changed in place
     */
    public CallerCalls(long gapMillis, List<EmergencyCallFact> open) {
        this(gapMillis, open, new ArrayList<>(), null, List.of());
    }

    /**
     * @param pending events that wait for their call (a callEnded before its call), as loaded; changed in place
     * @param user    the caller's directory entry, or null
     * @param sites   ops' sites, for the location text
     */
    public CallerCalls(long gapMillis, List<EmergencyCallFact> open, List<CallEventRef> pending, DirectoryUser user,
            Collection<Site> sites) {
        this.gapMillis = gapMillis;
        this.open = open;
        this.pending = pending;
        this.user = user;
        this.sites = sites;
    }

    /** Applies one Graph emergency call event of this caller ({@link CallEvents}). */
    public Decision apply(EmergencyCallEvent event, long nowMillis, LongPredicate mayHaveBeenPublished) {
        return new CallEvents(this).apply(event, nowMillis, mayHaveBeenPublished);
    }

    /** The caller's directory entry changed (null: removed): re-derives the open calls. */
    public List<EmergencyCallFact> directoryChanged(DirectoryUser changed, long nowMillis) {
        this.user = changed;
        return refresh(nowMillis);
    }

    /** Ops' sites changed: re-derives the open calls. */
    public List<EmergencyCallFact> sitesChanged(Collection<Site> changed, long nowMillis) {
        this.sites = changed;
        return refresh(nowMillis);
    }

    /** Re-derives every open call; a call whose fields changed gets a revision, published. */
    private List<EmergencyCallFact> refresh(long now) {
        List<EmergencyCallFact> published = new ArrayList<>();
        for (EmergencyCallFact call : open) {
            EmergencyCallFact before = call.copy();
            derive(call);
            if (!call.equals(before)) {
                call.revision++;
                call.updatedAtMillis = now;
                published.add(call.copy());
            }
        }
        return published;
    }

    /** Events still waiting for their call. */
    public List<CallEventRef> pending() {
        return pending;
    }

    long gapMillis() {
        return gapMillis;
    }

    /**
     * What one change did.
     *
     * @param outcome    the audit outcome of the notification
     * @param reason     a reason for the audit row, or null
     * @param live       the call the change touched, as it now is (null when nothing changed)
     * @param published  the records to publish, in order: the live fact revision first, then supersede records
     * @param removedIds state keys of calls that no longer exist under that id (merged or renamed)
     */
    public record Decision(
            AuditOutcome outcome, String reason, EmergencyCallFact live, List<EmergencyCallFact> published,
            List<String> removedIds) {

        static Decision auditOnly(AuditOutcome outcome, String reason, EmergencyCallFact call) {
            return new Decision(outcome, reason, call, List.of(), List.of());
        }

        public String factId() {
            return live == null ? null : live.factId;
        }
    }

    /** A change to a message no open call knows any more (its call left state). */
    public static final String FACT_EXPIRED = "fact-expired";

    /**
     * Applies one change.
     *
     * @param nowMillis          processing time, for detected_at / updated_at
     * @param mayHaveBeenPublished whether an earlier attempt of this job may already have published an id for a
     *                           message created at the given time (true after a recovery for messages created before
     *                           it); such a message's own id is superseded explicitly when it joins another call
     */
    public Decision apply(MessageChange change, long nowMillis, LongPredicate mayHaveBeenPublished) {
        return new MessageChanges(this).apply(change, nowMillis, mayHaveBeenPublished);
    }

    /** The caller's open calls, after the changes applied so far. */
    public List<EmergencyCallFact> open() {
        return open;
    }

    /** Where {@link #place(String, String, long, Consumer, long, LongPredicate)} put an observation. */
    record Placed(AuditOutcome outcome, EmergencyCallFact call, List<EmergencyCallFact> published,
            List<String> removed) {}

    /**
     * An observation of a call at {@code at} (a message's creation, a callStarted event): it opens a call, joins
     * the one within the gap, or bridges several into one. {@code add} puts the observation into the call.
     */
    Placed place(String tenantId, String callerUserId, long at, Consumer<EmergencyCallFact> add, long now,
            LongPredicate mayHaveBeenPublished) {
        List<EmergencyCallFact> reachable = reachable(at);
        if (reachable.isEmpty()) {
            EmergencyCallFact call = new EmergencyCallFact();
            call.tenantId = tenantId;
            call.callerUserId = callerUserId;
            call.detectedAtMillis = now;
            call.updatedAtMillis = now;
            call.revision = 1;
            add.accept(call);
            derive(call);
            adoptPending(call);
            open.add(call);
            return new Placed(AuditOutcome.EMITTED, call, List.of(call.copy()), List.of());
        }
        // The earliest-detected call absorbs the others, so detected_at keeps the first alert's time.
        reachable.sort(Comparator.comparingLong((EmergencyCallFact c) -> c.detectedAtMillis)
                .thenComparing(c -> c.factId));
        EmergencyCallFact call = reachable.get(0);
        String baseId = call.factId;
        List<String> baseAliases = new ArrayList<>(call.supersedes);
        Set<String> previousIds = new LinkedHashSet<>();
        List<String> removed = new ArrayList<>();
        int revisions = 0;
        for (EmergencyCallFact c : reachable) {
            previousIds.add(c.factId);
            previousIds.addAll(c.supersedes);
            removed.add(c.factId);
            revisions += c.revision;
            if (c != call) {
                call.messages.addAll(c.messages);
                call.events.addAll(c.events);
                c.sources.forEach(source -> addSource(call, source));
                open.remove(c);
            }
        }
        add.accept(call);
        // Every change ever applied to the call counts once, whatever the order: revisions stay comparable.
        call.revision = revisions + 1;
        call.updatedAtMillis = now;
        derive(call);
        adoptPending(call);
        String guessed = null;
        if (mayHaveBeenPublished.test(at)) {
            String own = FactIds.factId(call.tenantId, call.callerUserId, at);
            if (previousIds.add(own)) {
                guessed = own; // this attempt never published it; only a failed one may have
            }
        }
        previousIds.remove(call.factId);
        call.supersedes.clear();
        call.supersedes.addAll(previousIds);
        call.supersedes.sort(Comparator.naturalOrder());
        removed.remove(call.factId);

        // Aliases already answered by a supersede naming this same id need no second answer.
        if (call.factId.equals(baseId)) {
            baseAliases.forEach(previousIds::remove);
        }
        List<EmergencyCallFact> published = new ArrayList<>();
        published.add(call.copy());
        for (String id : previousIds) {
            published.add(EmergencyCallFact.supersede(id, call, now, id.equals(guessed)));
        }
        return new Placed(AuditOutcome.MERGED, call, published, removed);
    }

    /** Events that waited for their call (a callEnded seen before the call) join it once it is there. */
    private void adoptPending(EmergencyCallFact call) {
        boolean adopted = false;
        for (java.util.Iterator<CallEventRef> it = pending.iterator(); it.hasNext(); ) {
            CallEventRef e = it.next();
            if (e.isStart() || CallEvents.belongsTo(e, open, call) == call) {
                it.remove();
                call.events.add(e);
                addSource(call, CallEvents.source(e));
                adopted = true;
            }
        }
        if (adopted) {
            derive(call);
        }
    }

    /** One more revision of a call whose id stays. */
    Decision commit(EmergencyCallFact call, AuditOutcome outcome, long now) {
        call.revision++;
        call.updatedAtMillis = now;
        derive(call);
        return new Decision(outcome, null, call, List.of(call.copy()), List.of());
    }

    /**
     * Open calls with an observation (message or callStarted event) within the gap of {@code at}; at most two,
     * since calls are farther apart.
     */
    private List<EmergencyCallFact> reachable(long at) {
        List<EmergencyCallFact> found = new ArrayList<>(2);
        for (EmergencyCallFact call : open) {
            if (observedWithinGap(call, at)) {
                found.add(call);
            }
        }
        return found;
    }

    private boolean observedWithinGap(EmergencyCallFact call, long at) {
        for (MessageRef m : call.messages) {
            if (Math.abs(m.createdAtMillis - at) <= gapMillis) {
                return true;
            }
        }
        for (CallEventRef e : call.events) {
            if (e.isStart() && Math.abs(e.eventAtMillis - at) <= gapMillis) {
                return true;
            }
        }
        return false;
    }

    static MessageRef toRef(EmergencySignal s) {
        MessageRef ref = new MessageRef(s.chatId(), s.messageId(), s.subscriptionId(), s.createdAtMillis(),
                s.contentHash());
        ref.createdAtInferred = s.createdAtInferred();
        ref.deleted = s.isDeleted();
        ref.callerDisplayName = s.callerDisplayName();
        ref.dialedNumber = s.dialedNumber();
        ref.testCall = s.testCall();
        ref.locationText = s.locationText();
        ref.lastModifiedAtMillis = s.lastModifiedAtMillis();
        return ref;
    }

    /** Recomputes everything the call's observations and reference data determine ({@link CallFields}). */
    void derive(EmergencyCallFact call) {
        CallFields.derive(call, user, sites);
    }

    /** Sources stay sorted, so a call's list is the same whatever order its notifications came in. */
    static void addSource(EmergencyCallFact call, String source) {
        int at = java.util.Collections.binarySearch(call.sources, source);
        if (at < 0) {
            call.sources.add(-at - 1, source);
        }
    }
}
