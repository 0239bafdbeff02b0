package dev.beacon.job.correlate;

import dev.beacon.contracts.fetched.Origin;
import static dev.beacon.job.correlate.MessageChange.Kind.AMENDED;
import static dev.beacon.job.correlate.MessageChange.Kind.DELETED;
import static dev.beacon.job.correlate.MessageChange.Kind.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.testing.KeyedHarnesses;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageDeduplicatorTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final long NOW = Signals.CREATED_AT + 5_000;

    private CapturedMetrics metrics;
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, EmergencySignal, MessageChange> harness;

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

    private static KeyedOneInputStreamOperatorTestHarness<String, EmergencySignal, MessageChange> newHarness(
            MockEnvironment environment) throws Exception {
        return KeyedHarnesses.keyedByString(new MessageDeduplicator(RETENTION), Keys::message, environment);
    }

    @Test
    void firstSightOfAMessageIsNew() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();

        harness.processElement(created, 0);

        assertThat(harness.extractOutputValues()).containsExactly(new MessageChange(NEW, created));
        assertThat(audits()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void exactRedeliveryIsADuplicate() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").offset(1).build();
        EmergencySignal redelivered = Signals.created("chat-1", "m-1").offset(2).build();

        harness.processElement(created, 0);
        harness.processElement(redelivered, 0);

        assertThat(harness.extractOutputValues()).containsExactly(new MessageChange(NEW, created));
        assertThat(audits()).containsExactly(AuditTrail.of(redelivered, AuditOutcome.DUPLICATE, null, null, NOW));
        assertThat(metrics.count("duplicates")).isEqualTo(1);
        assertThat(metrics.count("unchanged")).isZero();
    }

    @Test
    void sameMessageIdInAnotherChatIsAnotherMessage() throws Exception {
        EmergencySignal first = Signals.created("chat-1", "m-1").build();
        EmergencySignal other = Signals.created("chat-2", "m-1").build();

        harness.processElement(first, 0);
        harness.processElement(other, 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, first), new MessageChange(NEW, other));
        assertThat(audits()).isEmpty();
    }

    @Test
    void reactionOnlyUpdateIsUnchanged() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        EmergencySignal reaction = Signals.updated("chat-1", "m-1").build(); // same content hash

        harness.processElement(created, 0);
        harness.processElement(reaction, 0);

        assertThat(harness.extractOutputValues()).containsExactly(new MessageChange(NEW, created));
        assertThat(audits()).containsExactly(AuditTrail.of(reaction, AuditOutcome.UNCHANGED, null, null, NOW));
        assertThat(metrics.count("unchanged")).isEqualTo(1);
        assertThat(metrics.count("duplicates")).isZero();
    }

    @Test
    void realEditIsAmendedOnceAndItsRedeliveryIsUnchanged() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        EmergencySignal edit = Signals.updated("chat-1", "m-1").contentHash("hash-2").location("Lobby").build();

        harness.processElement(created, 0);
        harness.processElement(edit, 0);
        harness.processElement(edit, 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, created), new MessageChange(AMENDED, edit));
        assertThat(audits()).containsExactly(AuditTrail.of(edit, AuditOutcome.UNCHANGED, null, null, NOW));
    }

    @Test
    void olderVersionArrivingAfterAnEditChangesNothing() throws Exception {
        EmergencySignal edit = Signals.updated("chat-1", "m-1").contentHash("hash-2")
                .lastModifiedAt(Signals.CREATED_AT + 60_000).build();
        EmergencySignal lateOriginal = Signals.created("chat-1", "m-1").build();

        harness.processElement(edit, 0);
        harness.processElement(lateOriginal, 0);

        assertThat(harness.extractOutputValues()).containsExactly(new MessageChange(NEW, edit));
        assertThat(audits()).containsExactly(
                AuditTrail.of(lateOriginal, AuditOutcome.UNCHANGED, MessageDeduplicator.OLDER_VERSION, null, NOW));
    }

    @Test
    void deleteIsEmittedOnceAndEverythingAfterItIsADuplicate() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        EmergencySignal delete = Signals.deleted("chat-1", "m-1").build();
        EmergencySignal lateEdit = Signals.updated("chat-1", "m-1").contentHash("hash-2").build();

        harness.processElement(created, 0);
        harness.processElement(delete, 0);
        harness.processElement(delete, 0);
        harness.processElement(lateEdit, 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, created), new MessageChange(DELETED, delete));
        assertThat(audits()).containsExactly(
                AuditTrail.of(delete, AuditOutcome.DUPLICATE, null, null, NOW),
                AuditTrail.of(lateEdit, AuditOutcome.DUPLICATE, null, null, NOW));
        assertThat(metrics.count("duplicates")).isEqualTo(2);
    }

    @Test
    void detectedDeleteOfAnUnseenMessageIsNewAndRememberedAsDeleted() throws Exception {
        EmergencySignal delete = Signals.deleted("chat-1", "m-1").build();
        EmergencySignal lateCreate = Signals.created("chat-1", "m-1").build();

        harness.processElement(delete, 0);
        harness.processElement(lateCreate, 0);

        assertThat(harness.extractOutputValues()).containsExactly(new MessageChange(NEW, delete));
        assertThat(audits()).containsExactly(AuditTrail.of(lateCreate, AuditOutcome.DUPLICATE, null, null, NOW));
    }

    @Test
    void bareDeleteOfAKnownMessageIsRoutedToItsCaller() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        EmergencySignal bare = Signals.bareDelete("chat-1", "m-1");

        harness.processElement(created, 0);
        harness.processElement(bare, 0);
        harness.processElement(bare, 0);

        EmergencySignal routed = bare.withCaller(Signals.CALLER, Signals.CALLER_NAME);
        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, created), new MessageChange(DELETED, routed));
        assertThat(Keys.caller(routed)).isEqualTo(Keys.caller(created));
        assertThat(audits()).containsExactly(AuditTrail.of(bare, AuditOutcome.DUPLICATE, null, null, NOW));
    }

    @Test
    void bareDeleteOfAnUnknownMessageIsIgnoredWithoutKeepingState() throws Exception {
        EmergencySignal bare = Signals.bareDelete("chat-9", "m-9");

        harness.processElement(bare, 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audits()).containsExactly(AuditTrail.of(
                bare, AuditOutcome.IGNORED, MessageDeduplicator.NOT_AN_EMERGENCY_MESSAGE, null, NOW));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void afterRetentionARedeliveryCountsAsNewAgain() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        harness.setStateTtlProcessingTime(0);
        harness.processElement(created, 0);

        harness.setStateTtlProcessingTime(RETENTION.toMillis() - 1);
        harness.processElement(created, 0);
        harness.setStateTtlProcessingTime(RETENTION.toMillis());
        harness.processElement(created, 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, created), new MessageChange(NEW, created));
        assertThat(audits()).containsExactly(AuditTrail.of(created, AuditOutcome.DUPLICATE, null, null, NOW));
    }

    @Test
    void registersNoTimers() throws Exception {
        harness.processElement(Signals.created("chat-1", "m-1").build(), 0);
        harness.processElement(Signals.updated("chat-1", "m-1").contentHash("hash-2").build(), 0);
        harness.processElement(Signals.bareDelete("chat-1", "m-1"), 0);
        harness.processElement(Signals.bareDelete("chat-2", "m-2"), 0);

        assertThat(harness.extractOutputValues()).extracting(MessageChange::kind)
                .containsExactly(NEW, AMENDED, DELETED);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void stateSurvivesARestore() throws Exception {
        EmergencySignal created = Signals.created("chat-1", "m-1").build();
        harness.processElement(created, 0);
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);

        CapturedMetrics restoredMetrics = new CapturedMetrics();
        try (MockEnvironment restoredEnvironment = restoredMetrics.environment();
                var restored = newHarness(restoredEnvironment)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(NOW);

            EmergencySignal edit = Signals.updated("chat-1", "m-1").contentHash("hash-2").build();
            restored.processElement(created, 0);
            restored.processElement(edit, 0);

            assertThat(restored.extractOutputValues()).containsExactly(new MessageChange(AMENDED, edit));
            assertThat(restored.getSideOutput(AuditTrail.AUDIT)).extracting(StreamRecord::getValue)
                    .containsExactly(AuditTrail.of(created, AuditOutcome.DUPLICATE, null, null, NOW));
            assertThat(restoredMetrics.count("duplicates")).isEqualTo(1);
        }
    }

    private List<AuditRecord> audits() {
        var audits = harness.getSideOutput(AuditTrail.AUDIT);
        return audits == null ? List.of() : audits.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aBackfillOfASeenMessageIsADuplicateAndAnUnseenOneGoesOnAsNew() throws Exception {
        EmergencySignal delivered = Signals.created("chat-1", "m-1").offset(1).build();
        EmergencySignal backfilled = Signals.created("chat-1", "m-1").offset(2).origin(Origin.BACKFILL).build();
        EmergencySignal neverDelivered = Signals.created("chat-2", "m-2").offset(3).origin(Origin.BACKFILL).build();

        harness.processElement(delivered, 0);
        harness.processElement(backfilled, 0);
        harness.processElement(neverDelivered, 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new MessageChange(NEW, delivered), new MessageChange(NEW, neverDelivered));
        assertThat(audits()).containsExactly(AuditTrail.of(backfilled, AuditOutcome.DUPLICATE, null, null, NOW));
        assertThat(metrics.count("duplicates")).isEqualTo(1);
    }
}
