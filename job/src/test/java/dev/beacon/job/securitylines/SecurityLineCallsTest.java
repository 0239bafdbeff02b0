package dev.beacon.job.securitylines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.reference.ReferenceUpdate;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SecurityLineCalls} in an operator harness: exact facts for calls to configured lines, one fact per call
 * whatever is redelivered, calls to other numbers counted and audited, the grace period for lines that arrive late,
 * tombstones, and no state or timer left behind.
 */
class SecurityLineCallsTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final String ACS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.communication/"
            + "communicationservices/acs-security";
    private static final String LINE = "4:+15550100";
    private static final String TENANT = "2432b57b-0abd-43db-aa7b-16eadd115d34";
    private static final String CORRELATION = "d732db64-4803-462d-be9c-518943ea2b7a";
    private static final long RANG_AT = T0 - 2_000;

    private SecurityLineCalls function;
    private KeyedBroadcastOperatorTestHarness<String, IncomingCall, ReferenceUpdate, EmergencyCallFact> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        function = new SecurityLineCalls(GRACE, RETENTION);
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function, SecurityLineFacts::callKey,
                Types.STRING, SecurityLineCalls.LINES);
        harness.setProcessingTime(T0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aCallToASecurityLineIsExactlyThisFact() throws Exception {
        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);
        IncomingCall call = call(CORRELATION, "+1 555-0100");

        harness.processElement(call, 0L);

        EmergencyCallFact expected = new EmergencyCallFact();
        expected.factId = FactIds.securityLineFactId(CORRELATION);
        expected.kind = EmergencyCallFact.KIND_SECURITY_LINE;
        expected.tenantId = TENANT;
        expected.callerUserId = "4:+14255550123";
        expected.callerDisplayName = "Front Desk";
        expected.callerPhoneNumber = "+14255550123";
        expected.calledLine = LINE;
        expected.calledLineName = "Lobby security";
        expected.correlationId = CORRELATION;
        expected.serverCallId = "server-" + CORRELATION;
        expected.callStartedAtMillis = RANG_AT;
        expected.detectedAtMillis = T0;
        expected.updatedAtMillis = T0;
        expected.notificationCount = 1;
        expected.revision = 1;
        expected.sources.add("acs:" + ACS);
        assertThat(harness.extractOutputValues()).containsExactly(expected);
        assertThat(audits()).containsExactly(AuditTrail.of(call, TENANT, AuditOutcome.EMITTED, null,
                expected.factId, T0));
        assertThat(function.facts.getCount()).isEqualTo(1);
    }

    @Test
    void factIdsAreDeterministicAndApartFromEmergencyFacts() {
        assertThat(FactIds.securityLineFactId(CORRELATION)).isEqualTo(FactIds.securityLineFactId(CORRELATION))
                .isNotEqualTo(FactIds.securityLineFactId("another-call"))
                .isNotEqualTo(FactIds.factId(TENANT, CORRELATION, 0L));
        assertThat(java.util.UUID.fromString(FactIds.securityLineFactId(CORRELATION)).version()).isEqualTo(5);
    }

    @Test
    void aRedeliveredCallIsADuplicateAndNoSecondFact() throws Exception {
        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);
        harness.processElement(call(CORRELATION, LINE), 0L);
        harness.setProcessingTime(T0 + 60_000);

        harness.processElement(call(CORRELATION, LINE), 0L);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(audits()).extracting(AuditRecord::outcome, AuditRecord::reason, AuditRecord::factId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditOutcome.EMITTED, null,
                                FactIds.securityLineFactId(CORRELATION)),
                        org.assertj.core.groups.Tuple.tuple(AuditOutcome.DUPLICATE, "same call again",
                                FactIds.securityLineFactId(CORRELATION)));
        assertThat(function.duplicates.getCount()).isEqualTo(1);
    }

    @Test
    void withoutACorrelationIdTheServerCallIdThenTheEventIdKeyTheCall() {
        IncomingCall both = call(CORRELATION, LINE);
        IncomingCall noCorrelation = new IncomingCall(both.source(), "ev-9", ACS, LINE, null, null, null, null,
                "server-1", RANG_AT);
        IncomingCall neither = new IncomingCall(both.source(), "ev-9", ACS, LINE, null, null, null, null, null,
                RANG_AT);

        assertThat(Stream.of(both, noCorrelation, neither).map(SecurityLineFacts::callKey))
                .containsExactly(CORRELATION, "server-1", "ev-9");
    }

    @Test
    void aCallToAnotherNumberIsHeldForTheGraceThenCountedAndIgnored() throws Exception {
        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);
        IncomingCall call = call(CORRELATION, "4:+15559999");

        harness.processElement(call, 0L);
        assertThat(audits()).isEmpty();
        assertThat(heldCalls()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(T0 + GRACE.toMillis());

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audits()).containsExactly(AuditTrail.of(call, null, AuditOutcome.IGNORED,
                SecurityLineCalls.NOT_A_SECURITY_LINE, null, T0 + GRACE.toMillis()));
        assertThat(function.toOtherLines.getCount()).isEqualTo(1);

        // A redelivery within the retention is a duplicate, not counted as another call to another line.
        harness.processElement(call, 0L);
        assertThat(function.toOtherLines.getCount()).isEqualTo(1);
        assertThat(audits()).last().extracting(AuditRecord::outcome).isEqualTo(AuditOutcome.DUPLICATE);

        harness.setProcessingTime(T0 + GRACE.toMillis() + RETENTION.toMillis());
        assertThat(heldCalls()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /** At startup the lines may come after the calls: the line's arrival decides a held call at once. */
    @Test
    void aLineArrivingWithinTheGraceTurnsTheHeldCallIntoAFact() throws Exception {
        harness.processElement(call(CORRELATION, LINE), 0L);
        harness.processElement(call("other-call", "4:+15559999"), 0L);
        harness.setProcessingTime(T0 + 5_000);

        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);

        List<EmergencyCallFact> facts = harness.extractOutputValues();
        assertThat(facts).singleElement().satisfies(f -> {
            assertThat(f.factId).isEqualTo(FactIds.securityLineFactId(CORRELATION));
            assertThat(f.calledLineName).isEqualTo("Lobby security");
            assertThat(f.detectedAtMillis).isEqualTo(T0 + 5_000);
        });
        assertThat(audits()).extracting(AuditRecord::outcome).containsExactly(AuditOutcome.EMITTED);

        // The grace ends: the call to the other number is dropped; the decided one's timer becomes its retention.
        harness.setProcessingTime(T0 + GRACE.toMillis());
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(audits()).extracting(AuditRecord::outcome)
                .containsExactly(AuditOutcome.EMITTED, AuditOutcome.IGNORED);
        assertThat(heldCalls()).isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        harness.setProcessingTime(T0 + GRACE.toMillis() + RETENTION.toMillis());
        assertThat(heldCalls()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aDecidedCallIsForgottenAfterTheRetentionWithNoTimerLeft() throws Exception {
        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);
        harness.processElement(call(CORRELATION, LINE), 0L);
        assertThat(heldCalls()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(T0 + RETENTION.toMillis() - 1);
        assertThat(heldCalls()).isEqualTo(1);

        harness.setProcessingTime(T0 + RETENTION.toMillis());
        assertThat(heldCalls()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aTombstoneRemovesTheLine() throws Exception {
        harness.processBroadcastElement(line(LINE, "Lobby security"), 0L);
        harness.processBroadcastElement(ReferenceUpdate.tombstone(ReferenceUpdate.Kind.SECURITY_LINE, LINE), 0L);

        harness.processElement(call(CORRELATION, LINE), 0L);
        harness.setProcessingTime(T0 + GRACE.toMillis());

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audits()).extracting(AuditRecord::reason).containsExactly(SecurityLineCalls.NOT_A_SECURITY_LINE);
        assertThat(function.toOtherLines.getCount()).isEqualTo(1);
        assertThat(harness.getBroadcastState(SecurityLineCalls.LINES).entries()).isEmpty();
    }

    @Test
    void otherReferenceDataIsNotALine() throws Exception {
        ReferenceUpdate user = ReferenceUpdate.tombstone(ReferenceUpdate.Kind.DIRECTORY_USER, LINE);
        user.user = new ReferenceUpdate.DirectoryUser();

        harness.processBroadcastElement(user, 0L);

        assertThat(harness.getBroadcastState(SecurityLineCalls.LINES).entries()).isEmpty();
    }

    @Test
    void teamsResourceAccountsMatchWhateverTheGuidsCase() throws Exception {
        harness.processBroadcastElement(line("28:orgid:ABCDEF01-2345-6789-abcd-ef0123456789", "Security desk"), 0L);

        harness.processElement(call(CORRELATION, "28:orgid:abcdef01-2345-6789-ABCD-EF0123456789"), 0L);

        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(f -> assertThat(f.calledLineName).isEqualTo("Security desk"));
    }

    // ---------------------------------------------------------------------------------------------------------

    private ReferenceUpdate line(String typed, String name) {
        return ReferenceUpdate.of(new SecurityLineRecord(typed, "integration-1", TENANT, name, null, null, null));
    }

    private IncomingCall call(String correlationId, String to) {
        String toRaw = to.startsWith("+") ? "4:" + to : to;
        return new IncomingCall(new SourceRef("acs-events", 0, offset++, 0, T0 - 1_000), "event-" + offset, ACS,
                toRaw, "4:+14255550123", "+14255550123", "Front Desk", correlationId, "server-" + correlationId,
                RANG_AT);
    }

    private List<AuditRecord> audits() {
        var records = harness.getSideOutput(AuditTrail.AUDIT);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    /** Keys with a call in state. */
    @SuppressWarnings("unchecked")
    private long heldCalls() throws Exception {
        AbstractStreamOperator<EmergencyCallFact> op =
                (AbstractStreamOperator<EmergencyCallFact>) harness.getTwoInputOperator();
        try (Stream<Object> keys = op.getKeyedStateBackend()
                .getKeys(SecurityLineCalls.CALL.getName(), VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }
}
