package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.detect.EmergencySignal;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * How one deduplicated chat message change alters a caller's calls (pure, part of {@link CallerCalls}): a new
 * message is placed like any observation (opens, joins or bridges calls); an edit or deletion of a message a call
 * holds is one more revision of that call; a change to a message no open call holds any more is ignored.
 */
final class MessageChanges {

    private final CallerCalls calls;

    MessageChanges(CallerCalls calls) {
        this.calls = calls;
    }

    CallerCalls.Decision apply(MessageChange change, long nowMillis, LongPredicate mayHaveBeenPublished) {
        EmergencySignal s = change.signal();
        Located known = locate(s.chatId(), s.messageId());
        return switch (change.kind()) {
            case NEW -> known != null
                    ? seenAgain(s, known, nowMillis)
                    : place(s, nowMillis, mayHaveBeenPublished);
            case AMENDED -> known == null
                    ? CallerCalls.Decision.auditOnly(AuditOutcome.IGNORED, CallerCalls.FACT_EXPIRED, null)
                    : amend(s, known, nowMillis);
            case DELETED -> known == null
                    ? CallerCalls.Decision.auditOnly(AuditOutcome.IGNORED, CallerCalls.FACT_EXPIRED, null)
                    : delete(s, known, nowMillis);
        };
    }

    private record Located(EmergencyCallFact call, MessageRef ref) {}

    /** A message no open call holds: it opens a call, joins one, or bridges several into one. */
    private CallerCalls.Decision place(EmergencySignal s, long now, LongPredicate mayHaveBeenPublished) {
        MessageRef ref = CallerCalls.toRef(s);
        String source = source(s);
        CallerCalls.Placed p = calls.place(s.tenantId(), s.callerUserId(), ref.createdAtMillis, call -> {
            call.messages.add(ref);
            CallerCalls.addSource(call, source);
        }, now, mayHaveBeenPublished);
        return placed(p.outcome(), s, p.call(), p.published(), p.removed());
    }

    /**
     * The decision for a message that no open call held. A backfilled one reached here because neither the
     * deduplicator nor any open call had seen it: Graph never delivered its notification. It feeds its fact like any
     * other, but is audited {@code recovered}, with {@code emitted} or {@code merged} as the reason.
     */
    private static CallerCalls.Decision placed(AuditOutcome outcome, EmergencySignal s, EmergencyCallFact call,
            List<EmergencyCallFact> published, List<String> removed) {
        if (s.isBackfill()) {
            return new CallerCalls.Decision(AuditOutcome.RECOVERED, outcome.label(), call, published, removed);
        }
        return new CallerCalls.Decision(outcome, null, call, published, removed);
    }

    /**
     * A message a call already holds arrives as new again: the deduplicator forgot it (its retention is shorter
     * than the call's) or a redelivery raced. Only a real difference counts.
     */
    private CallerCalls.Decision seenAgain(EmergencySignal s, Located known, long now) {
        if (known.ref().deleted) {
            return CallerCalls.Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
        }
        if (s.isDeleted()) {
            return delete(s, known, now);
        }
        if (!Objects.equals(known.ref().contentHash, s.contentHash())) {
            return amend(s, known, now);
        }
        return CallerCalls.Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
    }

    private CallerCalls.Decision amend(EmergencySignal s, Located known, long now) {
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

    private CallerCalls.Decision delete(EmergencySignal s, Located known, long now) {
        if (known.ref().deleted) {
            return CallerCalls.Decision.auditOnly(AuditOutcome.DUPLICATE, null, known.call());
        }
        known.ref().deleted = true;
        return commit(s, known.call(), AuditOutcome.DELETED, now);
    }

    /** A change that keeps the call's id: one more revision. */
    private CallerCalls.Decision commit(EmergencySignal s, EmergencyCallFact call, AuditOutcome outcome, long now) {
        CallerCalls.addSource(call, source(s));
        return calls.commit(call, outcome, now);
    }

    private Located locate(String chatId, String messageId) {
        if (chatId == null || messageId == null) {
            return null;
        }
        for (EmergencyCallFact call : calls.open()) {
            for (MessageRef ref : call.messages) {
                if (ref.sameMessage(chatId, messageId)) {
                    return new Located(call, ref);
                }
            }
        }
        return null;
    }

    /** {@code channel:subscription}; a backfilled message answers no subscription's notification, so its origin. */
    private static String source(EmergencySignal s) {
        String subscription = s.subscriptionId() != null || s.origin() == null ? s.subscriptionId()
                : s.origin().label();
        return s.channel() + ":" + subscription;
    }

}
