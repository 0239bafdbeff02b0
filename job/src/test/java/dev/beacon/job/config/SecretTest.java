package dev.beacon.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.contracts.secrets.SecretSource.SecretException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's secret references resolve by the contract's NAME / NAME_FILE rule. */
class SecretTest {

    @TempDir
    Path dir;

    @Test
    void readsTheVariableOrItsFileButNotBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "from-file\n");
        Secret secret = Secret.fromEnv("BEACON_CLIENT_STATE");

        assertThat(secret.resolve(Map.of("BEACON_CLIENT_STATE", "from-env"))).isEqualTo("from-env");
        assertThat(secret.resolve(Map.of("BEACON_CLIENT_STATE_FILE", file.toString()))).isEqualTo("from-file");
        assertThat(secret.resolve(Map.of())).isNull();
        assertThatThrownBy(() -> secret.resolve(Map.of("BEACON_CLIENT_STATE", "from-env",
                "BEACON_CLIENT_STATE_FILE", file.toString())))
                .isInstanceOf(SecretException.class)
                .hasMessage("set BEACON_CLIENT_STATE or BEACON_CLIENT_STATE_FILE, not both")
                .hasMessageNotContaining("from-env");
    }

    @Test
    void anOptionFileGoesThroughTheSameFileRule() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path good = Files.writeString(dir.resolve("good"), "s3cret \n");

        assertThat(Secret.fromFile(good.toString()).resolve(Map.of())).isEqualTo("s3cret");
        assertThatThrownBy(() -> Secret.fromFile(empty.toString()).resolve(Map.of()))
                .isInstanceOf(SecretException.class).hasMessage("file " + empty + ": " + empty + " is empty");
    }

    @Test
    void aListReadsLinesAndCommas() throws Exception {
        Path file = Files.writeString(dir.resolve("states"), "new-state\nold-a, old-b\n\n");

        assertThat(Secret.fromFile(file.toString()).resolveList(Map.of()))
                .containsExactly("new-state", "old-a", "old-b");
        assertThat(Secret.fromEnv("S").resolveList(Map.of("S", "a,b"))).isEqualTo(List.of("a", "b"));
        assertThat(Secret.fromEnv("S").resolveList(Map.of())).isNull();
    }

    @Test
    void errorsNameTheSettingNeverTheValue() {
        InvalidSettingException e = InvalidSettingException.secret("environment variable S (or S_FILE)",
                new SecretException("S", "set S or S_FILE, not both"));

        assertThat(e).hasMessage("environment variable S (or S_FILE): set S or S_FILE, not both");
        assertThat(Secret.fromEnv("S").toString()).isEqualTo("Secret[environment variable S (or S_FILE)]");
    }
}
