package dev.beacon.job.correlate;

import dev.beacon.contracts.fetched.Origin;
import static dev.beacon.job.correlate.MessageChange.Kind.AMENDED;
import static dev.beacon.job.correlate.MessageChange.Kind.DELETED;
import static dev.beacon.job.correlate.MessageChange.Kind.NEW;
import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.KeyedBroadcastHarness;
import org.apache.flink.api.common.typeinfo.Types;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallCorrelatorTest {

    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Duration RETENTION = Duration.ofHours(24);
    /** Processing time of the first notification: 20 s after the message was created. */
    private static final long NOW = CREATED_AT + 20_000;
    private static final String FIRST_FACT_ID = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT);

    private CapturedMetrics metrics;
    private MockEnvironment environment;
    private KeyedBroadcastHarness<String, CallerInput, ReferenceUpdate, EmergencyCallFact> harness;

    @BeforeEach
    void openHarness() throws Exception {
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness = newHarness(environment);
        harness.open();
        harness.setProcessingTime(NOW);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
        environment.close();
    }

    static KeyedBroadcastHarness<String, CallerInput, ReferenceUpdate, EmergencyCallFact> newHarness(
            MockEnvironment environment) throws Exception {
        return new KeyedBroadcastHarness<>(new CallCorrelator(WINDOW, RETENTION), List.of(CallerTypes.SITES),
                CallerInput::key, Types.STRING, environment);
    }

    @Test
    void firstMessageEmitsRevisionOneImmediately() throws Exception {
        EmergencySignal first = Signals.created("chat-1", "m-1").build();

        process(NEW, first);

        assertThat(harness.extractOutputValues()).containsExactly(firstFact());
        assertThat(audits()).containsExactly(AuditTrail.of(first, AuditOutcome.EMITTED, null, FIRST_FACT_ID, NOW));
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(1);
        assertThat(metrics.gaugeValue("lastFactLatencyMs")).isEqualTo(20_000L);
        assertThat(metrics.histogram("factLatencyMs").getCount()).isEqualTo(1);
        assertThat(metrics.histogram("factLatencyMs").getStatistics().getMax()).isEqualTo(20_000L);
    }

    @Test
    void sameCallInThreeChatsIsOneFactWithThreeNotifications() throws Exception {
        EmergencySignal chat1 = Signals.created("chat-1", "m-1").location(null).build();
        EmergencySignal chat2 = Signals.created("chat-2", "m-7").createdAt(CREATED_AT + 2_000).build();
        EmergencySignal chat3 = Signals.created("chat-3", "m-1").createdAt(CREATED_AT + 4_000)
                .location("Elsewhere").subscriptionId("sub-2").build();

        process(NEW, chat1);
        harness.setProcessingTime(NOW + 1_000);
        process(NEW, chat2);
        harness.setProcessingTime(NOW + 2_000);
        process(NEW, chat3);

        List<EmergencyCallFact> facts = harness.extractOutputValues();
        assertThat(facts).extracting(f -> f.factId).containsOnly(FIRST_FACT_ID);
        assertThat(facts).extracting(f -> f.revision).containsExactly(1, 2, 3);
        assertThat(facts).extracting(f -> f.notificationCount).containsExactly(1, 2, 3);

        EmergencyCallFact expected = firstFact();
        expected.revision = 3;
        expected.notificationCount = 3;
        expected.updatedAtMillis = NOW + 2_000;
        expected.locationText = Signals.LOCATION; // the earliest message that names one: chat 2, not chat 3
        expected.sources.add("graph:sub-2");
        expected.messages = new ArrayList<>(List.of(
                CallerCalls.toRef(chat1), CallerCalls.toRef(chat2), CallerCalls.toRef(chat3)));
        assertThat(facts.get(2)).isEqualTo(expected);
        assertThat(audits()).containsExactly(
                AuditTrail.of(chat1, AuditOutcome.EMITTED, null, FIRST_FACT_ID, NOW),
                AuditTrail.of(chat2, AuditOutcome.MERGED, null, FIRST_FACT_ID, NOW + 1_000),
                AuditTrail.of(chat3, AuditOutcome.MERGED, null, FIRST_FACT_ID, NOW + 2_000));
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(1);
        assertThat(metrics.count("merged")).isEqualTo(2);
    }

    @Test
    void messagesExactlyOneWindowApartMergeButOneMillisecondMoreOpensANewFact() throws Exception {
        long window = WINDOW.toMillis();
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-2", "m-1").createdAt(CREATED_AT + window).build());
        process(NEW, Signals.created("chat-3", "m-1").createdAt(CREATED_AT - window - 1).build());

        assertThat(harness.extractOutputValues()).extracting(f -> f.factId, f -> f.revision).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, 1),
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, 2),
                org.assertj.core.groups.Tuple.tuple(
                        FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT - window - 1), 1));
    }

    @Test
    void aMessageBetweenTwoCallsBridgesThemIntoOneFactUnderTheEarliestId() throws Exception {
        long eightMinutes = Duration.ofMinutes(8).toMillis();
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-1", "m-2").createdAt(CREATED_AT + eightMinutes).build());
        EmergencySignal between = Signals.created("chat-2", "m-1").createdAt(CREATED_AT + Duration.ofMinutes(5)
                .toMillis()).build();

        process(NEW, between);

        String laterFactId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT + eightMinutes);
        List<EmergencyCallFact> out = harness.extractOutputValues();
        assertThat(out).extracting(f -> f.factId, f -> f.supersededBy, f -> f.revision, f -> f.notificationCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null, 1, 1),
                        org.assertj.core.groups.Tuple.tuple(laterFactId, null, 1, 1),
                        org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null, 3, 3),
                        org.assertj.core.groups.Tuple.tuple(laterFactId, FIRST_FACT_ID, 3, 0));
        assertThat(out.get(2).supersedes).containsExactly(laterFactId);
        assertThat(audits()).last().isEqualTo(AuditTrail.of(between, AuditOutcome.MERGED, null, FIRST_FACT_ID, NOW));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(metrics.count("superseded")).isEqualTo(1);
    }

    @Test
    void sameCallerHoursLaterIsASecondFact() throws Exception {
        long threeHours = Duration.ofHours(3).toMillis();
        process(NEW, Signals.created("chat-1", "m-1").build());
        harness.setProcessingTime(NOW + threeHours);
        EmergencySignal later = Signals.created("chat-1", "m-2").createdAt(CREATED_AT + threeHours).build();

        process(NEW, later);

        List<EmergencyCallFact> facts = harness.extractOutputValues();
        String secondId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT + threeHours);
        assertThat(secondId).isNotEqualTo(FIRST_FACT_ID);
        assertThat(facts).extracting(f -> f.factId).containsExactly(FIRST_FACT_ID, secondId);
        assertThat(facts.get(1).revision).isEqualTo(1);
        assertThat(facts.get(1).notificationCount).isEqualTo(1);
        assertThat(facts.get(1).callStartedAtMillis).isEqualTo(CREATED_AT + threeHours);
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(2);
        assertThat(metrics.count("merged")).isZero();
    }

    @Test
    void twoCallersAreTwoFacts() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-2", "m-1").caller("user-caller-2", "Sam Other").build());

        List<EmergencyCallFact> facts = harness.extractOutputValues();
        assertThat(facts).extracting(f -> f.factId).containsExactly(
                FIRST_FACT_ID, FactIds.factId(Signals.TENANT, "user-caller-2", CREATED_AT));
        assertThat(facts).extracting(f -> f.callerUserId).containsExactly(Signals.CALLER, "user-caller-2");
        assertThat(facts).extracting(f -> f.revision).containsExactly(1, 1);
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(2);
    }

    @Test
    void amendmentUpdatesContentAndRevision() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        harness.setProcessingTime(NOW + 60_000);
        EmergencySignal edit = Signals.updated("chat-1", "m-1").contentHash("hash-2").location("Lobby, door 3")
                .dialed(null, false).build();

        process(AMENDED, edit);

        EmergencyCallFact expected = firstFact();
        expected.revision = 2;
        expected.updatedAtMillis = NOW + 60_000;
        expected.locationText = "Lobby, door 3";
        expected.messages.get(0).contentHash = "hash-2";
        expected.messages.get(0).locationText = "Lobby, door 3";
        expected.messages.get(0).lastModifiedAtMillis = CREATED_AT + 1_000;
        assertThat(harness.extractOutputValues()).last().isEqualTo(expected);
        assertThat(audits()).last().isEqualTo(
                AuditTrail.of(edit, AuditOutcome.AMENDED, null, FIRST_FACT_ID, NOW + 60_000));
        assertThat(metrics.count("amended")).isEqualTo(1);
    }

    @Test
    void deletionIsRecordedOnTheFact() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-2", "m-1").build());
        EmergencySignal delete = Signals.bareDelete("chat-1", "m-1").withCaller(Signals.CALLER, Signals.CALLER_NAME);

        process(DELETED, delete);

        EmergencyCallFact expected = firstFact();
        expected.revision = 3;
        expected.notificationCount = 2;
        expected.deletedCount = 1;
        expected.messages.get(0).deleted = true;
        expected.messages.add(CallerCalls.toRef(Signals.created("chat-2", "m-1").build()));
        assertThat(harness.extractOutputValues()).hasSize(3).last().isEqualTo(expected);
        assertThat(audits()).last().isEqualTo(AuditTrail.of(delete, AuditOutcome.DELETED, null, FIRST_FACT_ID, NOW));
        assertThat(metrics.count("deleted")).isEqualTo(1);
    }

    @Test
    void newFromADeletedNotificationStartsTheMessageDeleted() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.deleted("chat-2", "m-1").build());

        EmergencyCallFact fact = harness.extractOutputValues().get(1);
        assertThat(fact.revision).isEqualTo(2);
        assertThat(fact.notificationCount).isEqualTo(2);
        assertThat(fact.deletedCount).isEqualTo(1);
        assertThat(fact.messages).extracting(m -> m.deleted).containsExactly(false, true);
    }

    @Test
    void earlierMessageArrivingLateMovesTheIdToItAndSupersedesTheProvisionalOne() throws Exception {
        process(NEW, Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 3_000).build());
        process(NEW, Signals.created("chat-1", "m-1").build());

        List<EmergencyCallFact> facts = harness.extractOutputValues();
        String provisionalId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT + 3_000);
        assertThat(facts).extracting(f -> f.factId, f -> f.supersededBy, f -> f.callStartedAtMillis, f -> f.revision)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(provisionalId, null, CREATED_AT + 3_000, 1),
                        org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null, CREATED_AT, 2),
                        org.assertj.core.groups.Tuple.tuple(provisionalId, FIRST_FACT_ID, CREATED_AT, 2));
        assertThat(facts.get(1).supersedes).containsExactly(provisionalId);
        assertThat(facts.get(1).messages).extracting(m -> m.chatId).containsExactly("chat-1", "chat-2");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void inOrderArrivalPublishesNoSupersede() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 3_000).build());

        assertThat(harness.extractOutputValues()).extracting(f -> f.factId, f -> f.supersededBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null),
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null));
        assertThat(metrics.count("superseded")).isZero();
    }

    /**
     * The crash the drill found: an attempt publishes the later desk message's id, dies before the checkpoint, and
     * the next attempt sees the earlier message first. The recovered correlator answers the id it never saw.
     */
    @Test
    void afterARecoveryTheIdsAnEarlierAttemptMayHavePublishedAreSuperseded() throws Exception {
        OperatorSubtaskState beforeEither = harness.snapshot(0, 0);
        EmergencySignal later = Signals.created("chat-2", "m-1").createdAt(CREATED_AT + 3_000).build();
        EmergencySignal earlier = Signals.created("chat-1", "m-1").build();
        process(NEW, later); // the failed attempt: published the provisional id, then died
        List<EmergencyCallFact> published = new ArrayList<>(harness.extractOutputValues());

        try (MockEnvironment env = new CapturedMetrics().environment(); var recovered = newHarness(env)) {
            recovered.setup();
            recovered.initializeState(beforeEither);
            recovered.open();
            recovered.setProcessingTime(NOW);
            recovered.processElement(CallerInput.of(new MessageChange(NEW, earlier)), 0);
            recovered.processElement(CallerInput.of(new MessageChange(NEW, later)), 0);
            published.addAll(recovered.extractOutputValues());
        }

        String provisionalId = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT + 3_000);
        assertThat(published).extracting(f -> f.factId, f -> f.supersededBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple(provisionalId, null),
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null),
                org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, null),
                org.assertj.core.groups.Tuple.tuple(provisionalId, FIRST_FACT_ID));
        LiveFacts consumer = new LiveFacts().applyAll(published);
        assertThat(consumer.facts()).extracting(f -> f.factId, f -> f.notificationCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FIRST_FACT_ID, 2));
    }

    @Test
    void factIdsAreTheSameInAReplay() throws Exception {
        List<EmergencyCallFact> firstRun = runScenario();
        List<EmergencyCallFact> secondRun = runScenario();

        assertThat(firstRun).hasSize(4).isEqualTo(secondRun);
        assertThat(firstRun).extracting(f -> f.factId).containsExactly(
                FIRST_FACT_ID, FIRST_FACT_ID, FactIds.factId(Signals.TENANT, "user-caller-2", CREATED_AT),
                FIRST_FACT_ID);
        assertThat(firstRun).extracting(f -> f.revision).containsExactly(1, 2, 1, 3);
    }

    @Test
    void redeliveredNewOfAMergedMessageChangesNothing() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-2", "m-1").build());
        EmergencySignal again = Signals.created("chat-1", "m-1").offset(9).build();

        process(NEW, again);

        assertThat(harness.extractOutputValues()).hasSize(2).last()
                .extracting(f -> f.notificationCount, f -> f.revision).containsExactly(2, 2);
        assertThat(audits()).last().isEqualTo(AuditTrail.of(again, AuditOutcome.DUPLICATE, null, FIRST_FACT_ID, NOW));
    }

    @Test
    void newWithDifferentContentForAKnownMessageIsAnAmendment() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        EmergencySignal edited = Signals.updated("chat-1", "m-1").contentHash("hash-2").location("Lobby").build();

        process(NEW, edited);

        assertThat(harness.extractOutputValues()).hasSize(2).last()
                .extracting(f -> f.notificationCount, f -> f.revision, f -> f.locationText)
                .containsExactly(1, 2, "Lobby");
        assertThat(audits()).last().isEqualTo(AuditTrail.of(edited, AuditOutcome.AMENDED, null, FIRST_FACT_ID, NOW));
    }

    @Test
    void aChangeWithoutCallerIsADeadLetterNeverIgnored() throws Exception {
        EmergencySignal anonymous = Signals.created("chat-1", "m-1").caller(null, null).build();

        process(NEW, anonymous);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audits()).containsExactly(AuditTrail.of(anonymous, AuditOutcome.INVALID,
                DeadLetterReason.PROCESSING_ERROR.label(), null, NOW));
        assertThat(deadLetters()).containsExactly(new DeadLetter(anonymous.source(),
                DeadLetterReason.PROCESSING_ERROR, "correlator received a change without tenant or caller", "",
                false, NOW));
        assertThat(metrics.count("deadLetters")).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aNewMessageWithoutCallTimeIsADeadLetterNeverAWallClockFact() throws Exception {
        EmergencySignal timeless = Signals.created("chat-1", "m-1").createdAt(0).build();

        process(NEW, timeless);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::detail)
                .containsExactly("correlator received a new message without a call time");
    }

    @Test
    void aCallTimeTakenFromTheNotificationIsFlaggedAndNotMeasuredAsLatency() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").createdAtInferred(true).build());

        EmergencyCallFact fact = harness.extractOutputValues().get(0);
        assertThat(fact.factId).isEqualTo(FIRST_FACT_ID);
        assertThat(fact.callStartedAtInferred).isTrue();
        assertThat(metrics.histogram("factLatencyMs").getCount()).isZero();
    }

    @Test
    void factsLeaveStateAfterRetentionAndLaterChangesAreIgnored() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        harness.setProcessingTime(NOW + RETENTION.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.setProcessingTime(NOW + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        EmergencySignal lateEdit = Signals.updated("chat-1", "m-1").contentHash("hash-2").build();
        EmergencySignal lateDelete = Signals.bareDelete("chat-1", "m-1").withCaller(Signals.CALLER, null);
        process(AMENDED, lateEdit);
        process(DELETED, lateDelete);
        long now = NOW + RETENTION.toMillis();
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(audits()).containsExactly(
                AuditTrail.of(Signals.created("chat-1", "m-1").build(), AuditOutcome.EMITTED, null, FIRST_FACT_ID,
                        NOW),
                AuditTrail.of(lateEdit, AuditOutcome.IGNORED, CallerCalls.FACT_EXPIRED, null, now),
                AuditTrail.of(lateDelete, AuditOutcome.IGNORED, CallerCalls.FACT_EXPIRED, null, now));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void everyChangePushesRetentionBackAndReplacesTheTimer() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        harness.setProcessingTime(NOW + 3_600_000);
        process(NEW, Signals.created("chat-2", "m-1").build());

        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(NOW + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.setProcessingTime(NOW + 3_600_000 + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aTimerSharedByTwoFactsIsKeptUntilBothMoveOn() throws Exception {
        long threeHours = Duration.ofHours(3).toMillis();
        process(NEW, Signals.created("chat-1", "m-1").build());
        process(NEW, Signals.created("chat-1", "m-2").createdAt(CREATED_AT + threeHours).build());
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(NOW + 1_000);
        process(AMENDED, Signals.updated("chat-1", "m-1").contentHash("hash-2").build());
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        harness.setProcessingTime(NOW + RETENTION.toMillis());
        EmergencySignal secondFactEdit = Signals.updated("chat-1", "m-2").contentHash("hash-2").build();
        process(AMENDED, secondFactEdit);
        assertThat(audits()).last().extracting(AuditRecord::outcome, AuditRecord::reason)
                .containsExactly(AuditOutcome.IGNORED, CallerCalls.FACT_EXPIRED);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(NOW + 1_000 + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void stateAndTimersSurviveARestore() throws Exception {
        process(NEW, Signals.created("chat-1", "m-1").build());
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);

        CapturedMetrics restoredMetrics = new CapturedMetrics();
        try (MockEnvironment restoredEnvironment = restoredMetrics.environment();
                var restored = newHarness(restoredEnvironment)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(NOW + 1_000);
            EmergencySignal chat2 = Signals.created("chat-2", "m-1").build();

            restored.processElement(CallerInput.of(new MessageChange(NEW, chat2)), 0);

            EmergencyCallFact expected = firstFact();
            expected.revision = 2;
            expected.notificationCount = 2;
            expected.updatedAtMillis = NOW + 1_000;
            expected.messages.add(CallerCalls.toRef(chat2));
            assertThat(restored.extractOutputValues()).containsExactly(expected);
            assertThat(restored.getSideOutput(AuditTrail.AUDIT)).extracting(StreamRecord::getValue)
                    .containsExactly(AuditTrail.of(chat2, AuditOutcome.MERGED, null, FIRST_FACT_ID, NOW + 1_000));
            assertThat(restoredMetrics.count("merged")).isEqualTo(1);

            restored.setProcessingTime(NOW + 1_000 + RETENTION.toMillis());
            assertThat(restored.numKeyedStateEntries()).isZero();
            assertThat(restored.numProcessingTimeTimers()).isZero();
        }
    }

    /** The fact the default signal (chat-1/m-1, processed at NOW) opens. */
    private static EmergencyCallFact firstFact() {
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = FIRST_FACT_ID;
        f.tenantId = Signals.TENANT;
        f.callerUserId = Signals.CALLER;
        f.callerDisplayName = Signals.CALLER_NAME;
        f.dialedNumber = "911";
        f.testCall = false;
        f.locationText = Signals.LOCATION;
        f.callStartedAtMillis = CREATED_AT;
        f.detectedAtMillis = NOW;
        f.updatedAtMillis = NOW;
        f.notificationCount = 1;
        f.deletedCount = 0;
        f.revision = 1;
        f.sources = new ArrayList<>(List.of("graph:sub-1"));
        f.messages = new ArrayList<>(List.of(CallerCalls.toRef(Signals.created("chat-1", "m-1").build())));
        return f;
    }

    private List<EmergencyCallFact> runScenario() throws Exception {
        try (MockEnvironment env = new CapturedMetrics().environment(); var run = newHarness(env)) {
            run.open();
            run.setProcessingTime(NOW);
            run.processElement(CallerInput.of(new MessageChange(NEW, Signals.created("chat-1", "m-1").build())), 0);
            run.processElement(CallerInput.of(new MessageChange(NEW, Signals.created("chat-2", "m-1").build())), 0);
            run.processElement(CallerInput.of(new MessageChange(NEW,
                    Signals.created("chat-3", "m-1").caller("user-caller-2", null).build())), 0);
            run.processElement(CallerInput.of(new MessageChange(DELETED, Signals.deleted("chat-2", "m-1").build())), 0);
            return run.extractOutputValues();
        }
    }

    private void process(MessageChange.Kind kind, EmergencySignal signal) throws Exception {
        harness.processElement(CallerInput.of(new MessageChange(kind, signal)), 0);
    }

    private List<DeadLetter> deadLetters() {
        var letters = harness.getSideOutput(AuditTrail.DEAD_LETTERS);
        return letters == null ? List.of() : letters.stream().map(StreamRecord::getValue).toList();
    }

    private List<AuditRecord> audits() {
        var audits = harness.getSideOutput(AuditTrail.AUDIT);
        return audits == null ? List.of() : audits.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aBackfilledMessageNobodySawIsAuditedRecoveredAndCounted() throws Exception {
        EmergencySignal backfilled = Signals.created("chat-1", "m-1").origin(Origin.BACKFILL).build();
        EmergencySignal graphDelivered = Signals.created("chat-2", "m-2").createdAt(CREATED_AT + 1_000).build();

        process(NEW, backfilled);
        process(NEW, graphDelivered);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(audits()).containsExactly(
                AuditTrail.of(backfilled, AuditOutcome.RECOVERED, "emitted", FIRST_FACT_ID, NOW),
                AuditTrail.of(graphDelivered, AuditOutcome.MERGED, null, FIRST_FACT_ID, NOW));
        assertThat(metrics.count("backfillRecovered")).isEqualTo(1);
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(1);
        assertThat(metrics.count("merged")).isEqualTo(1);
    }
}
