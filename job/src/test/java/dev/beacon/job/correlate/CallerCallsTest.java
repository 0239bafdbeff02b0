package dev.beacon.job.correlate;

import dev.beacon.contracts.fetched.Origin;
import static dev.beacon.job.correlate.MessageChange.Kind.AMENDED;
import static dev.beacon.job.correlate.MessageChange.Kind.DELETED;
import static dev.beacon.job.correlate.MessageChange.Kind.NEW;
import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The correlator's decisions without Flink: single-linkage calls, ids anchored on the earliest message, supersede
 * records, and the property the whole design exists for: any arrival order and any failure history end in the same
 * live facts.
 */
class CallerCallsTest {

    private static final long GAP = Duration.ofMinutes(5).toMillis();
    private static final long NOW = CREATED_AT + 20_000;
    private static final LongPredicate NOTHING_PUBLISHED = createdAt -> false;
    private static final LongPredicate ANYTHING_MAY_BE_PUBLISHED = createdAt -> true;

    /**
     * Message creation times (seconds after CREATED_AT) in arrival order, and what comes out: the number of live
     * calls and of supersede records.
     */
    @ParameterizedTest(name = "arrivals {0} -> {1} call(s), {2} supersede(s)")
    @CsvSource({
            "0,           1, 0",
            "0 1 2,       1, 0",
            "2 1 0,       1, 3",   // each earlier message moves the id; every earlier alias is re-pointed
            "1 0 2,       1, 1",
            "0 300,       1, 0",   // exactly one gap apart: one call
            "0 301,       2, 0",   // one second more: two calls
            "0 480 240,   1, 1",   // the middle message bridges two calls; the later one's id is superseded
            "480 0 240,   1, 1",
            "240 480 0,   1, 1",
            "0 1000 2000, 3, 0",
    })
    void arrivalsBecomeCalls(String arrivals, int calls, int supersedes) {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        List<EmergencyCallFact> published = new ArrayList<>();
        int chat = 0;
        for (String second : arrivals.trim().split("\\s+")) {
            EmergencySignal s = Signals.created("chat-" + chat++, "m-1")
                    .createdAt(CREATED_AT + Long.parseLong(second) * 1_000).build();
            published.addAll(caller.apply(new MessageChange(NEW, s), NOW, NOTHING_PUBLISHED).published());
        }
        assertThat(caller.open()).hasSize(calls);
        assertThat(published.stream().filter(EmergencyCallFact::isSupersede)).hasSize(supersedes);
        LiveFacts live = new LiveFacts().applyAll(published);
        assertThat(live.facts()).hasSize(calls);
        for (EmergencyCallFact f : live.facts()) {
            assertThat(f.factId).isEqualTo(FactIds.factId(Signals.TENANT, Signals.CALLER, f.callStartedAtMillis));
        }
    }

    @Test
    void aChangeToAMessageNoCallHoldsIsAuditedAsExpired() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        CallerCalls.Decision d = caller.apply(
                new MessageChange(AMENDED, Signals.updated("chat-1", "m-1").contentHash("h2").build()), NOW,
                NOTHING_PUBLISHED);
        assertThat(d.outcome()).isEqualTo(AuditOutcome.IGNORED);
        assertThat(d.reason()).isEqualTo(CallerCalls.FACT_EXPIRED);
        assertThat(d.published()).isEmpty();
    }

    @Test
    void fieldsComeFromTheEarliestMessageThatSaysSomethingWhateverTheOrder() {
        EmergencySignal early = Signals.created("chat-1", "m-1").location(null).dialed("933", true).build();
        EmergencySignal later = Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 1_000)
                .location("Lobby").dialed("911", false).caller(Signals.CALLER, "Other Name").build();

        for (List<EmergencySignal> order : List.of(List.of(early, later), List.of(later, early))) {
            CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
            order.forEach(s -> caller.apply(new MessageChange(NEW, s), NOW, NOTHING_PUBLISHED));
            EmergencyCallFact f = caller.open().get(0);
            assertThat(f.dialedNumber).isEqualTo("933");
            assertThat(f.testCall).isTrue();
            assertThat(f.locationText).isEqualTo("Lobby");
            assertThat(f.callerDisplayName).isEqualTo(Signals.CALLER_NAME);
        }
    }

    @Test
    void aMessageThatMayHaveBeenPublishedIsSupersededWhenItJoinsAnEarlierCall() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        caller.apply(new MessageChange(NEW, Signals.created("chat-1", "m-1").build()), NOW, ANYTHING_MAY_BE_PUBLISHED);
        CallerCalls.Decision d = caller.apply(new MessageChange(NEW,
                Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 2_000).build()), NOW, ANYTHING_MAY_BE_PUBLISHED);

        String ownId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT + 2_000);
        String liveId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT);
        assertThat(d.published()).extracting(f -> f.factId, f -> f.supersededBy, f -> f.speculative)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(liveId, null, false),
                        org.assertj.core.groups.Tuple.tuple(ownId, liveId, true));
    }

    @Test
    void aSupersedeOfAnIdThisAttemptPublishedIsNeverSpeculative() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        caller.apply(new MessageChange(NEW, Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 2_000).build()),
                NOW, ANYTHING_MAY_BE_PUBLISHED);
        CallerCalls.Decision d = caller.apply(new MessageChange(NEW, Signals.created("chat-1", "m-1").build()), NOW,
                ANYTHING_MAY_BE_PUBLISHED);

        assertThat(d.published()).extracting(f -> f.supersededBy != null, f -> f.speculative).containsExactly(
                org.assertj.core.groups.Tuple.tuple(false, false),
                org.assertj.core.groups.Tuple.tuple(true, false));
    }

    /** A workload with everything that can reorder: several callers, desk chats, a bridge, edits and deletions. */
    private static List<EmergencySignal> workload() {
        List<EmergencySignal> w = new ArrayList<>();
        long[] deskOffsets = {0, 400, 1_100};
        for (int i = 0; i < deskOffsets.length; i++) {
            w.add(Signals.created("desk-" + i, "a1").createdAt(CREATED_AT + deskOffsets[i])
                    .location(i == 1 ? "Floor 2" : null).build());
        }
        w.add(Signals.created("desk-0", "a2").createdAt(CREATED_AT + Duration.ofMinutes(20).toMillis()).build());
        w.add(Signals.created("desk-1", "a2").createdAt(CREATED_AT + Duration.ofMinutes(20).toMillis() + 300).build());
        for (int i = 0; i < 2; i++) {
            w.add(Signals.created("desk-" + i, "b1").caller("user-b", "Bo").createdAt(CREATED_AT + 7_000 + i).build());
        }
        long minute = Duration.ofMinutes(1).toMillis();
        for (int i = 0; i < 3; i++) { // 0, 4 and 8 minutes: one call only through the middle message
            w.add(Signals.created("desk-" + i, "c1").caller("user-c", "Cy").createdAt(CREATED_AT + 4 * i * minute)
                    .build());
        }
        return w;
    }

    /** Edits and deletions apply after their message was first seen (the deduplicator guarantees that order). */
    private static List<MessageChange> followUps() {
        return List.of(
                new MessageChange(AMENDED, Signals.updated("desk-2", "a1").createdAt(CREATED_AT + 1_100)
                        .contentHash("hash-2").location("Floor 3").build()),
                new MessageChange(DELETED, Signals.bareDelete("desk-0", "b1").withCaller("user-b", "Bo")));
    }

    /** Runs changes through per-caller state machines, as keyBy(caller) would, and returns what was published. */
    private static List<EmergencyCallFact> run(
            Map<String, List<EmergencyCallFact>> state, List<MessageChange> changes, LongPredicate published) {
        List<EmergencyCallFact> out = new ArrayList<>();
        for (MessageChange c : changes) {
            List<EmergencyCallFact> calls = state.computeIfAbsent(Keys.caller(c), k -> new ArrayList<>());
            out.addAll(new CallerCalls(GAP, calls).apply(c, NOW, published).published());
        }
        return out;
    }

    private static List<MessageChange> shuffledNew(List<EmergencySignal> signals, Random random) {
        List<MessageChange> changes = new ArrayList<>();
        signals.forEach(s -> changes.add(new MessageChange(NEW, s)));
        Collections.shuffle(changes, random);
        changes.addAll(followUps());
        return changes;
    }

    /** What a consumer ends with, without the path-dependent list of provisional ids. */
    private static List<EmergencyCallFact> liveFacts(List<EmergencyCallFact> published) {
        List<EmergencyCallFact> facts = new LiveFacts().applyAll(published).facts();
        facts.forEach(f -> f.supersedes.clear());
        facts.sort(Comparator.comparing(f -> f.factId));
        return facts;
    }

    @Test
    void anyArrivalOrderEndsInTheSameLiveFacts() {
        List<EmergencySignal> workload = workload();
        List<EmergencyCallFact> reference =
                liveFacts(run(new HashMap<>(), shuffledNew(workload, new Random(0)), NOTHING_PUBLISHED));
        assertThat(reference).extracting(f -> f.callerUserId, f -> f.notificationCount).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Signals.CALLER, 3),
                org.assertj.core.groups.Tuple.tuple(Signals.CALLER, 2),
                org.assertj.core.groups.Tuple.tuple("user-b", 2),
                org.assertj.core.groups.Tuple.tuple("user-c", 3));
        for (EmergencyCallFact f : reference) {
            assertThat(f.factId).isEqualTo(FactIds.factId(f.tenantId, f.callerUserId, f.callStartedAtMillis));
        }

        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<EmergencyCallFact> facts = liveFacts(run(new HashMap<>(), shuffledNew(workload, random),
                    NOTHING_PUBLISHED));
            assertThat(facts).as("round %d", round).isEqualTo(reference);
        }
    }

    /**
     * A failed attempt publishes whatever a prefix of one order gives; the next attempt starts over (from a
     * checkpoint taken before any of it) and sees another order. A consumer of both ends with the same facts.
     */
    @Test
    void anyFailureHistoryEndsInTheSameLiveFacts() {
        List<EmergencySignal> workload = workload();
        List<EmergencyCallFact> reference =
                liveFacts(run(new HashMap<>(), shuffledNew(workload, new Random(0)), NOTHING_PUBLISHED));

        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<MessageChange> failedAttempt = shuffledNew(workload, random);
            int crashAfter = random.nextInt(failedAttempt.size());
            List<EmergencyCallFact> published = new ArrayList<>(
                    run(new HashMap<>(), failedAttempt.subList(0, crashAfter), NOTHING_PUBLISHED));
            published.addAll(run(new HashMap<>(), shuffledNew(workload, random), ANYTHING_MAY_BE_PUBLISHED));

            assertThat(liveFacts(published)).as("round %d, crash after %d", round, crashAfter).isEqualTo(reference);
        }
    }

    // ---- messages the control plane fetched ------------------------------------------------------------------------

    @Test
    void aBackfilledMessageNoCallHoldsIsRecoveredAndStillStartsOrJoinsTheFact() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        EmergencySignal first = Signals.created("chat-1", "m-1").channel("fetched").subscriptionId(null)
                .origin(Origin.BACKFILL).build();
        CallerCalls.Decision opened = caller.apply(new MessageChange(NEW, first), NOW, NOTHING_PUBLISHED);
        assertThat(opened.outcome()).isEqualTo(AuditOutcome.RECOVERED);
        assertThat(opened.reason()).isEqualTo("emitted");
        assertThat(opened.published()).hasSize(1);
        assertThat(opened.factId()).isEqualTo(FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT));

        EmergencySignal otherDesk = Signals.created("chat-2", "m-2").createdAt(CREATED_AT + 2_000)
                .channel("fetched").subscriptionId(null).origin(Origin.BACKFILL).build();
        CallerCalls.Decision joined = caller.apply(new MessageChange(NEW, otherDesk), NOW, NOTHING_PUBLISHED);
        assertThat(joined.outcome()).isEqualTo(AuditOutcome.RECOVERED);
        assertThat(joined.reason()).isEqualTo("merged");
        assertThat(caller.open()).hasSize(1);
        assertThat(caller.open().get(0).notificationCount).isEqualTo(2);
        assertThat(caller.open().get(0).sources).containsExactly("fetched:backfill");
    }

    @Test
    void aBackfillOfAMessageACallHoldsIsADuplicateNotASecondFact() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        EmergencySignal delivered = Signals.created("chat-1", "m-1").build();
        assertThat(caller.apply(new MessageChange(NEW, delivered), NOW, NOTHING_PUBLISHED).outcome())
                .isEqualTo(AuditOutcome.EMITTED);
        // The deduplicator forgot the message (shorter retention), the call did not.
        EmergencySignal backfilled = Signals.created("chat-1", "m-1").offset(9).origin(Origin.BACKFILL).build();
        CallerCalls.Decision d = caller.apply(new MessageChange(NEW, backfilled), NOW, NOTHING_PUBLISHED);
        assertThat(d.outcome()).isEqualTo(AuditOutcome.DUPLICATE);
        assertThat(d.published()).isEmpty();
        assertThat(caller.open()).hasSize(1);
    }

    @Test
    void aHydratedMessageIsAnOrdinaryFirstSight() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        EmergencySignal hydrated = Signals.created("chat-1", "m-1").origin(Origin.HYDRATION).build();
        CallerCalls.Decision d = caller.apply(new MessageChange(NEW, hydrated), NOW, NOTHING_PUBLISHED);
        assertThat(d.outcome()).isEqualTo(AuditOutcome.EMITTED);
        assertThat(d.reason()).isNull();
    }
}
