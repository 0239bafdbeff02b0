package dev.beacon.sql;

import dev.beacon.contracts.secrets.SecretSource;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies Beacon's schema migrations (the files in {@code sql/migrations}, packaged on the classpath). Tests, the
 * local run and operators all go through here, so every database gets exactly the same schema.
 *
 * <p>Operators: {@code java -cp beacon-job.jar dev.beacon.sql.SchemaMigrator} with {@code BEACON_JDBC_URL},
 * {@code BEACON_JDBC_USER} and {@code BEACON_JDBC_PASSWORD} or {@code BEACON_JDBC_PASSWORD_FILE} (not both) set.
 * The job jar leaves SLF4J out (Flink provides it on a cluster), so this class must not need it: Flyway detects its
 * logger, SLF4J where it is on the classpath (tests, control plane) and {@code java.util.logging} otherwise.
 */
public final class SchemaMigrator {

    /** Where the build puts the migrations on the classpath. */
    public static final String LOCATION = "classpath:db/migration/beacon";

    private static final String JUL_FORMAT = "java.util.logging.SimpleFormatter.format";

    private SchemaMigrator() {}

    /** Brings the database up to date; returns how many migrations were applied now. */
    public static int migrate(String jdbcUrl, String user, String password) {
        MigrateResult result = Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .loggers("auto")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /** Exit codes: 0 up to date, 1 migration failed, 2 not configured. */
    public static void main(String[] args) {
        if (System.getProperty(JUL_FORMAT) == null) {
            // One line per message when Flyway falls back to java.util.logging (the standalone command).
            System.setProperty(JUL_FORMAT, "%4$s: %5$s%6$s%n");
        }
        Map<String, String> env = System.getenv();
        String url = env.get("BEACON_JDBC_URL");
        if (url == null || url.isBlank()) {
            fail(2, "BEACON_JDBC_URL is not set.");
        }
        String user = env.getOrDefault("BEACON_JDBC_USER", "postgres");
        String password = null;
        try {
            password = SecretSource.resolve(env, "BEACON_JDBC_PASSWORD").orElse(null);
        } catch (SecretSource.SecretException e) {
            // Names the variable and the file, never the content.
            fail(2, e.getMessage() + ".");
        }
        try {
            int applied = migrate(url, user, password);
            System.out.println("Beacon schema is up to date (" + applied + " migration(s) applied now).");
        } catch (FlywayException e) {
            // Flyway's messages name the URL, the user and the failing statement, never the password.
            fail(1, "Schema migration failed: " + e.getMessage().strip());
        }
    }

    private static void fail(int status, String message) {
        System.err.println(message);
        System.exit(status);
    }
}
