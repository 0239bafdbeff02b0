package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.detect.EmergencySignal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The open calls of one caller and how one deduplicated message change alters them: a pure state machine, free of
 * Flink, so every decision can be table-tested. {@link CallCorrelator} loads the caller's calls from keyed state,
 * applies one change here, and writes back what {@link Decision} says.
 *
 * <p><b>Which messages are one call.</b> A caller's messages, ordered by creation time, belong to the same call
 * while consecutive messages are at most the correlation gap apart (single-linkage sessions). That partition
 * depends only on the set of messages, never on the order they arrive in: a new message can only join a call or
 * bridge two calls into one, it never splits one.
 *
 * <p><b>Which id a call has.</b> {@link FactIds#factId} of the earliest message. While messages still arrive, a
 * later-created message may be seen first and publish its own id; when the earlier one arrives (or a bridge merges
 * two calls) the call's id moves and every id it was published under is answered by a supersede record. The
 * surviving id is therefore the same whatever the order, parallelism or failure history.
 *
 * <p><b>Which fields a call has.</b> Derived from its messages in {@link MessageRef#CANONICAL_ORDER} (the earliest
 * message that says something wins), so they do not depend on arrival order either.
 */
public final class CallerCalls {

    private final long gapMillis;
    private final List<EmergencyCallFact> open;

    /**
     * @param gapMillis the correlation gap: messages at most this far apart are one call
     * @param open      the caller's open calls, as loaded from state; changed in place
     */
    public CallerCalls(long gapMillis, List<EmergencyCallFact> open) {
        this.gapMillis = gapMillis;
        this.open = open;
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
        EmergencySignal s = change.signal();
        Located known = locate(s.chatId(), s.messageId());
        return switch (change.kind()) {
            case NEW -> known != null
                    ? seenAgain(s, known, nowMillis)
                    : place(s, nowMillis, mayHaveBeenPublished);
            case AMENDED -> known == null
                    ? Decision.auditOnly(AuditOutcome.IGNORED, FACT_EXPIRED, null)
                    : amend(s, known, nowMillis);
            case DELETED -> known == null
                    ? Decision.auditOnly(AuditOutcome.IGNORED, FACT_EXPIRED, null)
                    : delete(s, known, nowMillis);
        };
    }

    /** The caller's open calls, after the changes applied so far. */
    public List<EmergencyCallFact> open() {
        return open;
    }

    private record Located(EmergencyCallFact call, MessageRef ref) {}

    /** A message no open call holds: it opens a call, joins one, or bridges several into one. */
    private Decision place(EmergencySignal s, long now, LongPredicate mayHaveBeenPublished) {
        MessageRef ref = toRef(s);
        List<EmergencyCallFact> reachable = reachable(ref.createdAtMillis);
        if (reachable.isEmpty()) {
            EmergencyCallFact call = new EmergencyCallFact();
            call.tenantId = s.tenantId();
            call.callerUserId = s.callerUserId();
            call.detectedAtMillis = now;
            call.updatedAtMillis = now;
            call.revision = 1;
            call.messages.add(ref);
            addSource(call, s);
            derive(call);
            open.add(call);
            return placed(AuditOutcome.EMITTED, s, call, List.of(call.copy()), List.of());
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
                c.sources.forEach(source -> addSource(call, source));
                open.remove(c);
            }
        }
        call.messages.add(ref);
        addSource(call, s);
        // Every change ever applied to the call counts once, whatever the order: revisions stay comparable.
        call.revision = revisions + 1;
        call.updatedAtMillis = now;
        derive(call);
        String guessed = null;
        if (mayHaveBeenPublished.test(ref.createdAtMillis)) {
            String own = FactIds.factId(call.tenantId, call.callerUserId, ref.createdAtMillis);
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
        return placed(AuditOutcome.MERGED, s, call, published, removed);
    }

    /**
     * The decision for a message that no open call held. A backfilled one reached here because neither the
     * deduplicator nor any open call had seen it: Graph never delivered its notification. It feeds its fact like any
     * other, but is audited {@code recovered}, with {@code emitted} or {@code merged} as the reason.
     */
    private static Decision placed(AuditOutcome outcome, EmergencySignal s, EmergencyCallFact call,
            List<EmergencyCallFact> published, List<String> removed) {
        if (s.isBackfill()) {
            return new Decision(AuditOutcome.RECOVERED, outcome.label(), call, published, removed);
        }
        return new Decision(outcome, null, call, published, removed);
    }

    /**
     * A message a call already holds arrives as new again: the deduplicator forgot it (its retention is shorter
     * than the call's) or a redelivery raced. Only a real difference counts.
     */
    private Decision seenAgain(EmergencySignal s, Located known, long now) {
        if (known.ref().deleted) {
            return Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
        }
        if (s.isDeleted()) {
            return delete(s, known, now);
        }
        if (!Objects.equals(known.ref().contentHash, s.contentHash())) {
            return amend(s, known, now);
        }
        return Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
    }

    private Decision amend(EmergencySignal s, Located known, long now) {
        MessageRef ref = known.ref();
        ref.contentHash = s.contentHash();
        ref.lastModifiedAtMillis = Math.max(ref.lastModifiedAtMillis, s.lastModifiedAtMillis());
        // An edit replaces what the message says; a field the edit no longer carries keeps its earlier value.
        if (s.dialedNumber() != null) {
            ref.dialedNumber = s.dialedNumber();
            ref.testCall = s.testCall();
        }
        if (s.locationText() != null) {
            ref.locationText = s.locationText();
        }
        if (s.callerDisplayName() != null) {
            ref.callerDisplayName = s.callerDisplayName();
        }
        return commit(s, known.call(), AuditOutcome.AMENDED, now);
    }

    private Decision delete(EmergencySignal s, Located known, long now) {
        if (known.ref().deleted) {
            return Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
        }
        known.ref().deleted = true;
        return commit(s, known.call(), AuditOutcome.DELETED, now);
    }

    /** A change that keeps the call's id: one more revision. */
    private Decision commit(EmergencySignal s, EmergencyCallFact call, AuditOutcome outcome, long now) {
        addSource(call, s);
        call.revision++;
        call.updatedAtMillis = now;
        derive(call);
        return new Decision(outcome, null, call, List.of(call.copy()), List.of());
    }

    /** Open calls with a message within the gap of {@code createdAt}; at most two, since calls are farther apart. */
    private List<EmergencyCallFact> reachable(long createdAt) {
        List<EmergencyCallFact> found = new ArrayList<>(2);
        for (EmergencyCallFact call : open) {
            for (MessageRef m : call.messages) {
                if (Math.abs(m.createdAtMillis - createdAt) <= gapMillis) {
                    found.add(call);
                    break;
                }
            }
        }
        return found;
    }

    private Located locate(String chatId, String messageId) {
        if (chatId == null || messageId == null) {
            return null;
        }
        for (EmergencyCallFact call : open) {
            for (MessageRef ref : call.messages) {
                if (ref.sameMessage(chatId, messageId)) {
                    return new Located(call, ref);
                }
            }
        }
        return null;
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

    /**
     * Recomputes everything a call's messages determine: message order, id, start time, counts and the described
     * fields. Nothing here may depend on the order messages arrived in.
     */
    static void derive(EmergencyCallFact call) {
        call.messages.sort(MessageRef.CANONICAL_ORDER);
        MessageRef first = call.messages.get(0);
        call.callStartedAtMillis = first.createdAtMillis;
        call.callStartedAtInferred = first.createdAtInferred;
        call.factId = FactIds.factId(call.tenantId, call.callerUserId, first.createdAtMillis);
        call.notificationCount = call.messages.size();
        call.deletedCount = (int) call.messages.stream().filter(m -> m.deleted).count();
        call.callerDisplayName = null;
        call.dialedNumber = null;
        call.testCall = false;
        call.locationText = null;
        for (MessageRef m : call.messages) {
            if (call.callerDisplayName == null) {
                call.callerDisplayName = m.callerDisplayName;
            }
            if (call.dialedNumber == null && m.dialedNumber != null) {
                call.dialedNumber = m.dialedNumber;
                call.testCall = m.testCall;
            }
            if (call.locationText == null) {
                call.locationText = m.locationText;
            }
        }
    }

    /** {@code channel:subscription}; a backfilled message answers no subscription's notification, so its origin. */
    private static void addSource(EmergencyCallFact call, EmergencySignal s) {
        String subscription = s.subscriptionId() != null || s.origin() == null ? s.subscriptionId()
                : s.origin().label();
        addSource(call, s.channel() + ":" + subscription);
    }

    /** Sources stay sorted, so a call's list is the same whatever order its notifications came in. */
    private static void addSource(EmergencyCallFact call, String source) {
        int at = java.util.Collections.binarySearch(call.sources, source);
        if (at < 0) {
            call.sources.add(-at - 1, source);
        }
    }
}
