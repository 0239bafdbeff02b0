package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcTargetTest {

    /** Set in every environment the build runs in, and never a password: good enough to prove the lookup. */
    private static final String SOME_VARIABLE = "PATH";

    @TempDir
    Path dir;

    @Test
    void anExplicitFileIsReadInsteadOfTheEnvironmentAndLosesItsTrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cret\n");

        assertThat(new JdbcTarget("jdbc:postgresql://db/beacon", "beacon", SOME_VARIABLE, file.toString())
                .resolvePassword()).isEqualTo("s3cret");
    }

    @Test
    void environmentVariableWhenNoFile() {
        assertThat(new JdbcTarget("jdbc:postgresql://db/beacon", "beacon", SOME_VARIABLE, null).resolvePassword())
                .isEqualTo(System.getenv(SOME_VARIABLE));
        assertThat(new JdbcTarget("jdbc:postgresql://db/beacon", "beacon", "BEACON_TEST_UNSET_VARIABLE_7f3a", null)
                .resolvePassword()).isNull();
        assertThat(new JdbcTarget("jdbc:postgresql://db/beacon", "beacon", null, null).resolvePassword()).isNull();
    }

    @Test
    void unreadableFileIsReportedByNameOnly() {
        String missing = dir.resolve("missing").toString();

        assertThatThrownBy(() -> new JdbcTarget("jdbc:postgresql://db/beacon", "u", null, missing).resolvePassword())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("JDBC password: file " + missing + ": no such file " + missing);
    }

    @Test
    void toStringHidesTheUrlQuery() {
        JdbcTarget t = new JdbcTarget("jdbc:postgresql://db/beacon?password=oops", "beacon", "PG_PASSWORD", null);

        assertThat(t.toString())
                .isEqualTo("JdbcTarget{jdbc:postgresql://db/beacon?…, user=beacon, passwordEnv=PG_PASSWORD}");
    }

    @Test
    void urlIsRequired() {
        assertThatThrownBy(() -> new JdbcTarget(" ", "u", null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
