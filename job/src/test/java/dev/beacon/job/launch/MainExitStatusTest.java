package dev.beacon.job.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code main} as a data engineer meets it: a replay whose keystore does not exist ends within seconds with exit
 * status 1 and one line on standard error naming the setting. A child JVM, because {@code main} exits the JVM.
 */
class MainExitStatusTest {

    @TempDir
    Path dir;

    @Test
    void aReplayWithAMissingKeystoreExitsWithStatusOneAndOneLine() throws Exception {
        Path capture = Files.writeString(dir.resolve("capture.jsonl"), "{\"value\":[]}\n");
        Path clientState = Files.writeString(dir.resolve("client-state"), "a-client-state");
        Path missing = dir.resolve("keys.p12");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.beacon.job.BeaconJob", "--replay", capture.toString(),
                "--facts-out", dir.resolve("facts.jsonl").toString(),
                "--auth.client-state-file", clientState.toString(), "--auth.keystore", missing.toString());
        Path err = dir.resolve("stderr");
        pb.redirectError(err.toFile()).redirectOutput(dir.resolve("stdout").toFile());

        long started = System.nanoTime();
        Process process = pb.start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (!ended) {
            process.destroyForcibly();
        }

        System.out.printf("main exited in %d ms (JVM start included)%n", millis);
        assertThat(ended).as("main ended").isTrue();
        assertThat(process.exitValue()).isEqualTo(Launcher.FAILED);
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).isEqualTo(
                "ERROR Beacon cannot start: auth.keystore: PKCS12 key store " + missing + " does not exist\n");
        assertThat(millis).isLessThan(15_000);
    }
}
