package dev.beacon.job.correlate;

import static dev.beacon.job.correlate.MessageChange.Kind.NEW;
import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Graph's emergency call events in the correlator's decisions: a callStarted is one more observation of the call
 * (whichever comes first, chat or event, it is one fact under the id of the earliest observation), structured
 * fields win over the chat's text, callEnded closes the call (also when it comes first), redeliveries are
 * duplicates, and the directory and ops' sites fill what the observations lack.
 */
class CallerCallsEventsTest {

    private static final long GAP = Duration.ofMinutes(5).toMillis();
    private static final long NOW = CREATED_AT + 20_000;
    private static final LongPredicate NOTHING_PUBLISHED = at -> false;

    /** One input of a caller: a chat message or an event. */
    private record In(EmergencySignal chat, EmergencyCallEvent event) {
        static In chat(EmergencySignal s) {
            return new In(s, null);
        }

        static In event(EmergencyCallEvent e) {
            return new In(null, e);
        }

        CallerCalls.Decision apply(CallerCalls caller) {
            return chat != null ? caller.apply(new MessageChange(NEW, chat), NOW, NOTHING_PUBLISHED)
                    : caller.apply(event, NOW, NOTHING_PUBLISHED);
        }
    }

    private static List<EmergencyCallFact> published(CallerCalls caller, List<In> inputs) {
        List<EmergencyCallFact> out = new ArrayList<>();
        inputs.forEach(in -> out.addAll(in.apply(caller).published()));
        return out;
    }

    private static EmergencyCallFact onlyLiveFact(List<EmergencyCallFact> published) {
        List<EmergencyCallFact> live = new LiveFacts().applyAll(published).facts();
        assertThat(live).hasSize(1);
        EmergencyCallFact f = live.get(0);
        f.supersedes.clear(); // path-dependent
        f.revision = 0;
        return f;
    }

    /** Event time relative to the chat message (seconds), in both arrival orders. */
    @ParameterizedTest(name = "event at {0}s, chat first: {1}")
    @CsvSource({"-3, true", "-3, false", "4, true", "4, false", "0, true", "0, false"})
    void chatAndEventInEitherOrderAreOneFactUnderTheEarliestObservation(long eventSeconds, boolean chatFirst) {
        EmergencySignal chat = Signals.created("chat-1", "m-1").build();
        EmergencyCallEvent started = CallEventSamples.started("ev-1", CREATED_AT + eventSeconds * 1_000).build();
        List<In> order = chatFirst ? List.of(In.chat(chat), In.event(started))
                : List.of(In.event(started), In.chat(chat));
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());

        EmergencyCallFact f = onlyLiveFact(published(caller, order));

        long start = Math.min(CREATED_AT, CREATED_AT + eventSeconds * 1_000);
        assertThat(f.factId).isEqualTo(FactIds.factId(Signals.TENANT, Signals.CALLER, start));
        assertThat(f.callStartedAtMillis).isEqualTo(start);
        assertThat(f.notificationCount).isEqualTo(1);
        assertThat(f.events).extracting(e -> e.eventId).containsExactly("ev-1");
        assertThat(f.sources).containsExactly("emergency-call-event:" + CallEventSamples.SUBSCRIPTION,
                "graph:" + Signals.SUBSCRIPTION);
        // Structured fields win; the chat's text fills what the event lacks.
        assertThat(f.dialedNumber).isEqualTo("911");
        assertThat(f.callerDisplayName).isEqualTo(CallEventSamples.EVENT_NAME);
        assertThat(f.callerUpn).isEqualTo(CallEventSamples.UPN);
        assertThat(f.callerPhoneNumber).isEqualTo(CallEventSamples.PHONE);
        assertThat(f.policyName).isEqualTo(CallEventSamples.POLICY);
        assertThat(f.location).isEqualTo(CallEventSamples.eventLocation());
        assertThat(f.locationText).isEqualTo(Signals.LOCATION);
        assertThat(f.endedAtMillis).isZero();
        assertThat(f.durationSeconds).isEqualTo(-1);
    }

    @Test
    void bothOrdersEndInTheSameFact() {
        EmergencySignal chat = Signals.created("chat-1", "m-1").dialed("933", true).build();
        EmergencyCallEvent started = CallEventSamples.started("ev-1", CREATED_AT - 2_000).dialed(null).build();
        EmergencyCallFact chatFirst = onlyLiveFact(published(new CallerCalls(GAP, new ArrayList<>()),
                List.of(In.chat(chat), In.event(started))));
        EmergencyCallFact eventFirst = onlyLiveFact(published(new CallerCalls(GAP, new ArrayList<>()),
                List.of(In.event(started), In.chat(chat))));
        assertThat(chatFirst).isEqualTo(eventFirst);
        assertThat(chatFirst.dialedNumber).as("the event said nothing: the chat's").isEqualTo("933");
        assertThat(chatFirst.testCall).isTrue();
    }

    @Test
    void anEventAfterTheChatIsAMergeAndAnEarlierOneSupersedesTheChatsId() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        CallerCalls.Decision opened = In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        assertThat(opened.outcome()).isEqualTo(AuditOutcome.EMITTED);
        String chatId = opened.factId();

        CallerCalls.Decision merged = In.event(CallEventSamples.started("ev-1", CREATED_AT - 2_000).build())
                .apply(caller);

        String eventId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT - 2_000);
        assertThat(merged.outcome()).isEqualTo(AuditOutcome.MERGED);
        assertThat(merged.published()).extracting(f -> f.factId, f -> f.supersededBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple(eventId, null),
                org.assertj.core.groups.Tuple.tuple(chatId, eventId));
        assertThat(merged.removedIds()).containsExactly(chatId);
    }

    @Test
    void anEventOutsideTheWindowIsAnotherCall() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        CallerCalls.Decision d = In.event(CallEventSamples.started("ev-1", CREATED_AT + GAP + 1).build())
                .apply(caller);
        assertThat(d.outcome()).isEqualTo(AuditOutcome.EMITTED);
        assertThat(caller.open()).hasSize(2);
    }

    @Test
    void callEndedClosesTheCallWithItsDurationFromCallStarted() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller);
        In.chat(Signals.created("chat-1", "m-1").createdAt(CREATED_AT + 2_000).build()).apply(caller);

        CallerCalls.Decision d = In.event(CallEventSamples.ended("ev-1", CREATED_AT + 65_500).build()).apply(caller);

        assertThat(d.outcome()).isEqualTo(AuditOutcome.AMENDED);
        assertThat(d.published()).hasSize(1);
        EmergencyCallFact f = d.published().get(0);
        assertThat(f.revision).isEqualTo(3);
        assertThat(f.endedAtMillis).isEqualTo(CREATED_AT + 65_500);
        assertThat(f.durationSeconds).isEqualTo(65);
        assertThat(f.factId).isEqualTo(FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT));
    }

    @Test
    void withoutCallStartedTheDurationCountsFromTheChat() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        EmergencyCallFact f = In.event(CallEventSamples.ended("ev-1", CREATED_AT + 30_000).build()).apply(caller)
                .live();
        assertThat(f.endedAtMillis).isEqualTo(CREATED_AT + 30_000);
        assertThat(f.durationSeconds).isEqualTo(30);
    }

    @Test
    void callEndedBeforeItsCallWaitsAndEndsTheCallWhenItAppears() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        CallerCalls.Decision waiting = In.event(CallEventSamples.ended("ev-1", CREATED_AT + 40_000).build())
                .apply(caller);
        assertThat(waiting.outcome()).isEqualTo(AuditOutcome.IGNORED);
        assertThat(waiting.reason()).isEqualTo(CallEvents.AWAITING_CALL);
        assertThat(waiting.published()).isEmpty();
        assertThat(caller.pending()).extracting(e -> e.eventType).containsExactly("callEnded");
        assertThat(caller.open()).isEmpty();

        assertThat(In.event(CallEventSamples.ended("ev-1", CREATED_AT + 40_000).build()).apply(caller).outcome())
                .as("a redelivery while it waits").isEqualTo(AuditOutcome.DUPLICATE);

        CallerCalls.Decision started = In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller);
        assertThat(started.outcome()).isEqualTo(AuditOutcome.EMITTED);
        assertThat(started.published().get(0).endedAtMillis).isEqualTo(CREATED_AT + 40_000);
        assertThat(started.published().get(0).durationSeconds).isEqualTo(40);
        assertThat(caller.pending()).isEmpty();
    }

    @Test
    void callEndedBelongsToTheLatestCallStartedBeforeItThatHasNotEnded() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        long tenMinutes = Duration.ofMinutes(10).toMillis();
        In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller);
        In.event(CallEventSamples.started("ev-2", CREATED_AT + tenMinutes).build()).apply(caller);

        EmergencyCallFact second = In.event(CallEventSamples.ended("ev-2", CREATED_AT + tenMinutes + 5_000).build())
                .apply(caller).live();
        EmergencyCallFact first = In.event(CallEventSamples.ended("ev-1", CREATED_AT + tenMinutes + 9_000).build())
                .apply(caller).live();

        assertThat(second.callStartedAtMillis).isEqualTo(CREATED_AT + tenMinutes);
        assertThat(second.durationSeconds).isEqualTo(5);
        assertThat(first.callStartedAtMillis).as("the later call has ended").isEqualTo(CREATED_AT);
        assertThat(first.durationSeconds).isEqualTo(609);
    }

    @Test
    void aRedeliveredEventIsADuplicateAndAChangedOneAnAmendment() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller);

        CallerCalls.Decision again = In.event(CallEventSamples.started("ev-1", CREATED_AT).offset(101).build())
                .apply(caller);
        assertThat(again.outcome()).isEqualTo(AuditOutcome.DUPLICATE);
        assertThat(again.published()).isEmpty();
        assertThat(again.factId()).isEqualTo(FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT));

        CallerCalls.Decision changed = In.event(CallEventSamples.started("ev-1", CREATED_AT)
                .contentHash("event-hash-2").policy("Emergency-EU").build()).apply(caller);
        assertThat(changed.outcome()).isEqualTo(AuditOutcome.AMENDED);
        assertThat(changed.live().policyName).isEqualTo("Emergency-EU");
        assertThat(changed.live().revision).isEqualTo(2);
        assertThat(caller.open().get(0).events).hasSize(1);
    }

    @Test
    void aRosterUpdateNeverOpensACallAndJoinsTheCallItBelongsTo() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller);
        CallerCalls.Decision same = In.event(CallEventSamples.roster("ev-1", CREATED_AT + 5_000).build())
                .apply(caller);
        assertThat(same.outcome()).isEqualTo(AuditOutcome.AMENDED);
        assertThat(same.live().revision).isEqualTo(2);
        assertThat(caller.open().get(0).events).extracting(e -> e.eventType)
                .containsExactly("callStarted", "rosterUpdated");
        assertThat(In.event(CallEventSamples.roster("ev-1", CREATED_AT + 5_000).build()).apply(caller).outcome())
                .isEqualTo(AuditOutcome.DUPLICATE);

        CallerCalls other = new CallerCalls(GAP, new ArrayList<>());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(other);
        CallerCalls.Decision news = In.event(CallEventSamples.roster("ev-1", CREATED_AT + 5_000).build())
                .apply(other);
        assertThat(news.outcome()).isEqualTo(AuditOutcome.AMENDED);
        assertThat(news.live().policyName).isEqualTo(CallEventSamples.POLICY);

        CallerCalls none = new CallerCalls(GAP, new ArrayList<>());
        assertThat(In.event(CallEventSamples.roster("ev-1", CREATED_AT).build()).apply(none).reason())
                .isEqualTo(CallEvents.AWAITING_CALL);
        assertThat(none.open()).isEmpty();
    }

    @Test
    void anUnknownEventTypeIsIgnored() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        CallerCalls.Decision d = caller.apply(CallEventSamples.started("ev-1", CREATED_AT).type("callTransferred")
                .build(), NOW, NOTHING_PUBLISHED);
        assertThat(d.outcome()).isEqualTo(AuditOutcome.IGNORED);
        assertThat(d.reason()).isEqualTo(CallEvents.UNKNOWN_EVENT_TYPE);
        assertThat(caller.open()).isEmpty();
        assertThat(caller.pending()).isEmpty();
    }

    @Test
    void waitingEventsAreBounded() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        for (int i = 0; i < CallEvents.MAX_PENDING + 3; i++) {
            In.event(CallEventSamples.ended("ev-" + i, CREATED_AT + i).build()).apply(caller);
        }
        assertThat(caller.pending()).hasSize(CallEvents.MAX_PENDING);
        assertThat(caller.pending()).extracting(e -> e.eventId).doesNotContain("ev-0", "ev-1", "ev-2");
    }

    /** Chat messages and the call's events, in any order, end in the same live fact. */
    @Test
    void anyArrivalOrderOfChatsAndEventsEndsInTheSameFact() {
        List<In> inputs = List.of(
                In.chat(Signals.created("desk-0", "m-1").createdAt(CREATED_AT + 1_000).location(null).build()),
                In.chat(Signals.created("desk-1", "m-1").createdAt(CREATED_AT + 3_000).build()),
                In.event(CallEventSamples.started("ev-1", CREATED_AT).location(null).dialed(null).build()),
                In.event(CallEventSamples.roster("ev-1", CREATED_AT + 10_000).policy("Emergency-Other").build()),
                In.event(CallEventSamples.ended("ev-1", CREATED_AT + 90_000).build()));
        EmergencyCallFact reference = onlyLiveFact(published(new CallerCalls(GAP, new ArrayList<>()), inputs));
        assertThat(reference.durationSeconds).isEqualTo(90);
        assertThat(reference.policyName).isEqualTo(CallEventSamples.POLICY);
        assertThat(reference.location).as("roster's location (the start gave none)")
                .isEqualTo(CallEventSamples.eventLocation());

        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            List<In> shuffled = new ArrayList<>(inputs);
            Collections.shuffle(shuffled, random);
            EmergencyCallFact f = onlyLiveFact(published(new CallerCalls(GAP, new ArrayList<>()), shuffled));
            f.detectedAtMillis = reference.detectedAtMillis;
            assertThat(f).as("round %d: %s", round, shuffled).usingRecursiveComparison().isEqualTo(reference);
        }
    }

    // ---- directory and sites ---------------------------------------------------------------------------------------

    private static ReferenceUpdate.DirectoryUser user() {
        return CallEventSamples.directoryUser(Signals.TENANT, Signals.CALLER, "alex.dir@contoso.example").user;
    }

    @Test
    void theDirectoryFillsOnlyWhatTheEventDidNotSay() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>(), new ArrayList<>(), user(), List.of());
        In.event(CallEventSamples.started("ev-1", CREATED_AT).phone(null).build()).apply(caller);
        EmergencyCallFact f = caller.open().get(0);
        assertThat(f.callerUpn).isEqualTo(CallEventSamples.UPN);
        assertThat(f.callerPhoneNumber).as("businessPhones[0]").isEqualTo("+15550199");
        assertThat(f.callerDepartment).isEqualTo("Facilities");
        assertThat(f.callerJobTitle).isEqualTo("Engineer");
        assertThat(f.callerOfficeLocation).isEqualTo("B4/2");

        ReferenceUpdate.DirectoryUser mobileOnly = user();
        mobileOnly.businessPhones.clear();
        CallerCalls chatOnly = new CallerCalls(GAP, new ArrayList<>(), new ArrayList<>(), mobileOnly, List.of());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(chatOnly);
        assertThat(chatOnly.open().get(0).callerPhoneNumber).isEqualTo("+15550111");
        assertThat(chatOnly.open().get(0).callerUpn).isEqualTo("alex.dir@contoso.example");
    }

    @Test
    void aDirectoryChangeAmendsOpenCallsAndItsAbsenceLeavesThemValid() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        assertThat(caller.open().get(0).callerDepartment).isNull();

        List<EmergencyCallFact> amended = caller.directoryChanged(user(), NOW + 1_000);
        assertThat(amended).hasSize(1);
        assertThat(amended.get(0).revision).isEqualTo(2);
        assertThat(amended.get(0).updatedAtMillis).isEqualTo(NOW + 1_000);
        assertThat(amended.get(0).callerDepartment).isEqualTo("Facilities");

        assertThat(caller.directoryChanged(user(), NOW + 2_000)).as("nothing new").isEmpty();

        List<EmergencyCallFact> removed = caller.directoryChanged(null, NOW + 3_000);
        assertThat(removed).extracting(f -> f.revision, f -> f.callerDepartment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, null));
    }

    @Test
    void theLocationTextMatchesTheLongestSiteTermAndAnEventLocationWins() {
        ReferenceUpdate.Site global = CallEventSamples.site("site-global", null, "building 4").site;
        ReferenceUpdate.Site floor = CallEventSamples.site("site-floor", Signals.TENANT, "Building 4, floor 2").site;
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>(), new ArrayList<>(), null, List.of(global, floor));
        In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        EmergencyCallFact f = caller.open().get(0);
        assertThat(f.location.source).isEqualTo(StructuredLocation.FROM_SITE);
        assertThat(f.location.siteId).isEqualTo("site-floor");
        assertThat(f.location.responders).containsExactly("desk-site-floor");

        EmergencyCallFact withEvent = In.event(CallEventSamples.started("ev-1", CREATED_AT).build()).apply(caller)
                .live();
        assertThat(withEvent.location).isEqualTo(CallEventSamples.eventLocation());
    }

    @Test
    void aSiteChangeAmendsOpenCalls() {
        CallerCalls caller = new CallerCalls(GAP, new ArrayList<>());
        In.chat(Signals.created("chat-1", "m-1").build()).apply(caller);
        assertThat(caller.open().get(0).location).isNull();

        List<EmergencyCallFact> matched = caller.sitesChanged(
                List.of(CallEventSamples.site("site-4", null, "building 4").site), NOW + 1_000);
        assertThat(matched).extracting(f -> f.revision, f -> f.location.siteId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "site-4"));

        List<EmergencyCallFact> unmatched = caller.sitesChanged(List.of(), NOW + 2_000);
        assertThat(unmatched).extracting(f -> f.revision, f -> f.location)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, null));
    }
}
