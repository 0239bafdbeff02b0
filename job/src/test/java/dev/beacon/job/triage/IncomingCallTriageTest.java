package dev.beacon.job.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.securitylines.IncomingCall;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure Communication Services {@code IncomingCall} events through {@link NotificationTriage}, in each schema they
 * can arrive in (Event Grid array or single event, CloudEvents single, batch or binary mode), next to Graph's own
 * CloudEvents; other Azure events are audited and counted, broken ones are dead letters with their reason.
 */
class IncomingCallTriageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_STATE = "Zx81-acs-test-state";
    private static final TestKeys KEYS = TestKeys.generate("acs-test-certificate");
    private static final long NOW = 1_704_103_300_000L;
    private static final String ACS = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-security/"
            + "providers/microsoft.communication/communicationservices/acs-security";
    private static final long EVENT_TIME = Instant.parse("2022-08-25T19:27:24.241Z").toEpochMilli();
    private static final String CONTEXT = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.c2VjcmV0LWNhbGwtY29udGV4dA.";

    @TempDir
    Path dir;

    private TriageHarness triage;

    @BeforeEach
    void open() throws Exception {
        triage = new TriageHarness(dir, CLIENT_STATE, KEYS, NOW);
    }

    @AfterEach
    void close() throws Exception {
        triage.close();
    }

    @Test
    void theDocumentedEventGridArrayIsAnIncomingCall() throws Exception {
        RawRecord record = triage.process(resourceText("incoming-call-eventgrid.json"));

        assertThat(triage.single(TriageOutputs.INCOMING_CALLS)).isEqualTo(expectedCall(record.ref().forItem(0)));
        assertThat(triage.out(AuditTrail.DEAD_LETTERS)).isEmpty();
        // The security-line stage writes its audit row.
        assertThat(triage.out(AuditTrail.AUDIT)).isEmpty();
        assertThat(triage.signals()).isEmpty();
        assertThat(triage.metrics.count("incomingCalls")).isEqualTo(1);
        assertThat(triage.metrics.count("notificationsIn")).isEqualTo(1);
    }

    @Test
    void aSingleEventGridEventToo() throws Exception {
        RawRecord record = triage.process(eventGridEvent().toString());

        assertThat(triage.single(TriageOutputs.INCOMING_CALLS)).isEqualTo(expectedCall(record.ref().forItem(0)));
    }

    @Test
    void acsUsersAreCalledByTheirRawIds() throws Exception {
        triage.process(resourceText("incoming-call-acs-users.json"));

        IncomingCall call = triage.single(TriageOutputs.INCOMING_CALLS);
        assertThat(call.toRawId()).isEqualTo("8:acs:recipient");
        assertThat(call.fromRawId()).isEqualTo("8:acs:caller");
        assertThat(call.callerPhoneNumber()).isNull();
        assertThat(call.callerDisplayName()).isEqualTo("John Doe");
    }

    @Test
    void aStructuredCloudEventIsAnIncomingCallWithItsSourceAsTheResource() throws Exception {
        RawRecord record = triage.process(cloudEvent("ce-1").toString());

        IncomingCall call = triage.single(TriageOutputs.INCOMING_CALLS);
        assertThat(call).isEqualTo(new IncomingCall(record.ref().forItem(0), "ce-1", ACS, "4:+15550100",
                "4:+14255550123", "+14255550123", "Front Desk Lobby", "d732db64-4803-462d-be9c-518943ea2b7a",
                serverCallId(), EVENT_TIME));
    }

    @Test
    void aBinaryModeCloudEventToo() throws Exception {
        triage.process(eventGridEvent().get("data").toString(), "ce_specversion", "1.0", "ce_id", "ce-bin",
                "ce_source", ACS, "ce_type", "Microsoft.Communication.IncomingCall", "ce_time",
                "2022-08-25T19:27:24.2415391Z", "content-type", "application/json");

        IncomingCall call = triage.single(TriageOutputs.INCOMING_CALLS);
        assertThat(call.eventId()).isEqualTo("ce-bin");
        assertThat(call.acsResource()).isEqualTo(ACS);
        assertThat(call.eventAtMillis()).isEqualTo(EVENT_TIME);
    }

    /** Graph's CloudEvents and ACS's share a batch: each is told apart by its type and takes its own path. */
    @Test
    void graphCloudEventsStillTakeTheGraphPath() throws Exception {
        EncryptedContent c = GraphEncryption.encrypt(
                ChatMessages.emergency().node().toString().getBytes(StandardCharsets.UTF_8), KEYS, KEYS.certificateId());
        String graph = GraphPayloads.cloudEvent("ce-graph", "Microsoft.Graph.ChatMessageCreated",
                "/tenants/" + ChatMessages.TENANT_ID + "/applications/a1",
                GraphPayloads.chatMessageItem("sub-1", "created", CLIENT_STATE, ChatMessages.TENANT_ID,
                        ChatMessages.GROUP_CHAT_ID, ChatMessages.MESSAGE_ID, c));

        triage.process(GraphPayloads.cloudEventBatch(graph, cloudEvent("ce-acs").toString()));

        assertThat(triage.signals()).singleElement().satisfies(s -> {
            assertThat(s.source().itemIndex()).isZero();
            assertThat(s.messageId()).isEqualTo(ChatMessages.MESSAGE_ID);
        });
        assertThat(triage.single(TriageOutputs.INCOMING_CALLS).source().itemIndex()).isEqualTo(1);
        assertThat(triage.out(AuditTrail.DEAD_LETTERS)).isEmpty();
    }

    /** Graph's notifications wrapped in the Event Grid schema are Graph's, whatever the schema. */
    @Test
    void aGraphNotificationInTheEventGridSchemaTakesTheGraphPath() throws Exception {
        EncryptedContent c = GraphEncryption.encrypt(
                ChatMessages.emergency().node().toString().getBytes(StandardCharsets.UTF_8), KEYS, KEYS.certificateId());
        ObjectNode event = eventGridEvent().put("eventType", "Microsoft.Graph.ChatMessageCreated").put("id", "g-1");
        event.set("data", JSON.readTree(GraphPayloads.chatMessageItem("sub-1", "created", CLIENT_STATE,
                ChatMessages.TENANT_ID, ChatMessages.GROUP_CHAT_ID, ChatMessages.MESSAGE_ID, c)));

        triage.process(array(event).toString());

        assertThat(triage.signals()).singleElement()
                .satisfies(s -> assertThat(s.callerUserId()).isEqualTo(ChatMessages.CALLER_ID));
        assertThat(triage.out(TriageOutputs.INCOMING_CALLS)).isEmpty();
    }

    @Test
    void otherAzureEventsAreIgnoredWithTheirTypeAndCounted() throws Exception {
        ObjectNode ended = eventGridEvent().put("eventType", "Microsoft.Communication.CallEnded").put("id", "e-2");
        ObjectNode cloud = cloudEvent("ce-3").put("type", "Microsoft.Communication.RecordingFileStatusUpdated");

        triage.process(array(ended).toString());
        triage.process(cloud.toString());

        assertThat(triage.out(TriageOutputs.INCOMING_CALLS)).isEmpty();
        assertThat(triage.out(AuditTrail.DEAD_LETTERS)).isEmpty();
        assertThat(triage.out(AuditTrail.AUDIT)).extracting(AuditRecord::outcome, AuditRecord::reason,
                        AuditRecord::messageId, AuditRecord::changeType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditOutcome.IGNORED,
                                "event type \"Microsoft.Communication.CallEnded\" is not handled", "e-2",
                                "Microsoft.Communication.CallEnded"),
                        org.assertj.core.groups.Tuple.tuple(AuditOutcome.IGNORED,
                                "event type \"Microsoft.Communication.RecordingFileStatusUpdated\" is not handled",
                                "ce-3", "Microsoft.Communication.RecordingFileStatusUpdated"));
        assertThat(triage.metrics.count("azureEventsIgnored")).isEqualTo(2);
    }

    @Test
    void anIncomingCallWithoutACalledPartyIsADeadLetterWithoutItsCallContext() throws Exception {
        ObjectNode event = eventGridEvent();
        ((ObjectNode) event.get("data")).remove("to");

        RawRecord record = triage.process(array(event).toString());

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_INCOMING_CALL);
        assertThat(letter.detail()).isEqualTo("data.to has no rawId and no phone number");
        assertThat(letter.source()).isEqualTo(record.ref().forItem(0));
        assertThat(letter.raw()).contains("d732db64-4803-462d-be9c-518943ea2b7a").doesNotContain(CONTEXT)
                .contains("\"incomingCallContext\":\"[redacted]\"");
        AuditRecord audit = triage.single(AuditTrail.AUDIT);
        assertThat(audit.outcome()).isEqualTo(AuditOutcome.INVALID);
        assertThat(audit.reason()).isEqualTo("invalid_incoming_call");
        assertThat(triage.metrics.count("deadLetterReason.invalid_incoming_call.deadLetters")).isEqualTo(1);
    }

    @Test
    void aBrokenEventInAnArrayIsADeadLetterAndTheOthersStillCount() throws Exception {
        ObjectNode noTime = eventGridEvent();
        noTime.remove("eventTime");

        RawRecord record = triage.process(array(noTime, eventGridEvent()).toString());

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_EVENT_GRID_EVENT);
        assertThat(letter.detail()).isEqualTo("missing eventTime");
        assertThat(letter.source()).isEqualTo(record.ref().forItem(0));
        assertThat(letter.raw()).doesNotContain(CONTEXT);
        assertThat(triage.single(TriageOutputs.INCOMING_CALLS).source()).isEqualTo(record.ref().forItem(1));
    }

    @Test
    void aBrokenSingleEventIsADeadLetterOfTheRecord() throws Exception {
        ObjectNode event = eventGridEvent().put("eventTime", "yesterday");

        RawRecord record = triage.process(event.toString());

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_EVENT_GRID_EVENT);
        assertThat(letter.detail()).isEqualTo("eventTime is not an RFC 3339 timestamp");
        assertThat(letter.source()).isEqualTo(record.ref());
    }

    @Test
    void anIncomingCallWhoseDataIsNoObjectIsADeadLetter() throws Exception {
        triage.process(array(eventGridEvent().put("data", "call")).toString());

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_INCOMING_CALL);
        assertThat(letter.detail()).isEqualTo("data is a string, not an object");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static IncomingCall expectedCall(SourceRef source) {
        return new IncomingCall(source, "d5546be8-7f2e-4b6a-9a5e-1f1b2c3d4e5f", ACS, "4:+15550100", "4:+14255550123",
                "+14255550123", "Front Desk Lobby", "d732db64-4803-462d-be9c-518943ea2b7a", serverCallId(),
                EVENT_TIME);
    }

    private static String serverCallId() {
        return "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252LXVzZWEyLTAx";
    }

    /** The documented event, alone. */
    private static ObjectNode eventGridEvent() {
        try {
            return (ObjectNode) JSON.readTree(resourceText("incoming-call-eventgrid.json")).get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The documented event in the CloudEvents schema. */
    private static ObjectNode cloudEvent(String id) {
        ObjectNode eg = eventGridEvent();
        ObjectNode ce = JSON.createObjectNode().put("specversion", "1.0").put("id", id)
                .put("type", "Microsoft.Communication.IncomingCall").put("source", ACS)
                .put("subject", eg.get("subject").textValue()).put("time", "2022-08-25T19:27:24.2415391Z")
                .put("datacontenttype", "application/json");
        ce.set("data", eg.get("data"));
        return ce;
    }

    private static ArrayNode array(ObjectNode... events) {
        ArrayNode a = JSON.createArrayNode();
        for (ObjectNode e : events) {
            a.add(e);
        }
        return a;
    }

    private static String resourceText(String file) {
        try (InputStream in = IncomingCallTriageTest.class.getResourceAsStream("/securitylines/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }
}
