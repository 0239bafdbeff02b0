package dev.beacon.job.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.testing.EncryptedCapture;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick, manual measurement of the replay (the README's replay command, in-process, local environment with one
 * slot per core) over a capture of encrypted notifications, with the single-thread RSA unwrap rate of this machine
 * measured in the same run as the bound. Prints numbers; asserts only that the replay read everything. The
 * benchmark module owns the rerunnable, reported benchmarks; this is for checking the job's levers quickly:
 *
 * <pre>
 * ./mvnw -B -o -q test -pl job -am -Dtest=ReplayThroughputMeasurementTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbeacon.measure=true [-Dbeacon.measure.size=6000] \
 *     [-Dbeacon.measure.args="--decrypt.native-provider false;;--triage.repartition-by-chat false"]
 * </pre>
 *
 * (one replay per ';'-separated set of job options, all over the same capture in one JVM; the first one also warms
 * the JVM up, so repeat it)
 */
@EnabledIfSystemProperty(named = "beacon.measure", matches = "true")
class ReplayThroughputMeasurementTest {

    @TempDir
    Path dir;

    @Test
    void replayOfEncryptedNotifications() throws Exception {
        int size = Integer.getInteger("beacon.measure.size", 6000);
        TestKeys keys = TestKeys.generate(SampleStream.CERT_ID);
        String clientState = "measure-client-state";
        EncryptedCapture.Written capture = EncryptedCapture.write(dir.resolve("capture.jsonl"),
                new SampleStream(clientState, keys), size, 1, 5, 42L);
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), "store-pass".toCharArray(), keys);
        Path storePassword = Files.writeString(dir.resolve("store-pass"), "store-pass");
        Path clientStateFile = Files.writeString(dir.resolve("client-state"), clientState);

        double jdkBound = unwrapsPerSecond(keys, null);
        Provider accp = accp();
        double nativeBound = accp == null ? Double.NaN : unwrapsPerSecond(keys, accp);

        System.out.printf("%nMEASURE cores=%d notifications=%d calls=%d redeliveries=%d%n",
                Runtime.getRuntime().availableProcessors(), capture.notifications(), capture.calls(),
                capture.redeliveries());
        System.out.printf("MEASURE bound: JDK unwraps/s/thread=%.0f, ACCP unwraps/s/thread=%.0f%n",
                jdkBound, nativeBound);
        // Several configurations, separated by ';', each replayed over the same capture in this JVM.
        for (String extra : System.getProperty("beacon.measure.args", "").split(";")) {
            List<String> args = new ArrayList<>(List.of("--replay", capture.file().toString(),
                    "--facts-out", dir.resolve("facts.jsonl").toString(),
                    "--auth.client-state-file", clientStateFile.toString(), "--auth.keystore", keystore.toString(),
                    "--auth.keystore-password-file", storePassword.toString()));
            if (!extra.isBlank()) {
                args.addAll(List.of(extra.strip().split("\\s+")));
            }
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            long started = System.nanoTime();
            JobExecutionResult result = BeaconJob.run(args.toArray(String[]::new),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            double netSeconds = result.getNetRuntime() / 1000.0;
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("records read");
            System.out.printf("MEASURE replay [%s]: net %.2f s (%.0f n/s), wall %.2f s (%.0f n/s); "
                    + "n/s per core / JDK bound %.2f, / ACCP bound %.2f%n", extra.strip(), netSeconds,
                    capture.notifications() / netSeconds, wallSeconds, capture.notifications() / wallSeconds,
                    capture.notifications() / netSeconds / 2 / jdkBound,
                    capture.notifications() / netSeconds / 2 / nativeBound);
        }
    }

    /** One thread, {@code provider} (null: the JDK's), for about two seconds after a short warm-up. */
    private static double unwrapsPerSecond(TestKeys keys, Provider provider) throws Exception {
        Cipher encrypt = Cipher.getInstance(RichNotificationCrypto.RSA);
        encrypt.init(Cipher.ENCRYPT_MODE, keys.publicKey());
        byte[] wrapped = encrypt.doFinal(new byte[32]);
        Cipher decrypt = provider == null ? Cipher.getInstance(RichNotificationCrypto.RSA)
                : Cipher.getInstance(RichNotificationCrypto.RSA, provider);
        for (int i = 0; i < 200; i++) {
            decrypt.init(Cipher.DECRYPT_MODE, keys.privateKey());
            decrypt.doFinal(wrapped);
        }
        int n = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            decrypt.init(Cipher.DECRYPT_MODE, keys.privateKey());
            decrypt.doFinal(wrapped);
            n++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 2_000_000_000L);
        return n / (elapsed / 1e9);
    }

    private static Provider accp() {
        try {
            Class<?> type = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) type.getField("INSTANCE").get(null);
            type.getMethod("assertHealthy").invoke(p);
            return p;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}
