package dev.beacon.job.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.ingest.RawRecord;
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
 * Graph emergency call event notifications through {@link NotificationTriage}: Microsoft's documented notification,
 * encrypted for the job's test key like Graph does, ends as an {@link EmergencyCallEvent} on
 * {@link TriageOutputs#EMERGENCY_CALL_EVENTS}; everything that cannot be used is a dead letter with its own reason.
 */
class EmergencyCallEventTriageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_STATE = "q7Rz-ece-client-state";
    private static final String SUBSCRIPTION = "5a9b2c4d-0000-4000-8000-00000000e911";
    private static final String TENANT = "00000000-0000-0000-0000-000000000000";
    private static final TestKeys KEYS = TestKeys.generate("emergency-events-certificate");
    private static final long NOW = 1_704_103_300_000L;

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
    void microsoftsDocumentedEventIsAnEmergencyCallEvent() throws Exception {
        RawRecord record = triage.process(collection(notification(decrypted())));

        EmergencyCallEvent e = triage.single(TriageOutputs.EMERGENCY_CALL_EVENTS);
        assertThat(e.source()).isEqualTo(record.ref().forItem(0));
        assertThat(e.subscriptionId()).isEqualTo(SUBSCRIPTION);
        assertThat(e.tenantId()).isEqualTo(TENANT);
        assertThat(e.eventId()).isEqualTo("11111111-0000-0000-0000-000000000000");
        assertThat(e.eventType()).isEqualTo(EmergencyCallEvent.CALL_STARTED);
        assertThat(e.eventAtMillis()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z").toEpochMilli());
        assertThat(e.callerUpn()).isEqualTo("emergencyCaller@contoso.com");
        assertThat(e.location().address)
                .isEqualTo("725 Microsoft Way Street suffix, 700, Redmond, WA 00000, United States");
        assertThat(triage.signals()).isEmpty();
        assertThat(triage.out(AuditTrail.DEAD_LETTERS)).isEmpty();
        // Its audit row is written where it ends (correlation), like a chat signal's.
        assertThat(triage.out(AuditTrail.AUDIT)).isEmpty();
        assertThat(triage.metrics.count("emergencyCallEvents")).isEqualTo(1);
        assertThat(triage.metrics.count("ignored")).isZero();
    }

    /** Graph encrypts every delivery afresh: the hash is of the decrypted event, so a redelivery still matches. */
    @Test
    void aRedeliveryHasTheSameContentHash() throws Exception {
        triage.process(collection(notification(decrypted())));
        triage.process(collection(notification(decrypted())));
        ObjectNode ended = decrypted();
        ((ObjectNode) ended.get("emergencyCallEvent")).put("callEventType", "callEnded");
        triage.process(collection(notification(ended)));

        var events = triage.out(TriageOutputs.EMERGENCY_CALL_EVENTS);
        assertThat(events).hasSize(3);
        assertThat(events.get(1).contentHash()).isEqualTo(events.get(0).contentHash());
        assertThat(events.get(2).contentHash()).isNotEqualTo(events.get(0).contentHash());
        assertThat(events.get(2).eventType()).isEqualTo(EmergencyCallEvent.CALL_ENDED);
    }

    @Test
    void recognisedByItsODataTypeAloneAndDeliveredAsACloudEvent() throws Exception {
        ObjectNode n = notification(decrypted());
        n.put("resource", "communications/calls/somethingNew");
        ((ObjectNode) n.get("resourceData")).put("@odata.type", "#Microsoft.Graph.EmergencyCallEvent");
        n.remove("tenantId");
        n.remove("organizationId");
        String event = GraphPayloads.cloudEvent("ce-1", "Microsoft.Graph.EmergencyCallEventUpdated",
                "/tenants/" + TENANT + "/applications/a1", n.toString());

        triage.process(event);

        EmergencyCallEvent e = triage.single(TriageOutputs.EMERGENCY_CALL_EVENTS);
        assertThat(e.tenantId()).isEqualTo(TENANT);
        assertThat(e.eventType()).isEqualTo(EmergencyCallEvent.CALL_STARTED);
    }

    @Test
    void withoutAnyNotificationTenantTheCallersIsUsed() throws Exception {
        ObjectNode n = notification(decrypted());
        n.remove("tenantId");
        n.remove("organizationId");
        ObjectNode d = decrypted();
        ((ObjectNode) d.at("/emergencyCallEvent/callerInfo")).put("tenantId", "caller-tenant");

        triage.process(collection(withContent(n, d)));

        assertThat(triage.single(TriageOutputs.EMERGENCY_CALL_EVENTS).tenantId()).isEqualTo("caller-tenant");
    }

    /** Microsoft's sample as published has a comma before a closing brace: a dead letter that says where. */
    @Test
    void theDocumentedSampleWithItsTrailingCommaIsADeadLetterNotACrash() throws Exception {
        RawRecord record = triage.process(resourceText("notification-documented.json"));

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(letter.detail()).isEqualTo("not valid JSON at line 13, column 5");
        assertThat(letter.source()).isEqualTo(record.ref());
        assertThat(letter.raw()).doesNotContain("{secret client state}");
        assertThat(triage.single(AuditTrail.AUDIT).outcome()).isEqualTo(AuditOutcome.INVALID);
        assertThat(triage.out(TriageOutputs.EMERGENCY_CALL_EVENTS)).isEmpty();
        assertThat(triage.metrics.count("deadLetterReason.malformed_json.deadLetters")).isEqualTo(1);
    }

    @Test
    void anUnusableEventIsADeadLetterThatKeepsOnlyTheEncryptedNotification() throws Exception {
        ObjectNode d = decrypted();
        ObjectNode caller = (ObjectNode) d.at("/emergencyCallEvent/callerInfo");
        caller.remove("upn");

        RawRecord record = triage.process(collection(notification(d)));

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CALLER);
        assertThat(letter.detail()).isEqualTo("callerInfo has no upn and no id");
        assertThat(letter.source()).isEqualTo(record.ref().forItem(0));
        assertThat(letter.raw()).contains("\"clientState\":\"[redacted]\"").doesNotContain(CLIENT_STATE)
                .doesNotContain("Microsoft Way").doesNotContain("Emergency caller display name");
        AuditRecord audit = triage.single(AuditTrail.AUDIT);
        assertThat(audit.outcome()).isEqualTo(AuditOutcome.INVALID);
        assertThat(audit.reason()).isEqualTo("emergency_call_event_without_caller");
        assertThat(audit.subscriptionId()).isEqualTo(SUBSCRIPTION);
        assertThat(triage.metrics.count("deadLetterReason.emergency_call_event_without_caller.deadLetters"))
                .isEqualTo(1);
    }

    @Test
    void aDecryptedEventThatIsNotJsonIsADeadLetter() throws Exception {
        ObjectNode n = notification(decrypted());
        n.set("encryptedContent", encrypted("{\"emergencyCallEvent\": {,}".getBytes(StandardCharsets.UTF_8)));

        triage.process(collection(n));

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT);
        assertThat(letter.detail()).startsWith("decrypted resource is not a JSON object: not valid JSON at line 1");
    }

    @Test
    void withoutEncryptedContentItCannotBeHydratedAndIsADeadLetter() throws Exception {
        ObjectNode n = notification(decrypted());
        n.remove("encryptedContent");

        triage.process(collection(n));

        assertThat(triage.single(AuditTrail.DEAD_LETTERS).reason())
                .isEqualTo(DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CONTENT);
        assertThat(triage.out(TriageOutputs.NEEDS_HYDRATION)).isEmpty();
    }

    @Test
    void aWrongClientStateIsRejectedBeforeDecryption() throws Exception {
        ObjectNode n = notification(decrypted());
        n.put("clientState", "not-the-secret");

        triage.process(collection(n));

        assertThat(triage.single(AuditTrail.DEAD_LETTERS).reason()).isEqualTo(DeadLetterReason.CLIENT_STATE_MISMATCH);
        assertThat(triage.out(TriageOutputs.EMERGENCY_CALL_EVENTS)).isEmpty();
    }

    @Test
    void tamperedContentIsAnHmacMismatch() throws Exception {
        ObjectNode n = notification(decrypted());
        EncryptedContent c = GraphEncryption.tamperData(GraphEncryption.encrypt(
                decrypted().toString().getBytes(StandardCharsets.UTF_8), KEYS, KEYS.certificateId()));
        n.set("encryptedContent", node(c));

        triage.process(collection(n));

        assertThat(triage.single(AuditTrail.DEAD_LETTERS).reason()).isEqualTo(DeadLetterReason.HMAC_MISMATCH);
    }

    @Test
    void aResourceBeaconDoesNotSubscribeToIsADeadLetterNotIgnored() throws Exception {
        ObjectNode n = notification(decrypted());
        n.put("resource", "communications/callRecords/abc");
        ObjectNode data = (ObjectNode) n.get("resourceData");
        data.put("@odata.type", "#microsoft.graph.callrecords.callRecord");
        data.put("@odata.id", "communications/callRecords/abc");

        triage.process(collection(n));

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.UNSUPPORTED_RESOURCE);
        assertThat(letter.detail()).isEqualTo(
                "resource of type \"#microsoft.graph.callrecords.callRecord\" is neither a chat message nor an"
                        + " emergency call event");
        assertThat(triage.metrics.count("ignored")).isZero();
    }

    @Test
    void aBasicNotificationOfAnotherResourceIsADeadLetterNotAHydrationRequest() throws Exception {
        ObjectNode n = notification(decrypted());
        n.put("resource", "communications/callRecords/abc");
        n.remove("resourceData");
        n.remove("encryptedContent");

        triage.process(collection(n));

        DeadLetter letter = triage.single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.UNSUPPORTED_RESOURCE);
        assertThat(letter.detail()).isEqualTo(
                "resource \"communications/callRecords/abc\" is neither a chat message nor an emergency call event");
        assertThat(triage.out(TriageOutputs.NEEDS_HYDRATION)).isEmpty();
        assertThat(triage.metrics.count("deadLetterReason.unsupported_resource.deadLetters")).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static ObjectNode decrypted() {
        return (ObjectNode) parse(resourceText("decrypted-documented.json"));
    }

    /**
     * Microsoft's documented notification (its trailing comma removed), with the test subscription, clientState and
     * {@code decrypted} encrypted for the test key.
     */
    private static ObjectNode notification(ObjectNode decrypted) {
        String text = resourceText("notification-documented.json")
                .replace("\"id\": \"11111111-0000-0000-0000-000000000000\",\n    },",
                        "\"id\": \"11111111-0000-0000-0000-000000000000\"\n    },");
        ObjectNode item = (ObjectNode) parse(text).get("value").get(0);
        item.put("subscriptionId", SUBSCRIPTION).put("clientState", CLIENT_STATE);
        return withContent(item, decrypted);
    }

    private static ObjectNode withContent(ObjectNode item, ObjectNode decrypted) {
        item.set("encryptedContent", encrypted(decrypted.toString().getBytes(StandardCharsets.UTF_8)));
        return item;
    }

    private static JsonNode encrypted(byte[] plaintext) {
        return node(GraphEncryption.encrypt(plaintext, KEYS, KEYS.certificateId()));
    }

    private static JsonNode node(EncryptedContent c) {
        return JSON.createObjectNode().put("data", c.data()).put("dataSignature", c.dataSignature())
                .put("dataKey", c.dataKey()).put("encryptionCertificateId", c.encryptionCertificateId())
                .put("encryptionCertificateThumbprint", c.encryptionCertificateThumbprint());
    }

    private static String collection(ObjectNode... items) {
        String[] json = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            json[i] = items[i].toString();
        }
        return GraphPayloads.collection(json);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resourceText(String file) {
        try (InputStream in = EmergencyCallEventTriageTest.class.getResourceAsStream("/emergencyevents/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }
}
