package dev.beacon.control.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local demo restarts on its own state: same database, vault key and admin token; secrets 0600; --fresh. */
class DemoStateTest {

    @TempDir
    Path tmp;

    @Test
    void secretsAreKeptAcrossRunsWrittenOwnerOnlyAndFreshStartsOver() throws Exception {
        Path dir = tmp.resolve("demo-state");
        DemoState first = DemoState.open(dir, false);
        assertThat(first.reused()).isFalse();
        String token = first.adminToken();
        String key = first.vaultKey();
        String password = first.jdbcPassword();
        for (String f : new String[] {"admin-token", "vault-key", "jdbc-password"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
                    .as(f).isEqualTo("rw-------");
        }
        assertThat(Files.readString(first.adminTokenFile()).strip()).isEqualTo(token);
        Instant stopped = Instant.parse("2026-12-24T18:00:00Z");
        first.saveClock(stopped);
        Files.createDirectories(first.jobSecrets());
        Files.writeString(first.jobSecrets().resolve("client-states"), "cs\n");

        DemoState second = DemoState.open(dir, false);
        assertThat(second.reused()).isTrue();
        assertThat(second.adminToken()).isEqualTo(token);
        assertThat(second.vaultKey()).isEqualTo(key);
        assertThat(second.jdbcPassword()).isEqualTo(password);
        assertThat(second.clockStart(Instant.parse("2026-11-28T00:00:00Z"))).as("resumes the scaled time")
                .isEqualTo(stopped);
        assertThat(second.clockStart(Instant.parse("2027-01-01T00:00:00Z"))).as("never in the past")
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(second.jobSecrets().resolve("client-states")).as("the export is kept with its key").exists();

        DemoState fresh = DemoState.open(dir, true);
        assertThat(fresh.reused()).isFalse();
        assertThat(fresh.adminToken()).isNotEqualTo(token);
        assertThat(fresh.vaultKey()).isNotEqualTo(key);
        assertThat(fresh.jobSecrets().resolve("client-states")).as("an export of the old key is gone").doesNotExist();
    }

    @Test
    void aStateWithoutItsVaultKeyDropsTheExportAndTheDatabaseSealedUnderIt() throws Exception {
        Path dir = tmp.resolve("half");
        Files.createDirectories(dir.resolve("job-secrets"));
        Files.writeString(dir.resolve("job-secrets/fetch-signing-keys"), "old\n");
        Files.createDirectories(dir.resolve("postgres"));
        DemoState s = DemoState.open(dir, false);
        assertThat(s.reused()).isFalse();
        assertThat(dir.resolve("job-secrets")).doesNotExist();
        assertThat(dir.resolve("postgres")).doesNotExist();
    }

    @Test
    void theDatabaseIsReusedAcrossStarts() throws Exception {
        Path data = tmp.resolve("postgres");
        try (PostgresFixture pg = PostgresFixture.persistent(data, "first-password-0123").start()) {
            pg.execute("CREATE TABLE demo_probe (v text)");
            pg.execute("INSERT INTO demo_probe VALUES ('kept')");
        }
        // a new password is set on the existing role; the rows and the migrated schema are still there
        try (PostgresFixture pg = PostgresFixture.persistent(data, "second-password-0123").start()) {
            assertThat(pg.queryValue("SELECT v FROM demo_probe")).isEqualTo("kept");
            Path passwordFile = pg.writePasswordFile(tmp);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                    .isEqualTo("rw-------");
            assertThat(pg.queryValue("SELECT count(*) FROM flyway_schema_history WHERE success"))
                    .isInstanceOf(Long.class);
        }
    }
}
