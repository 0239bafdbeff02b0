package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * How one Graph emergency call event changes a caller's calls (pure, part of {@link CallerCalls}):
 * <ul>
 *   <li>{@code callStarted} is an observation of the call at its event time, exactly like a chat message: it opens
 *       a call or joins the one within the correlation gap, and may become the call's anchor (its id);</li>
 *   <li>{@code callEnded} ends the call it belongs to: the caller's call that started at or before it and has not
 *       ended, the latest such. Seen before its call (reordering), it waits in the caller's state (bounded, dropped
 *       a fact retention later) and ends the call once the call appears;</li>
 *   <li>{@code rosterUpdated} never opens a call alone (a roster change says nothing about an emergency by itself):
 *       it attaches to the call it belongs to (started at or before it, not ended before it) like callEnded, or
 *       waits like it. Every new event of a call is one revision, also when it changed no field: the fact lists
 *       its events, and a fact that kept some events only in state would differ with the arrival order;</li>
 *   <li>a redelivery (same event id, type and content hash) is a duplicate; the same event with other content
 *       replaces what the earlier delivery said (amended). Other event types are ignored.</li>
 * </ul>
 */
final class CallEvents {

    /** Audit reason: a callEnded or rosterUpdated event whose call has not been seen yet; it waits in state. */
    static final String AWAITING_CALL = "awaiting-call";
    /** Audit reason: an event type this version does not know. */
    static final String UNKNOWN_EVENT_TYPE = "unknown-event-type";
    /** At most this many events wait per caller; the oldest goes first (Graph does not send many per call). */
    static final int MAX_PENDING = 16;

    private final CallerCalls calls;

    CallEvents(CallerCalls calls) {
        this.calls = calls;
    }

    /** {@code emergency-call-event:<subscriptionId>}. */
    static String source(CallEventRef e) {
        return "emergency-call-event:" + e.subscriptionId;
    }

    CallerCalls.Decision apply(EmergencyCallEvent e, long now, LongPredicate mayHaveBeenPublished) {
        CallerCalls.Decision known = seenAgain(e, now);
        if (known != null) {
            return known;
        }
        CallEventRef ref = CallEventRef.of(e, now);
        if (ref.isStart()) {
            CallerCalls.Placed p = calls.place(e.tenantId(), e.callerUserId(), ref.eventAtMillis, call -> {
                call.events.add(ref);
                CallerCalls.addSource(call, source(ref));
            }, now, mayHaveBeenPublished);
            return new CallerCalls.Decision(p.outcome(), null, p.call(), p.published(), p.removed());
        }
        if (!ref.isEnd() && !EmergencyCallEvent.ROSTER_UPDATED.equals(ref.eventType)) {
            return CallerCalls.Decision.auditOnly(AuditOutcome.IGNORED, UNKNOWN_EVENT_TYPE, null);
        }
        EmergencyCallFact call = belongsTo(ref, calls.open(), null);
        if (call == null) {
            await(ref);
            return CallerCalls.Decision.auditOnly(AuditOutcome.IGNORED, AWAITING_CALL, null);
        }
        call.events.add(ref);
        CallerCalls.addSource(call, source(ref));
        calls.derive(call);
        return calls.commit(call, AuditOutcome.AMENDED, now);
    }

    /** A redelivery of an event an open call (or the waiting list) holds: duplicate, or amended when it differs. */
    private CallerCalls.Decision seenAgain(EmergencyCallEvent e, long now) {
        for (CallEventRef waiting : calls.pending()) {
            if (waiting.sameEvent(e)) {
                if (!Objects.equals(waiting.contentHash, e.contentHash())) {
                    waiting.refresh(e);
                }
                return CallerCalls.Decision.auditOnly(AuditOutcome.DUPLICATE, AWAITING_CALL, null);
            }
        }
        for (EmergencyCallFact call : calls.open()) {
            for (CallEventRef ref : call.events) {
                if (ref.sameEvent(e)) {
                    if (Objects.equals(ref.contentHash, e.contentHash())) {
                        return CallerCalls.Decision.auditOnly(AuditOutcome.DUPLICATE, null, call);
                    }
                    ref.refresh(e);
                    calls.derive(call);
                    return calls.commit(call, AuditOutcome.AMENDED, now);
                }
            }
        }
        return null;
    }

    private void await(CallEventRef ref) {
        List<CallEventRef> pending = calls.pending();
        pending.add(ref);
        if (pending.size() > MAX_PENDING) {
            pending.sort(Comparator.comparingLong((CallEventRef e) -> e.receivedAtMillis)
                    .thenComparing(CallEventRef.CANONICAL_ORDER));
            pending.remove(0);
        }
    }

    /**
     * The call a callEnded or rosterUpdated event belongs to among {@code open} and {@code extra} (a call about to
     * be added; may be null): started at or before the event, not ended (a roster update: not ended before it), the
     * latest start. Null when none.
     */
    static EmergencyCallFact belongsTo(CallEventRef e, List<EmergencyCallFact> open, EmergencyCallFact extra) {
        List<EmergencyCallFact> candidates = new ArrayList<>(open);
        if (extra != null && !candidates.contains(extra)) {
            candidates.add(extra);
        }
        EmergencyCallFact best = null;
        for (EmergencyCallFact call : candidates) {
            if (call.callStartedAtMillis > e.eventAtMillis) {
                continue;
            }
            boolean ended = e.isEnd()
                    ? call.endedAtMillis > 0
                    : call.endedAtMillis > 0 && call.endedAtMillis < e.eventAtMillis;
            if (ended) {
                continue;
            }
            if (best == null || call.callStartedAtMillis > best.callStartedAtMillis
                    || (call.callStartedAtMillis == best.callStartedAtMillis && call.factId.compareTo(best.factId) < 0)) {
                best = call;
            }
        }
        return best;
    }
}
