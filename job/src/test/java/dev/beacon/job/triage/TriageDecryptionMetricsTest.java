package dev.beacon.job.triage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.CapturedMetrics;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.job.verify.CryptoProviders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What triage says about its decryption: the provider gauge and the data-key cache's counters. */
class TriageDecryptionMetricsTest {

    private static final String CLIENT_STATE = "metrics-client-state";
    private static final TestKeys KEYS = TestKeys.generate(SampleStream.CERT_ID);

    @TempDir
    Path dir;

    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
            environment.close();
        }
    }

    @Test
    void aRedeliveryHitsTheDataKeyCache() throws Exception {
        CapturedMetrics metrics = open(8);
        SampleStream stream = new SampleStream(CLIENT_STATE, KEYS);
        String chatter = stream.chatterNotification(SampleStream.SUB_ALICE, "19:a@thread.v2", "1", "2026-11-22T10:00:00Z",
                "Lunch?");
        String other = stream.chatterNotification(SampleStream.SUB_ALICE, "19:a@thread.v2", "2", "2026-11-22T10:01:00Z",
                "Coffee?");

        process(chatter);
        process(chatter); // Graph delivered it again: same encrypted content, same wrapped key
        process(other);

        assertThat(metrics.count("ignored")).isEqualTo(3);
        assertThat(metrics.count("dataKeyCacheHits")).isEqualTo(1);
        assertThat(metrics.count("dataKeyCacheMisses")).isEqualTo(2);
        assertThat(metrics.gaugeValue("cryptoProviderNative"))
                .isEqualTo(CryptoProviders.forThisJvm().isNative() ? 1 : 0);
        // In a test JVM the job's classes are on the class path: one copy per JVM, not per job.
        assertThat(metrics.gaugeValue("cryptoProviderPerJobCopy")).isEqualTo(0);
    }

    @Test
    void withoutACacheNothingIsCounted() throws Exception {
        CapturedMetrics metrics = open(0);
        String chatter = new SampleStream(CLIENT_STATE, KEYS).chatterNotification(SampleStream.SUB_ALICE,
                "19:a@thread.v2", "1", "2026-11-22T10:00:00Z", "Lunch?");

        process(chatter);
        process(chatter);

        assertThat(metrics.count("ignored")).isEqualTo(2);
        assertThat(metrics.count("dataKeyCacheHits")).isZero();
        assertThat(metrics.count("dataKeyCacheMisses")).isZero();
    }

    @Test
    void theNativeProviderCanBeSwitchedOff() throws Exception {
        CapturedMetrics metrics = open(0, false);

        process(new SampleStream(CLIENT_STATE, KEYS).chatterNotification(SampleStream.SUB_ALICE, "19:a@thread.v2",
                "1", "2026-11-22T10:00:00Z", "Lunch?"));

        assertThat(metrics.count("ignored")).isEqualTo(1);
        assertThat(metrics.gaugeValue("cryptoProviderNative")).isEqualTo(0);
        assertThat(metrics.gaugeValue("cryptoProviderPerJobCopy")).isEqualTo(0);
    }

    @Test
    void aNegativeCacheSizeIsASettingError() {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(dev.beacon.job.config.BeaconOptions.DATA_KEY_CACHE_SIZE, -1);

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                dev.beacon.job.config.InvalidSettingException.class, () -> TriageSettings.from(conf)).setting())
                .isEqualTo("decrypt.data-key-cache-size");
        conf.set(dev.beacon.job.config.BeaconOptions.DATA_KEY_CACHE_SIZE, 16);
        assertThat(TriageSettings.from(conf).dataKeyCacheSize()).isEqualTo(16);
        assertThat(TriageSettings.from(new org.apache.flink.configuration.Configuration()).dataKeyCacheSize()).isZero();
    }

    private CapturedMetrics open(int cacheSize) throws Exception {
        return open(cacheSize, true);
    }

    private CapturedMetrics open(int cacheSize, boolean nativeCrypto) throws Exception {
        char[] password = "keystore-password".toCharArray();
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), password, KEYS);
        TriageSettings settings = new TriageSettings(DecodeLimits.defaults(),
                Secret.fromFile(Files.writeString(dir.resolve("client-state"), CLIENT_STATE).toString()),
                keystore.toString(), null,
                Secret.fromFile(Files.writeString(dir.resolve("password"), new String(password)).toString()),
                null, Secret.fromEnv("BEACON_TEST_NO_FETCH_KEYS"), cacheSize, nativeCrypto);
        CapturedMetrics metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NotificationTriage(settings)), environment);
        harness.open();
        return metrics;
    }

    private void process(String value) throws Exception {
        harness.processElement(new StreamRecord<>(new RawRecord("teams-events", 0, 1, 0, null, new String[0],
                value.getBytes(StandardCharsets.UTF_8))));
    }
}
