package dev.beacon.job.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' migration command, exactly as the README and docker-compose run it:
 * {@code java -cp beacon-job.jar dev.beacon.sql.SchemaMigrator}, in a child JVM with nothing but the shaded jar on
 * its classpath (no SLF4J: Flink provides that on a cluster, so the jar leaves it out). Runs after {@code package}.
 */
class MigrateFromShadedJarIT {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path dir;

    /** The schema's migration files in the repository (the module's working directory is job/). */
    static long migrationFiles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(Path.of("..", "sql", "migrations"))) {
            return files.filter(f -> f.getFileName().toString().matches("[VR].*__.*\\.sql")).count();
        }
    }

    @Test
    void theShadedJarMigratesAnEmptyDatabaseAndThenFindsNothingToDo() throws Exception {
        String url = PG.createEmptyDatabase("from_shaded_jar");
        Path passwordFile = PG.writePasswordFile(dir);

        Result first = migrate(Map.of("BEACON_JDBC_URL", url, "BEACON_JDBC_USER", PG.user(),
                "BEACON_JDBC_PASSWORD_FILE", passwordFile.toString()));
        Result second = migrate(Map.of("BEACON_JDBC_URL", url, "BEACON_JDBC_USER", PG.user(),
                "BEACON_JDBC_PASSWORD_FILE", passwordFile.toString()));

        assertThat(first.exitCode).as(first.toString()).isZero();
        assertThat(first.stdout).as("every file in sql/migrations, applied from inside the jar")
                .isEqualTo("Beacon schema is up to date (" + migrationFiles() + " migration(s) applied now).\n");
        assertThat(first.stderr).doesNotContain("Exception").doesNotContain(PG.password());
        assertThat(second.exitCode).as(second.toString()).isZero();
        assertThat(second.stdout).isEqualTo("Beacon schema is up to date (0 migration(s) applied now).\n");
        assertThat(tables(url)).contains("dead_letter", "emergency_call", "notification_audit");
    }

    @Test
    void aWrongPasswordFailsWithOneMessageAndNoPassword() throws Exception {
        String url = PG.createEmptyDatabase("wrong_password");
        String wrong = "not-the-password-" + System.nanoTime();

        Result result = migrate(Map.of("BEACON_JDBC_URL", url, "BEACON_JDBC_USER", PG.user(),
                "BEACON_JDBC_PASSWORD", wrong));

        assertThat(result.exitCode).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr).startsWith("Schema migration failed: Unable to obtain connection from database")
                .contains("password authentication failed for user \"beacon\"")
                .doesNotContain(wrong).doesNotContain("Exception in thread");
    }

    @Test
    void withoutAUrlItSaysWhatIsMissing() throws Exception {
        Result result = migrate(Map.of());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.stderr).isEqualTo("BEACON_JDBC_URL is not set.\n");
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private Result migrate(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("beacon.job.jar", "target/beacon-job.jar"));
        assertThat(jar).as("the shaded jar (run with `./mvnw verify`, after package)").isRegularFile();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", jar.toString(), "dev.beacon.sql.SchemaMigrator");
        pb.environment().keySet().removeIf(name -> name.startsWith("BEACON_"));
        pb.environment().putAll(env);
        Path out = dir.resolve("stdout-" + System.nanoTime());
        Path err = dir.resolve("stderr-" + System.nanoTime());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = pb.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the migration command did not finish within 120 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<String> tables(String url) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, PG.user(), PG.password());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
