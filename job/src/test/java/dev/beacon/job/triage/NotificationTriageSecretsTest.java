package dev.beacon.job.triage;

import static dev.beacon.job.testing.GraphPayloads.chatMessageItem;
import static dev.beacon.job.testing.GraphPayloads.cloudEvent;
import static dev.beacon.job.testing.GraphPayloads.cloudEventBatch;
import static dev.beacon.job.testing.GraphPayloads.collection;
import static dev.beacon.job.testing.GraphPayloads.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.MicrosoftGraphTestVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in any output of triage: dead letters (raw text and detail) and lifecycle notices, for every shape a
 * {@code clientState} can take and for records that do not parse. Also: Microsoft's own rich-notification vector,
 * whose key is found by certificate thumbprint, is decrypted and judged instead of being dead-lettered.
 */
class NotificationTriageSecretsTest {

    private static final String SECRET = "s3cr3t/Client-State+42";
    private static final String OLD_SECRET = "previous-Secret_0ld";
    private static final String SUB = "7378065f-4d0a-4c2e-9c3e-1f0b8e3c2a11";
    private static final String TENANT = "8f0bf071-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String CHAT = "19:9c5c2f1e@unq.gbl.spaces";
    private static final String MSG = "1729760713464";
    private static final String CE_SOURCE = "/tenants/" + TENANT + "/applications/a1b2";
    private static final long NOW = GraphPayloads.RECORD_TIMESTAMP + 1_000;
    private static final String NO_KEY_DETAIL =
            "no private key for encryptionCertificateId nope or encryptionCertificateThumbprint (missing)";

    @TempDir
    Path dir;

    private OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;

    @BeforeEach
    void openTriage() throws Exception {
        open(DecodeLimits.defaults());
    }

    private void open(DecodeLimits limits) throws Exception {
        if (harness != null) {
            harness.close();
        }
        MicrosoftGraphTestVector vector = MicrosoftGraphTestVector.load();
        Path secrets = Files.writeString(dir.resolve("client-states"), SECRET + ", " + OLD_SECRET + "\n");
        Path password = Files.writeString(dir.resolve("keystore-password"), vector.password());
        TriageSettings settings = new TriageSettings(limits, Secret.fromFile(secrets.toString()),
                vector.writeKeystore(dir).toString(), null, Secret.fromFile(password.toString()), null, null);
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new NotificationTriage(settings));
        harness.setProcessingTime(NOW);
    }

    @AfterEach
    void closeTriage() throws Exception {
        harness.close();
    }

    // ---- inputs ----------------------------------------------------------------------------------------------

    /** A rich chatMessage notification encrypted for a certificate Beacon does not hold (so it is dead-lettered). */
    private static String unknownCertificateItem(String clientState) {
        return chatMessageItem(SUB, "created", clientState, TENANT, CHAT, MSG,
                new EncryptedContent("ZA==", "c2ln", "aw==", "nope", null));
    }

    /** The same item with its clientState member (key and value) replaced by {@code member}. */
    private static String withClientStateMember(String item, String member) {
        String plain = "\"clientState\":\"" + SECRET + "\"";
        assertThat(item).contains(plain);
        return item.replace(plain, member);
    }

    private static String redacted(String item) {
        return withClientStateMember(item, "\"clientState\":\"[redacted]\"");
    }

    // ---- outputs ---------------------------------------------------------------------------------------------

    private <T> List<T> side(OutputTag<T> tag) {
        Collection<StreamRecord<T>> records = harness.getSideOutput(tag);
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }

    private List<DeadLetter> deadLetters() {
        return side(AuditTrail.DEAD_LETTERS);
    }

    private static SourceRef at(int itemIndex) {
        return new SourceRef(GraphPayloads.TOPIC, 0, GraphPayloads.RECORD_OFFSET, itemIndex,
                GraphPayloads.RECORD_TIMESTAMP);
    }

    private static DeadLetter deadLetter(int itemIndex, DeadLetterReason reason, String detail, String raw) {
        return new DeadLetter(at(itemIndex), reason, detail, raw, false, NOW);
    }

    /** Every value triage put out, in any output, as text: none may contain a secret, in any form. */
    private void assertNoSecretAnywhere() {
        StringBuilder everything = new StringBuilder(harness.extractOutputValues().toString());
        side(AuditTrail.DEAD_LETTERS).forEach(d -> everything.append(d.raw()).append(d.detail()));
        everything.append(side(AuditTrail.AUDIT)).append(side(TriageOutputs.LIFECYCLE))
                .append(side(TriageOutputs.NEEDS_HYDRATION));
        assertThat(everything.toString()).isNotEmpty()
                .doesNotContain(SECRET, SECRET.substring(0, 8), OLD_SECRET, OLD_SECRET.substring(0, 8))
                .doesNotContain("\\u0073\\u0033", "s3cr3t\\/");
    }

    // ---- the three shapes of a clientState member ---------------------------------------------------------------

    @Test
    void anEscapedKeyIsRedacted() throws Exception {
        String item = unknownCertificateItem(SECRET);
        String escaped = withClientStateMember(item, "\"client\\u0053tate\":\"" + SECRET + "\"");

        harness.processElement(record(collection(escaped)), 0);

        // The escaped key is the clientState as far as JSON goes: it passes the check, then fails on the key.
        assertThat(deadLetters()).containsExactly(
                deadLetter(0, DeadLetterReason.UNKNOWN_CERTIFICATE, NO_KEY_DETAIL, redacted(item)));
        assertNoSecretAnywhere();
    }

    @Test
    void anObjectValueIsRedacted() throws Exception {
        String item = unknownCertificateItem(SECRET);
        String shaped = withClientStateMember(item, "\"clientState\":{\"value\":\"" + SECRET + "\"}");

        harness.processElement(record(collection(shaped)), 0);

        assertThat(deadLetters()).containsExactly(deadLetter(0, DeadLetterReason.INVALID_NOTIFICATION,
                "clientState is an object, not a string", redacted(item)));
        assertNoSecretAnywhere();
    }

    @Test
    void anArrayValueIsRedacted() throws Exception {
        String item = unknownCertificateItem(SECRET);
        String shaped = withClientStateMember(item,
                "\"clientState\":[\"" + SECRET + "\",{\"clientState\":\"" + OLD_SECRET + "\"}]");

        harness.processElement(record(collection(shaped)), 0);

        assertThat(deadLetters()).containsExactly(deadLetter(0, DeadLetterReason.INVALID_NOTIFICATION,
                "clientState is an array, not a string", redacted(item)));
        assertNoSecretAnywhere();
    }

    @Test
    void clientStateNestedInCloudEventsIsRedacted() throws Exception {
        String item = unknownCertificateItem(SECRET);
        String nested = withClientStateMember(item, "\"clientState\":\"" + SECRET + "\","
                + "\"resourceData2\":{\"clientState\":[\"" + OLD_SECRET + "\"]}");
        String expectedItem = withClientStateMember(item, "\"clientState\":\"[redacted]\","
                + "\"resourceData2\":{\"clientState\":\"[redacted]\"}");
        // A batch: one event with the notification in a collection, one too old to decode (kept whole).
        String good = cloudEvent("e1", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE, collection(nested));
        String old = cloudEvent("e2", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE, nested)
                .replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"");

        harness.processElement(record(cloudEventBatch(good, old)), 0);

        String expectedEvent = cloudEvent("e2", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE, expectedItem)
                .replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"");
        assertThat(deadLetters()).containsExactly(
                deadLetter(0, DeadLetterReason.UNKNOWN_CERTIFICATE, NO_KEY_DETAIL, expectedItem),
                deadLetter(1, DeadLetterReason.INVALID_CLOUDEVENT, "specversion is \"0.3\", not \"1.0\"",
                        expectedEvent));
        assertNoSecretAnywhere();
    }

    @Test
    void detailsThatQuoteAFieldLoseTheSecretToo() throws Exception {
        // Fields a detail quotes (changeType, encryptionCertificateId), here carrying a secret.
        String item = unknownCertificateItem(SECRET);
        String badChangeType = item.replace("\"changeType\":\"created\"", "\"changeType\":\"" + SECRET + "\"");
        String secretCertificateId = item.replace("\"encryptionCertificateId\":\"nope\"",
                "\"encryptionCertificateId\":\"" + OLD_SECRET + "\"");

        harness.processElement(record(collection(badChangeType, secretCertificateId)), 0);

        assertThat(deadLetters()).containsExactly(
                deadLetter(0, DeadLetterReason.INVALID_NOTIFICATION,
                        "changeType \"[redacted]\" is not created, updated or deleted",
                        redacted(badChangeType).replace(SECRET, "[redacted]")),
                deadLetter(1, DeadLetterReason.UNKNOWN_CERTIFICATE,
                        "no private key for encryptionCertificateId [redacted] or encryptionCertificateThumbprint"
                                + " (missing)",
                        redacted(secretCertificateId).replace(OLD_SECRET, "[redacted]")));
        assertNoSecretAnywhere();
    }

    // ---- records that do not parse -----------------------------------------------------------------------------

    @Test
    void anUnparseableRecordLosesTheSecretWhereverItIs() throws Exception {
        String value = "{\"value\":[{\"subscriptionId\":\"" + SUB + "\",\"clientState\":\"" + SECRET
                + "\",\"resource\":\"oops " + OLD_SECRET + "\",\"note\":\"" + SECRET;

        harness.processElement(record(value), 0);

        assertThat(deadLetters()).containsExactly(deadLetter(SourceRef.WHOLE_RECORD, DeadLetterReason.MALFORMED_JSON,
                "not valid JSON at line 1, column 175",
                "{\"value\":[{\"subscriptionId\":\"" + SUB + "\",\"clientState\":\"[redacted]\","
                        + "\"resource\":\"oops [redacted]\",\"note\":\"[redacted]"));
        assertNoSecretAnywhere();
    }

    @Test
    void anUnparseableRecordLosesEscapedSecrets() throws Exception {
        String value = "{\"value\":[{\"client\\u0053tate\":\"s3cr3t\\/Client\\u002DState+42\","
                + "\"resource\":\"\\u0073\\u0033cr3t/Client-State+42\",\"x\":{\"clientState\":{\"a\":[1,2]}} x}]}";

        harness.processElement(record(value), 0);

        assertThat(deadLetters()).containsExactly(deadLetter(SourceRef.WHOLE_RECORD, DeadLetterReason.MALFORMED_JSON,
                "not valid JSON at line 1, column 140",
                "{\"value\":[{\"client\\u0053tate\":\"[redacted]\",\"resource\":\"[redacted]\","
                        + "\"x\":{\"clientState\":\"[redacted]\"} x}]}"));
        assertNoSecretAnywhere();
    }

    @Test
    void anOversizedRecordIsScrubbedBeforeItIsCut() throws Exception {
        open(new DecodeLimits(100, 64, 1000, 40));
        String value = "{\"value\":[{\"note\":\"abcdefghijklmnop" + SECRET + "\"," + "\"pad\":\"" + "x".repeat(100)
                + "\"}]}";

        harness.processElement(record(value), 0);

        // Cut at 40 characters, 16 after the secret began: only the marker's start is left, nothing of the secret.
        assertThat(deadLetters()).containsExactly(new DeadLetter(at(SourceRef.WHOLE_RECORD),
                DeadLetterReason.OVERSIZED, "record of " + value.length() + " bytes exceeds the limit of 100",
                "{\"value\":[{\"note\":\"abcdefghijklmnop[reda", true, NOW));
        assertNoSecretAnywhere();
    }

    @Test
    void aSecretInsideDataBase64IsRedacted() throws Exception {
        // The event's data decodes to broken JSON, so the whole record is the dead letter, base64 and all.
        String data = "{\"value\":[{\"subscriptionId\":\"" + SUB + "\",\"clientState\":\"" + SECRET + "\",}";
        String base64 = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
        String event = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"Microsoft.Graph.ChatMessageCreated\","
                + "\"source\":\"" + CE_SOURCE + "\",\"data_base64\":\"" + base64 + "\"}";

        harness.processElement(record(event), 0);

        int s = data.indexOf(SECRET);
        int e = s + SECRET.length();
        String scrubbed = base64.substring(0, (4 * s + 2) / 3) + "[redacted]" + base64.substring(4 * e / 3);
        assertThat(deadLetters()).containsExactly(deadLetter(SourceRef.WHOLE_RECORD, DeadLetterReason.MALFORMED_JSON,
                "not valid JSON at line 1, column 107", event.replace(base64, scrubbed)));
        assertNoSecretAnywhere();
    }

    // ---- lifecycle notices ---------------------------------------------------------------------------------------

    @Test
    void lifecycleNoticesCarryNoClientStateAndNoSecret() throws Exception {
        String item = "{\"subscriptionId\":\"" + SUB + "\",\"tenantId\":\"" + TENANT + "\","
                + "\"client\\u0053tate\":\"" + SECRET + "\",\"lifecycleEvent\":\"reauthorizationRequired\","
                + "\"resourceData\":{\"clientState\":{\"x\":\"" + SECRET + "\"}},"
                + "\"note\":\"rotated from " + OLD_SECRET + "\"}";

        harness.processElement(record(collection(item)), 0);

        assertThat(side(TriageOutputs.LIFECYCLE)).containsExactly(new LifecycleNotice(at(0), SUB, TENANT,
                "reauthorizationRequired", "{\"subscriptionId\":\"" + SUB + "\",\"tenantId\":\"" + TENANT + "\","
                        + "\"lifecycleEvent\":\"reauthorizationRequired\",\"resourceData\":{},"
                        + "\"note\":\"rotated from [redacted]\"}"));
        assertThat(deadLetters()).isEmpty();
        assertNoSecretAnywhere();
    }

    // ---- key selection -------------------------------------------------------------------------------------------

    @Test
    void microsoftsVectorIsDecryptedByThumbprintAndJudged() throws Exception {
        EncryptedContent content = MicrosoftGraphTestVector.load().content();
        String item = chatMessageItem(SUB, "created", SECRET, TENANT, CHAT, "1625126194597", content);

        harness.processElement(record(collection(item)), 0);

        // "Hello World" is no emergency: ignored, where a lookup by alias alone made it unknown_certificate.
        assertThat(deadLetters()).isEmpty();
        assertThat(side(AuditTrail.AUDIT)).containsExactly(new AuditRecord(at(0), TENANT, SUB, "created", CHAT,
                "1625126194597", AuditOutcome.IGNORED, "not an emergency", null, NOW, 1_000L));
        assertThat(harness.extractOutputValues()).isEmpty();
    }
}
