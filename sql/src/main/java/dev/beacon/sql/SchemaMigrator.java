package dev.beacon.sql;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies Beacon's schema migrations (the files in {@code sql/migrations}, packaged on the classpath). Tests, the
 * local run and operators all go through here, so every database gets exactly the same schema.
 *
 * <p>Operators: {@code java -cp beacon-job.jar dev.beacon.sql.SchemaMigrator} with {@code BEACON_JDBC_URL},
 * {@code BEACON_JDBC_USER} and {@code BEACON_JDBC_PASSWORD} (or {@code BEACON_JDBC_PASSWORD_FILE}) set.
 */
public final class SchemaMigrator {

    /** Where the build puts the migrations on the classpath. */
    public static final String LOCATION = "classpath:db/migration/beacon";

    private SchemaMigrator() {}

    /** Brings the database up to date; returns how many migrations were applied now. */
    public static int migrate(String jdbcUrl, String user, String password) {
        MigrateResult result = Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .loggers("slf4j")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String url = require(env, "BEACON_JDBC_URL");
        String user = env.getOrDefault("BEACON_JDBC_USER", "postgres");
        String password = env.get("BEACON_JDBC_PASSWORD");
        String passwordFile = env.get("BEACON_JDBC_PASSWORD_FILE");
        if (password == null && passwordFile != null) {
            try {
                password = java.nio.file.Files.readString(java.nio.file.Path.of(passwordFile)).strip();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Cannot read BEACON_JDBC_PASSWORD_FILE: " + e.getMessage(), e);
            }
        }
        int applied = migrate(url, user, password);
        System.out.println("Beacon schema is up to date (" + applied + " migration(s) applied now).");
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            System.err.println(name + " is not set.");
            System.exit(2);
        }
        return v;
    }
}
