package dev.beacon.job.correlate;

import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.testing.KeyedBroadcastHarness;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CallCorrelator} with Graph's emergency call events, the caller's directory entry and ops' sites: audit
 * rows for events, revisions for reference changes, and state and timers of waiting events cleaned up.
 */
class CallCorrelatorEventsTest {

    private static final Duration RETENTION = Duration.ofHours(24);
    private static final long NOW = CREATED_AT + 20_000;
    private static final String FACT_ID = FactIds.factId(Signals.TENANT, Signals.CALLER, CREATED_AT);

    private CapturedMetrics metrics;
    private MockEnvironment environment;
    private KeyedBroadcastHarness<String, CallerInput, ReferenceUpdate, EmergencyCallFact> harness;

    @BeforeEach
    void openHarness() throws Exception {
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness = CallCorrelatorTest.newHarness(environment);
        harness.open();
        harness.setProcessingTime(NOW);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
        environment.close();
    }

    @Test
    void anEventOpensTheFactAndTheChatJoinsItEachAudited() throws Exception {
        EmergencyCallEvent started = CallEventSamples.started("ev-1", CREATED_AT).build();
        EmergencySignal chat = Signals.created("chat-1", "m-1").createdAt(CREATED_AT + 2_000).build();

        harness.processElement(CallerInput.of(started), 0);
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW, chat)), 0);
        harness.processElement(CallerInput.of(started), 0);

        assertThat(harness.extractOutputValues()).extracting(f -> f.factId, f -> f.revision, f -> f.sources.size())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FACT_ID, 1, 1),
                        org.assertj.core.groups.Tuple.tuple(FACT_ID, 2, 2));
        assertThat(audits()).containsExactly(
                AuditTrail.of(started, AuditOutcome.EMITTED, null, FACT_ID, NOW),
                AuditTrail.of(chat, AuditOutcome.MERGED, null, FACT_ID, NOW),
                AuditTrail.of(started, AuditOutcome.DUPLICATE, null, FACT_ID, NOW));
        assertThat(audits().get(0)).extracting(AuditRecord::changeType, AuditRecord::chatId, AuditRecord::messageId)
                .containsExactly("callStarted", null, "ev-1");
        assertThat(metrics.count("emergenciesDetected")).isEqualTo(1);
        assertThat(metrics.gaugeValue("lastFactLatencyMs")).isEqualTo(20_000L);
    }

    @Test
    void aCallEndedBeforeItsCallWaitsInStateUntilTheCallAndNothingIsLeftAfterRetention() throws Exception {
        EmergencyCallEvent ended = CallEventSamples.ended("ev-1", CREATED_AT + 61_000).build();
        harness.processElement(CallerInput.of(ended), 0);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audits()).containsExactly(
                AuditTrail.of(ended, AuditOutcome.IGNORED, CallEvents.AWAITING_CALL, null, NOW));
        assertThat(metrics.count("callEventsAwaitingCall")).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(NOW + 1_000);
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-1", "m-1").build())), 0);
        assertThat(harness.extractOutputValues()).extracting(f -> f.endedAtMillis, f -> f.durationSeconds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CREATED_AT + 61_000, 61L));
        assertThat(harness.numKeyedStateEntries()).as("the call only; the waiting list is cleared").isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        harness.setProcessingTime(NOW + 1_000 + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aWaitingEventWhoseCallNeverComesLeavesStateAfterRetention() throws Exception {
        harness.processElement(CallerInput.of(CallEventSamples.ended("ev-1", CREATED_AT).build()), 0);
        harness.setProcessingTime(NOW + RETENTION.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.setProcessingTime(NOW + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anEventWithoutCallerIsADeadLetter() throws Exception {
        EmergencyCallEvent orphan = CallEventSamples.started("ev-1", CREATED_AT).callerUserId(null).build();
        harness.processElement(CallerInput.of(orphan), 0);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).hasSize(1);
        assertThat(audits()).extracting(AuditRecord::outcome).containsExactly(AuditOutcome.INVALID);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aDirectoryEntryBeforeAndAfterTheCallFillsTheCallerFields() throws Exception {
        ReferenceUpdate user = CallEventSamples.directoryUser(Signals.TENANT, Signals.CALLER, "alex@contoso.example");
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-1", "m-1").build())), 0);
        harness.setProcessingTime(NOW + 1_000);
        harness.processElement(CallerInput.of(user), 0);

        assertThat(harness.extractOutputValues()).extracting(f -> f.revision, f -> f.callerDepartment,
                f -> f.updatedAtMillis).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, null, NOW),
                        org.assertj.core.groups.Tuple.tuple(2, "Facilities", NOW + 1_000));
        assertThat(metrics.count("enriched")).isEqualTo(1);
        assertThat(audits()).hasSize(1); // the directory is not a notification
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2); // the call and the directory entry

        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-2", "m-1").build())), 0);
        assertThat(harness.extractOutputValues()).last().extracting(f -> f.callerJobTitle).isEqualTo("Engineer");

        harness.processElement(CallerInput.of(ReferenceUpdate.tombstone(ReferenceUpdate.Kind.DIRECTORY_USER,
                Keys.caller(Signals.TENANT, Signals.CALLER))), 0);
        assertThat(harness.extractOutputValues()).last().extracting(f -> f.revision, f -> f.callerJobTitle)
                .containsExactly(4, null);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void aSiteChangeAmendsOpenFactsOfEveryCaller() throws Exception {
        harness.processElement(CallerInput.of(
                CallEventSamples.directoryUser(Signals.TENANT, Signals.CALLER, "alex@contoso.example")), 0);
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-1", "m-1").build())), 0);
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-2", "m-1").caller("user-b", "Bo").location("Parking").build())), 0);
        harness.setProcessingTime(NOW + 1_000);

        harness.processBroadcastElement(CallEventSamples.site("site-4", null, "building 4"), 0);

        assertThat(harness.extractOutputValues()).extracting(f -> f.callerUserId, f -> f.revision,
                f -> f.location == null ? null : f.location.siteId).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Signals.CALLER, 1, null),
                        org.assertj.core.groups.Tuple.tuple("user-b", 1, null),
                        org.assertj.core.groups.Tuple.tuple(Signals.CALLER, 2, "site-4"));
        assertThat(harness.extractOutputValues().get(2).callerDepartment)
                .as("the amendment still sees the caller's directory entry").isEqualTo("Facilities");

        // A later call matches the site from broadcast state; a removed site no longer does.
        harness.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                Signals.created("chat-3", "m-1").caller("user-c", "Cy").build())), 0);
        assertThat(harness.extractOutputValues()).last().extracting(f -> f.location.siteId).isEqualTo("site-4");
        harness.processBroadcastElement(ReferenceUpdate.tombstone(ReferenceUpdate.Kind.SITE, "site-4"), 0);
        assertThat(harness.extractOutputValues()).hasSize(6);
        assertThat(harness.extractOutputValues().subList(4, 6)).allMatch(f -> f.location == null);
        assertThat(metrics.count("enriched")).isEqualTo(3);
    }

    @Test
    void sitesAndWaitingEventsSurviveARestore() throws Exception {
        harness.processBroadcastElement(CallEventSamples.site("site-4", null, "building 4"), 0);
        harness.processElement(CallerInput.of(CallEventSamples.ended("ev-1", CREATED_AT + 10_000).location(null)
                .build()), 0);
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);

        try (MockEnvironment env = new CapturedMetrics().environment();
                var restored = CallCorrelatorTest.newHarness(env)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(NOW + 1_000);
            restored.processElement(CallerInput.of(new MessageChange(MessageChange.Kind.NEW,
                    Signals.created("chat-1", "m-1").build())), 0);
            assertThat(restored.extractOutputValues()).extracting(f -> f.location.siteId, f -> f.durationSeconds)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("site-4", 10L));
        }
    }

    /** On RocksDB a state object changed in place is lost unless written back: the waiting list must be. */
    @Test
    void aChangedRedeliveryOfAWaitingEventIsKeptOnRocksDb() throws Exception {
        try (MockEnvironment env = new CapturedMetrics().environment();
                var rocks = CallCorrelatorTest.newHarness(env)) {
            rocks.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
            rocks.open();
            rocks.setProcessingTime(NOW);
            StructuredLocation moved = CallEventSamples.eventLocation();
            moved.city = "Bellevue";
            rocks.processElement(CallerInput.of(CallEventSamples.ended("ev-1", CREATED_AT + 5_000).build()), 0);
            rocks.processElement(CallerInput.of(CallEventSamples.ended("ev-1", CREATED_AT + 5_000)
                    .contentHash("event-hash-2").location(moved).build()), 0);
            rocks.processElement(CallerInput.of(CallEventSamples.started("ev-1", CREATED_AT).location(null).build()),
                    0);
            rocks.processElement(CallerInput.of(CallEventSamples.roster("ev-1", CREATED_AT + 1_000)
                    .contentHash("roster-1").location(null).policy("Emergency-EU").build()), 0);

            assertThat(rocks.extractOutputValues()).extracting(f -> f.revision, f -> f.location.city,
                    f -> f.durationSeconds).containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, "Bellevue", 5L),
                            org.assertj.core.groups.Tuple.tuple(2, "Bellevue", 5L));
        }
    }

    private List<DeadLetter> deadLetters() {
        var letters = harness.getSideOutput(AuditTrail.DEAD_LETTERS);
        return letters == null ? List.of() : letters.stream().map(StreamRecord::getValue).toList();
    }

    private List<AuditRecord> audits() {
        var audits = harness.getSideOutput(AuditTrail.AUDIT);
        return audits == null ? List.of() : audits.stream().map(StreamRecord::getValue).toList();
    }
}
