package dev.beacon.job.triage;

import static dev.beacon.job.testing.ChatMessages.CALLER_ID;
import static dev.beacon.job.testing.ChatMessages.CREATED_MILLIS;
import static dev.beacon.job.testing.ChatMessages.GROUP_CHAT_ID;
import static dev.beacon.job.testing.ChatMessages.MESSAGE_ID;
import static dev.beacon.job.testing.ChatMessages.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.InvalidSettingException;
import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.CapturedLogs;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetched messages (the control plane's hydration and backfill records) through {@link NotificationTriage}, in
 * memory: real decoding, signature check against a key file, decryption with the job's keystore, detection. Each
 * record ends as a signal carrying its origin, an audit row, or a dead letter with its specific reason and the record
 * kept with its content still encrypted.
 */
class FetchedMessageTriageTest {

    private static final String CLIENT_STATE = "fetched-test-client-state";
    private static final String SUBSCRIPTION = "5b1d7a2c-0e3f-4b6a-8c9d-1e2f3a4b5c6d";
    private static final TestKeys KEYS = TestKeys.generate("fetched-test-certificate");
    private static final TestKeys STRANGER = TestKeys.generate("another-integration-certificate");
    private static final byte[] SIGNING_KEY = FetchedMessages.newKey();
    private static final byte[] PREVIOUS_KEY = FetchedMessages.newKey();
    private static final long NOW = CREATED_MILLIS + 60_000;

    @TempDir
    Path dir;

    private CapturedMetrics metrics;
    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
            environment.close();
        }
    }

    // ---- accepted ----------------------------------------------------------------------------------------------

    @Test
    void aSignedBackfilledEmergencyBecomesASignalThatCarriesItsOrigin() throws Exception {
        open(keyFile(SIGNING_KEY));
        process(signed(Origin.BACKFILL, null, ChatMessages.emergency().node()));

        EmergencySignal s = single(harness.extractOutputValues());
        assertThat(s.origin()).isEqualTo(Origin.BACKFILL);
        assertThat(s.isBackfill()).isTrue();
        assertThat(List.of(s.tenantId(), s.chatId(), s.messageId(), s.callerUserId(), s.changeType(), s.channel()))
                .containsExactly(TENANT_ID, GROUP_CHAT_ID, MESSAGE_ID, CALLER_ID, "created", "fetched");
        assertThat(s.subscriptionId()).isNull();
        assertThat(s.createdAtMillis()).isEqualTo(CREATED_MILLIS);
        assertThat(s.source().itemIndex()).isZero();
        assertThat(sideOutput(AuditTrail.DEAD_LETTERS)).isEmpty();
        assertThat(sideOutput(AuditTrail.AUDIT)).isEmpty();
        assertThat(metrics.count("fetchedMessagesIn")).isEqualTo(1);
        assertThat(metrics.count("emergencyMatches")).isEqualTo(1);
    }

    @Test
    void aHydratedMessageKeepsItsSubscriptionAndAnyKeyOfTheListVerifies() throws Exception {
        // Rotation: the record was signed with the previous key, still listed second.
        open(keyFile(SIGNING_KEY, PREVIOUS_KEY));
        process(FetchedMessages.value(FetchedMessages.signed(Origin.HYDRATION, TENANT_ID, SUBSCRIPTION,
                ChatMessages.emergency().node(), KEYS, PREVIOUS_KEY)));

        EmergencySignal s = single(harness.extractOutputValues());
        assertThat(s.origin()).isEqualTo(Origin.HYDRATION);
        assertThat(s.isBackfill()).isFalse();
        assertThat(s.subscriptionId()).isEqualTo(SUBSCRIPTION);
    }

    @Test
    void aFetchedOrdinaryMessageIsIgnoredLikeAnyChatter() throws Exception {
        open(keyFile(SIGNING_KEY));
        process(signed(Origin.BACKFILL, null, ChatMessages.chatter("<p>lunch at noon?</p>").node()));

        assertThat(harness.extractOutputValues()).isEmpty();
        AuditRecord a = single(sideOutput(AuditTrail.AUDIT));
        assertThat(a.outcome()).isEqualTo(AuditOutcome.IGNORED);
        assertThat(List.of(a.tenantId(), a.chatId(), a.messageId())).containsExactly(TENANT_ID, GROUP_CHAT_ID,
                MESSAGE_ID);
    }

    // ---- dead letters ------------------------------------------------------------------------------------------

    @Test
    void aFieldChangedAfterSigningIsASignatureMismatch() throws Exception {
        open(keyFile(SIGNING_KEY));
        ObjectNode record = FetchedMessages.json(FetchedMessages.signed(Origin.BACKFILL, TENANT_ID, null,
                ChatMessages.emergency().node(), KEYS, SIGNING_KEY));
        record.put("tenant_id", "c0ffee00-1234-4abc-8def-0123456789ab");
        process(FetchedMessages.bytes(record));

        DeadLetter d = deadLetter(DeadLetterReason.FETCHED_MESSAGE_SIGNATURE_MISMATCH);
        assertThat(d.detail()).isEqualTo("signature matches none of the 1 configured fetch-signing keys");
        // The record is kept as received, content still encrypted.
        assertThat(d.raw()).contains(record.get("encrypted_content").get("data").textValue())
                .doesNotContain("Emergency Call");
    }

    @Test
    void aRecordSignedWithAnotherKeyIsASignatureMismatch() throws Exception {
        open(keyFile(SIGNING_KEY));
        process(FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT_ID, null,
                ChatMessages.emergency().node(), KEYS, FetchedMessages.newKey())));
        deadLetter(DeadLetterReason.FETCHED_MESSAGE_SIGNATURE_MISMATCH);
    }

    @Test
    void withoutSigningKeysEveryFetchedMessageIsUnverifiable() throws Exception {
        open(null);
        process(signed(Origin.BACKFILL, null, ChatMessages.emergency().node()));

        DeadLetter d = deadLetter(DeadLetterReason.FETCHED_MESSAGE_UNVERIFIABLE);
        assertThat(d.detail()).isEqualTo("no fetch-signing keys are configured (auth.fetch-signing-key-file)");
        assertThat(metrics.count("deadLetters")).isEqualTo(1);
    }

    @Test
    void aMalformedRecordNamesTheField() throws Exception {
        open(keyFile(SIGNING_KEY));
        ObjectNode record = FetchedMessages.json(FetchedMessages.signed(Origin.BACKFILL, TENANT_ID, null,
                ChatMessages.emergency().node(), KEYS, SIGNING_KEY));
        record.remove("message_id");
        process(FetchedMessages.bytes(record));

        DeadLetter d = deadLetter(DeadLetterReason.INVALID_FETCHED_MESSAGE);
        assertThat(d.detail()).isEqualTo("message_id is missing or empty");
        assertThat(d.source().itemIndex()).isZero();
    }

    @Test
    void anIdWithAControlCharacterIsMalformed() throws Exception {
        open(keyFile(SIGNING_KEY));
        ObjectNode message = ChatMessages.emergency().chatId(GROUP_CHAT_ID + "\u0000").node();
        process(FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT_ID, null, message, KEYS,
                SIGNING_KEY)));
        assertThat(deadLetter(DeadLetterReason.INVALID_FETCHED_MESSAGE).detail()).startsWith("chat_id contains");
    }

    @Test
    void contentEncryptedForAnotherCertificateFailsLikeARichNotification() throws Exception {
        open(keyFile(SIGNING_KEY));
        process(FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT_ID, null,
                ChatMessages.emergency().node(), STRANGER, SIGNING_KEY)));
        deadLetter(DeadLetterReason.UNKNOWN_CERTIFICATE);
    }

    @Test
    void signedContentOfAnotherMessageIsRejected() throws Exception {
        open(keyFile(SIGNING_KEY));
        FetchedMessage other = FetchedMessages.unsigned(Origin.BACKFILL, TENANT_ID, null,
                ChatMessages.emergency().id("1700000000001").node(), KEYS);
        FetchedMessage claimed = new FetchedMessage(other.origin(), other.integrationId(), other.tenantId(), null,
                GROUP_CHAT_ID, MESSAGE_ID, other.fetchedAt(), other.content(), null);
        process(FetchedMessages.value(dev.beacon.contracts.fetched.FetchedMessageSignature.sign(claimed,
                SIGNING_KEY)));
        assertThat(deadLetter(DeadLetterReason.INVALID_FETCHED_MESSAGE).detail())
                .isEqualTo("the decrypted message's id is not message_id");
    }

    // ---- configuration -----------------------------------------------------------------------------------------

    @Test
    void aMalformedKeyFileIsAConfigurationErrorNamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("fetch-signing-keys"), "bm90IDMyIGJ5dGVz\n");
        assertThatThrownBy(() -> TriageResources.load(settings(Secret.fromFile(file.toString()))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(BeaconOptions.FETCH_SIGNING_KEY_FILE.key() + " (" + file
                        + "): a fetch-signing key has 12 bytes, not 32");
        Path notBase64 = Files.writeString(dir.resolve("not-base64"), "%%%\n");
        assertThatThrownBy(() -> TriageResources.load(settings(Secret.fromFile(notBase64.toString()))))
                .hasMessageEndingWith("a fetch-signing key is not base64");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> TriageResources.load(settings(Secret.fromFile(empty.toString()))))
                .hasMessage(BeaconOptions.FETCH_SIGNING_KEY_FILE.key() + " (" + empty + "): " + empty + " is empty");
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> TriageResources.load(settings(Secret.fromFile(missing.toString()))))
                .hasMessage(BeaconOptions.FETCH_SIGNING_KEY_FILE.key() + " (" + missing + "): no such file "
                        + missing);
    }

    @Test
    void withoutSigningKeysTheJobRunsAndSaysSoOnceAtOpen() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            open(null);
            process(signed(Origin.BACKFILL, null, ChatMessages.emergency().node()));
            process(signed(Origin.HYDRATION, SUBSCRIPTION, ChatMessages.emergency().node()));
            assertThat(logs.lines()).filteredOn(l -> l.message().contains("fetch-signing"))
                    .extracting(l -> l.level() + " " + l.message())
                    .containsExactly("WARN No fetch-signing keys are configured (environment variable "
                            + "BEACON_TEST_NO_FETCH_KEYS (or BEACON_TEST_NO_FETCH_KEYS_FILE)): every message the "
                            + "control plane fetched from Graph becomes a fetched_message_unverifiable dead letter");
        }
        assertThat(sideOutput(AuditTrail.DEAD_LETTERS)).extracting(DeadLetter::reason).containsExactly(
                DeadLetterReason.FETCHED_MESSAGE_UNVERIFIABLE, DeadLetterReason.FETCHED_MESSAGE_UNVERIFIABLE);
    }

    @Test
    void aKeyFileListsKeysOnePerLineOrCommaSeparated() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), FetchedMessages.base64(SIGNING_KEY) + "\n"
                + FetchedMessages.base64(PREVIOUS_KEY) + ", " + FetchedMessages.base64(FetchedMessages.newKey())
                + "\n\n");
        assertThat(TriageResources.load(settings(Secret.fromFile(file.toString()))).fetchSigningKeys().size())
                .isEqualTo(3);
        assertThat(TriageResources.load(settings(Secret.fromEnv("BEACON_TEST_UNSET_FETCH_KEYS")))
                .fetchSigningKeys().isConfigured()).isFalse();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Secret keyFile(byte[]... keys) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (byte[] k : keys) {
            lines.append(FetchedMessages.base64(k)).append('\n');
        }
        return Secret.fromFile(Files.writeString(dir.resolve("fetch-signing-keys"), lines).toString());
    }

    private TriageSettings settings(Secret fetchKeys) throws Exception {
        char[] password = "keystore-password".toCharArray();
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), password, KEYS);
        return new TriageSettings(DecodeLimits.defaults(),
                Secret.fromFile(Files.writeString(dir.resolve("client-state"), CLIENT_STATE).toString()),
                keystore.toString(), null,
                Secret.fromFile(Files.writeString(dir.resolve("password"), new String(password)).toString()),
                null, fetchKeys);
    }

    /** {@code null}: no keys configured (a variable that is not set). */
    private void open(Secret fetchKeys) throws Exception {
        if (fetchKeys == null) {
            fetchKeys = Secret.fromEnv("BEACON_TEST_NO_FETCH_KEYS");
        }
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NotificationTriage(settings(fetchKeys))), environment);
        harness.open();
        harness.setProcessingTime(NOW);
    }

    private static byte[] signed(Origin origin, String subscription, ObjectNode message) {
        return FetchedMessages.value(FetchedMessages.signed(origin, TENANT_ID, subscription, message, KEYS,
                SIGNING_KEY));
    }

    private void process(byte[] value) throws Exception {
        harness.processElement(new StreamRecord<>(new RawRecord("teams-events", 0, 42, NOW - 1_000, null,
                new String[0], value)));
    }

    /** The one dead letter, with its audit row, and no signal. */
    private DeadLetter deadLetter(DeadLetterReason reason) {
        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter d = single(sideOutput(AuditTrail.DEAD_LETTERS));
        assertThat(d.reason()).isEqualTo(reason);
        AuditRecord a = single(sideOutput(AuditTrail.AUDIT));
        assertThat(a.outcome()).isEqualTo(AuditOutcome.INVALID);
        assertThat(a.reason()).isEqualTo(reason.label());
        assertThat(d.raw()).doesNotContain("Emergency Call");
        return d;
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private static <T> T single(List<T> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
