package dev.beacon.job.triage;

import static dev.beacon.job.testing.ChatMessages.CALLER_ID;
import static dev.beacon.job.testing.ChatMessages.CALLER_NAME;
import static dev.beacon.job.testing.ChatMessages.CREATED_MILLIS;
import static dev.beacon.job.testing.ChatMessages.GROUP_CHAT_ID;
import static dev.beacon.job.testing.ChatMessages.MESSAGE_ID;
import static dev.beacon.job.testing.ChatMessages.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.DottedMetrics;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records through {@link NotificationTriage}, in memory: real decoding, clientState check, decryption and detection.
 * Asserts where each notification ends: a signal, an audit outcome, or a dead letter with its specific reason, and
 * the counters that go with it.
 */
class NotificationTriageTest {

    private static final String CLIENT_STATE = "triage-test-client-state";
    private static final String SUBSCRIPTION = "7378065f-4d0a-4c2e-9c3e-1f0b8e3c2a11";
    private static final TestKeys KEYS = TestKeys.generate("triage-test-certificate");
    private static final long NOW = CREATED_MILLIS + 30_000;
    /** A record timestamp distinct from every time in the messages, to see which one a signal took. */
    private static final long RECORD_TIME = 1_800_000_000_000L;
    /** The {@code time} of {@link GraphPayloads#cloudEvent}. */
    private static final long CLOUD_EVENT_TIME = 1_729_760_713_464L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The built-in rule widened to every sender kind (the rules format allows it), and two rules whose patterns fail
     * on hostile text: "deep" overflows the regex engine's stack on a long run of one letter; "slow" backtracks
     * exponentially on a list of commas.
     */
    private static final String RULES = """
            {"rules": [
              {"name": "desk", "phrases": ["has placed an Emergency Call"],
               "senderKinds": ["user", "application", "device", "none"]},
              {"name": "deep", "patterns": ["(?:a|b)+c"]},
              {"name": "slow", "patterns": ["(.*?,){11}P"]}]}""";

    @TempDir
    Path dir;

    private DottedMetrics metrics;
    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;

    @BeforeEach
    void openHarness() throws Exception {
        char[] password = "keystore-password".toCharArray();
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), password, KEYS);
        TriageSettings settings = new TriageSettings(DecodeLimits.defaults(),
                Secret.fromFile(Files.writeString(dir.resolve("client-state"), CLIENT_STATE).toString()),
                keystore.toString(), null,
                Secret.fromFile(Files.writeString(dir.resolve("password"), new String(password)).toString()),
                Files.writeString(dir.resolve("rules.json"), RULES).toString(), null);
        metrics = new DottedMetrics();
        environment = metrics.environment();
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new NotificationTriage(settings)),
                environment);
        harness.open();
        harness.setProcessingTime(NOW);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
        environment.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dead letters: one per case, with its own reason, the notification kept as received

    static Stream<Arguments> deadLetters() {
        ObjectNode userWithoutId = ChatMessages.emergency().node();
        ((ObjectNode) userWithoutId.get("from").get("user")).remove("id");
        ObjectNode noMessageId = ChatMessages.emergency().node();
        noMessageId.remove("id");
        ObjectNode noSenderTenant = ChatMessages.emergency().node();
        ((ObjectNode) noSenderTenant.get("from").get("user")).remove("tenantId");
        ObjectNode noCreatedTime = ChatMessages.emergency().node();
        noCreatedTime.remove("createdDateTime");
        ObjectNode callerIdWithNul = ChatMessages.emergency().node();
        ((ObjectNode) callerIdWithNul.get("from").get("user")).put("id", CALLER_ID + "\u0000");

        return Stream.of(
                arguments("emergency from an application",
                        graph(rich("created", TENANT_ID, ChatMessages.emergency().fromApplication().node())),
                        DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER, "the sender is an application, not a user"),
                arguments("emergency from a device", graph(rich("created", TENANT_ID, fromDevice())),
                        DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER, "the sender is a device, not a user"),
                arguments("emergency with no sender",
                        graph(rich("created", TENANT_ID, ChatMessages.emergency().fromNobody().node())),
                        DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER, "the message has no sender"),
                arguments("emergency from a user without an id", graph(rich("created", TENANT_ID, userWithoutId)),
                        DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER, "the sender is a user without an id"),
                arguments("emergency naming no message",
                        graph(withoutMessageInResource(rich("created", TENANT_ID, noMessageId))),
                        DeadLetterReason.MISSING_MESSAGE_ID, "no message id in the resource path or the message"),
                arguments("emergency naming no tenant", graph(rich("created", null, noSenderTenant)),
                        DeadLetterReason.MISSING_TENANT, "neither the notification nor the sender names a tenant"),
                arguments("emergency without any time",
                        record(0L, GraphPayloads.collection(rich("created", TENANT_ID, noCreatedTime))),
                        DeadLetterReason.MISSING_CALL_TIME,
                        "no valid createdDateTime in the message, and no CloudEvent time or record timestamp"),
                arguments("caller id with a control character", graph(rich("created", TENANT_ID, callerIdWithNul)),
                        DeadLetterReason.INVALID_RESOURCE_DATA, "caller id contains a control character (U+0000)"),
                arguments("a rule pattern out of its read budget",
                        graph(rich("created", TENANT_ID, ChatMessages.chatter(commas(30)).node())),
                        DeadLetterReason.DETECTION_BUDGET_EXHAUSTED,
                        "rule 'slow': patterns[0] ran out of its read budget"),
                arguments("the detector throwing on hostile text",
                        graph(rich("created", TENANT_ID, ChatMessages.chatter("a".repeat(50_000)).node())),
                        DeadLetterReason.DETECTION_FAILED, "unexpected StackOverflowError in the detector"),
                arguments("changeType with a NUL",
                        graph(rich("created\u0000", TENANT_ID, ChatMessages.emergency().node())),
                        DeadLetterReason.INVALID_NOTIFICATION, "changeType contains a control character (U+0000)"),
                arguments("deletion naming no tenant", graph(basic("deleted", null)),
                        DeadLetterReason.MISSING_TENANT, "the deletion names no tenant"),
                arguments("deletion naming no message", graph(withoutMessageInResource(basic("deleted", TENANT_ID))),
                        DeadLetterReason.MISSING_MESSAGE_ID, "no message id in the resource path or the message"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetters")
    void isADeadLetterWithItsOwnReason(String what, RawRecord record, DeadLetterReason reason, String detail)
            throws Exception {
        harness.processElement(record, 0L);

        assertThat(signals()).isEmpty();
        DeadLetter letter = single(AuditTrail.DEAD_LETTERS);
        assertThat(letter.reason()).isEqualTo(reason);
        assertThat(letter.detail()).isEqualTo(detail);
        assertThat(letter.source()).isEqualTo(itemOf(record));
        assertThat(letter.failedAtMillis()).isEqualTo(NOW);
        // As received, for a rerun: rich content still encrypted, the secret redacted, nothing decrypted.
        assertThat(letter.raw()).contains("\"subscriptionId\":\"" + SUBSCRIPTION + "\"")
                .contains("\"clientState\":\"[redacted]\"").doesNotContain(CLIENT_STATE)
                .doesNotContain("Emergency Call").doesNotContain(CALLER_NAME);
        AuditRecord audit = single(AuditTrail.AUDIT);
        assertThat(audit.outcome()).isEqualTo(AuditOutcome.INVALID);
        assertThat(audit.reason()).isEqualTo(reason.label());
        assertThat(audit.source()).isEqualTo(itemOf(record));
        assertThat(metrics.count("deadLetters")).isEqualTo(1);
        assertThat(metrics.count("deadLetterReason." + reason.label() + ".deadLetters")).isEqualTo(1);
        assertThat(metrics.count("ignored")).isZero();
    }

    @Test
    void theDeadLetterOfARichNotificationHoldsItsEncryptedContent() throws Exception {
        String item = rich("created", TENANT_ID, ChatMessages.emergency().fromApplication().node());
        String encryptedData = JSON.readTree(item).get("encryptedContent").get("data").textValue();

        harness.processElement(graph(item), 0L);

        assertThat(single(AuditTrail.DEAD_LETTERS).raw()).contains(encryptedData);
    }

    @Test
    void everyReasonHasACounter() {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(metrics.count("deadLetterReason." + reason.label() + ".deadLetters")).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Signals: complete, and deterministic when the input is not

    @Test
    void anEmergencyFromAUserIsASignalWithTheMessagesCallTime() throws Exception {
        harness.processElement(graph(rich("created", TENANT_ID, ChatMessages.emergency().node())), 0L);

        EmergencySignal s = single(signals());
        assertThat(s.detected()).isTrue();
        assertThat(s.tenantId()).isEqualTo(TENANT_ID);
        assertThat(s.chatId()).isEqualTo(GROUP_CHAT_ID);
        assertThat(s.messageId()).isEqualTo(MESSAGE_ID);
        assertThat(s.callerUserId()).isEqualTo(CALLER_ID);
        assertThat(s.createdAtMillis()).isEqualTo(CREATED_MILLIS);
        assertThat(s.createdAtInferred()).isFalse();
        assertThat(s.matchedRule()).isEqualTo("desk");
        assertThat(sideOutput(AuditTrail.DEAD_LETTERS)).isEmpty();
        assertThat(metrics.count("emergencyMatches")).isEqualTo(1);
        assertThat(metrics.count("deadLetters")).isZero();
    }

    @Test
    void withoutCreatedDateTimeTheCallTimeIsTheRecordTimestamp() throws Exception {
        ObjectNode message = ChatMessages.emergency().created("not a time").node();

        harness.processElement(record(RECORD_TIME, GraphPayloads.collection(rich("created", TENANT_ID, message))), 0L);

        EmergencySignal s = single(signals());
        assertThat(s.createdAtMillis()).isEqualTo(RECORD_TIME);
        assertThat(s.createdAtInferred()).isTrue();
    }

    @Test
    void withoutCreatedDateTimeACloudEventsTimeComesFirst() throws Exception {
        ObjectNode message = ChatMessages.emergency().node();
        message.remove("createdDateTime");
        String event = GraphPayloads.cloudEvent("ev-1", "Microsoft.Graph.ChatMessageCreated",
                "/tenants/" + TENANT_ID + "/applications/a1", rich("created", TENANT_ID, message));

        harness.processElement(record(RECORD_TIME, event), 0L);

        EmergencySignal s = single(signals());
        assertThat(s.createdAtMillis()).isEqualTo(CLOUD_EVENT_TIME);
        assertThat(s.createdAtInferred()).isTrue();
    }

    @Test
    void replayingTheSameRecordGivesTheSameInferredTime() throws Exception {
        ObjectNode message = ChatMessages.emergency().node();
        message.remove("createdDateTime");
        RawRecord record = record(RECORD_TIME, GraphPayloads.collection(rich("created", TENANT_ID, message)));

        harness.processElement(record, 0L);
        harness.setProcessingTime(NOW + 3_600_000);
        harness.processElement(record, 0L);

        assertThat(signals()).extracting(EmergencySignal::createdAtMillis).containsExactly(RECORD_TIME, RECORD_TIME);
    }

    @Test
    void withoutANotificationTenantTheSendersTenantIsUsed() throws Exception {
        harness.processElement(graph(rich("created", null, ChatMessages.emergency().node())), 0L);

        assertThat(single(signals()).tenantId()).isEqualTo(TENANT_ID);
    }

    @Test
    void aCloudEventsSourceNamesTheTenantBeforeTheSender() throws Exception {
        String event = GraphPayloads.cloudEvent("ev-1", "Microsoft.Graph.ChatMessageCreated",
                "/tenants/tenant-from-source/applications/a1", rich("created", null, ChatMessages.emergency().node()));

        harness.processElement(record(GraphPayloads.RECORD_TIMESTAMP, event), 0L);

        assertThat(single(signals()).tenantId()).isEqualTo("tenant-from-source");
    }

    @Test
    void aDeletedMessageIsABareDeletionWithItsIds() throws Exception {
        ObjectNode deleted = ChatMessages.chatter("").deletedAt("2024-10-24T10:00:00Z").node();

        harness.processElement(graph(rich("updated", TENANT_ID, deleted), basic("deleted", TENANT_ID)), 0L);

        assertThat(signals()).hasSize(2).allSatisfy(s -> {
            assertThat(s.detected()).isFalse();
            assertThat(s.changeType()).isEqualTo(EmergencySignal.DELETED);
            assertThat(s.tenantId()).isEqualTo(TENANT_ID);
            assertThat(s.chatId()).isEqualTo(GROUP_CHAT_ID);
            assertThat(s.messageId()).isEqualTo(MESSAGE_ID);
        });
        assertThat(metrics.count("deadLetters")).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Only a real "not an emergency" is ignored

    @Test
    void ordinaryChatIsIgnoredAndKeptNowhere() throws Exception {
        harness.processElement(graph(rich("created", TENANT_ID, ChatMessages.chatter("<p>Lunch at noon?</p>").node())),
                0L);

        assertThat(signals()).isEmpty();
        assertThat(sideOutput(AuditTrail.DEAD_LETTERS)).isEmpty();
        AuditRecord audit = single(AuditTrail.AUDIT);
        assertThat(audit.outcome()).isEqualTo(AuditOutcome.IGNORED);
        assertThat(audit.reason()).isEqualTo("not an emergency");
        assertThat(metrics.count("ignored")).isEqualTo(1);
        assertThat(metrics.count("deadLetters")).isZero();
    }

    @Test
    void oneRecordSplitsIntoEachOutcome() throws Exception {
        harness.processElement(graph(
                rich("created", TENANT_ID, ChatMessages.emergency().node()),
                rich("created", TENANT_ID, ChatMessages.chatter("<p>hi</p>").node()),
                rich("created", TENANT_ID, ChatMessages.emergency().fromApplication().node()),
                rich("created", TENANT_ID, ChatMessages.chatter(commas(30)).node())), 0L);

        assertThat(signals()).extracting(s -> s.source().itemIndex()).containsExactly(0);
        assertThat(sideOutput(AuditTrail.AUDIT)).extracting(a -> a.source().itemIndex() + " " + a.outcome().label()
                + " " + a.reason()).containsExactly("1 ignored not an emergency",
                        "2 invalid emergency_without_user_sender", "3 invalid detection_budget_exhausted");
        assertThat(metrics.count("notificationsIn")).isEqualTo(4);
        assertThat(metrics.count("emergencyMatches")).isEqualTo(2);
        assertThat(metrics.count("ignored")).isEqualTo(1);
        assertThat(metrics.count("deadLetters")).isEqualTo(2);
        assertThat(metrics.count("deadLetterReason.emergency_without_user_sender.deadLetters")).isEqualTo(1);
        assertThat(metrics.count("deadLetterReason.detection_budget_exhausted.deadLetters")).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Input builders

    /** A rich notification for {@code message}, encrypted for the job's key, about the message's own chat and id. */
    private static String rich(String changeType, String tenantId, ObjectNode message) {
        EncryptedContent encrypted = GraphEncryption.encrypt(message.toString().getBytes(StandardCharsets.UTF_8),
                KEYS.publicKey(), KEYS.certificateId());
        return GraphPayloads.chatMessageItem(SUBSCRIPTION, changeType, CLIENT_STATE, tenantId, GROUP_CHAT_ID,
                MESSAGE_ID, encrypted);
    }

    /** A notification without resource data. */
    private static String basic(String changeType, String tenantId) {
        return GraphPayloads.chatMessageItem(SUBSCRIPTION, changeType, CLIENT_STATE, tenantId, GROUP_CHAT_ID,
                MESSAGE_ID, null);
    }

    /** The item with a resource that names the chat only, and no resourceData.id. */
    private static String withoutMessageInResource(String item) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(item);
            String chatOnly = "chats('" + GROUP_CHAT_ID + "')";
            n.put("resource", chatOnly);
            ObjectNode resourceData = (ObjectNode) n.get("resourceData");
            resourceData.remove("id");
            resourceData.put("@odata.id", chatOnly);
            return n.toString();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode fromDevice() {
        ObjectNode message = ChatMessages.emergency().node();
        ObjectNode from = message.putObject("from");
        from.putNull("application");
        from.putObject("device").put("id", "device-1").put("displayName", "Lobby phone");
        from.putNull("user");
        return message;
    }

    private static String commas(int n) {
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            csv.append(i).append(',');
        }
        return csv.toString();
    }

    private static RawRecord graph(String... items) {
        return record(GraphPayloads.RECORD_TIMESTAMP, GraphPayloads.collection(items));
    }

    private static RawRecord record(long timestampMillis, String value) {
        return new RawRecord(GraphPayloads.TOPIC, 0, GraphPayloads.RECORD_OFFSET, timestampMillis, null,
                new String[0], value.getBytes(StandardCharsets.UTF_8));
    }

    private static SourceRef itemOf(RawRecord record) {
        return record.ref().forItem(0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Outputs

    private List<EmergencySignal> signals() {
        return harness.extractOutputValues();
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private <T> T single(OutputTag<T> tag) {
        return single(sideOutput(tag));
    }

    private static <T> T single(List<T> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
