package dev.beacon.testing;

import dev.beacon.sql.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (io.zonky embedded, PG 18) with Beacon's schema, started once per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresFixture PG = new PostgresFixture();
 * }</pre>
 *
 * <p>The schema lives in database {@code beacon}, owned by role {@value #USER} (as in production, not a
 * superuser), applied with {@link SchemaMigrator}. That role needs a password (scram-sha-256 over TCP), generated
 * per run; tests can hand it to code under test as a file with {@link #writePasswordFile(Path)}. The
 * {@code postgres} superuser keeps trust authentication for the fixture's own housekeeping.
 *
 * <p>Running as root: PostgreSQL refuses to start as root, so zonky runs {@code initdb} and {@code postgres}
 * through {@code unshare -U} (a user namespace where the process is not root). That needs {@code unshare} on
 * the PATH and unprivileged user namespaces enabled, as in the project's dev containers and CI.

 */
public final class PostgresFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    public static final String USER = "beacon";
    public static final String DATABASE = "beacon";

    private EmbeddedPostgres postgres;
    private String password;
    /** Null: a throw-away data directory per start; else kept across starts (the local demo). */
    private final Path dataDirectory;
    private final String fixedPassword;

    /** A throw-away database: a new data directory and password per start. */
    public PostgresFixture() {
        this(null, null);
    }

    private PostgresFixture(Path dataDirectory, String fixedPassword) {
        this.dataDirectory = dataDirectory;
        this.fixedPassword = fixedPassword;
    }

    /**
     * A database kept in {@code dataDirectory} across starts (the restartable local demo): initialised on the
     * first start, reused (and migrated to the current schema) on later ones; {@code password} is (re)set for
     * {@value #USER} at every start. Zonky skips {@code initdb} when the directory holds a cluster and does not
     * delete it on close.
     */
    public static PostgresFixture persistent(Path dataDirectory, String password) {
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("a persistent database needs its password");
        }
        return new PostgresFixture(dataDirectory.toAbsolutePath(), password);
    }

    /** Starts the server and migrates; called by JUnit, or directly when the fixture is used as AutoCloseable. */
    public PostgresFixture start() {
        if (postgres != null) {
            return this;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectoryCustomizer(PostgresFixture::requirePasswordsOverTcp);
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        if (fixedPassword != null) {
            password = fixedPassword;
        } else {
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            password = HexFormat.of().formatHex(secret);
        }
        try (Connection c = superuserConnection("postgres"); Statement s = c.createStatement()) {
            boolean roleExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'")) {
                roleExists = rs.next();
            }
            s.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + USER + " LOGIN PASSWORD '" + password + "'");
            boolean dbExists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                dbExists = rs.next();
            }
            if (!dbExists) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the beacon role and database", e);
        }
        SchemaMigrator.migrate(jdbcUrl(), USER, password);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    /** The URL of the migrated {@code beacon} database; it carries no credentials. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** Writes the password to {@code dir/jdbc-password} (0600, with a trailing newline, like a mounted secret). */
    public Path writePasswordFile(Path dir) {
        try {
            Path file = dir.resolve("jdbc-password");
            dev.beacon.contracts.secrets.JobSecretsLayout.writeAtomically(file,
                    (password + "\n").getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection to the {@code beacon} database as {@value #USER}; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    /** An empty database, owned by {@value #USER} and not migrated, for migration tests. */
    public String createEmptyDatabase(String name) {
        try (Connection c = superuserConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return jdbcUrl(name);
    }

    /** Rows as column-name → value maps (JDBC types: uuid → UUID, timestamptz → Timestamp, text[] → Array). */
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= md.getColumnCount(); col++) {
                        Object v = rs.getObject(col);
                        row.put(md.getColumnLabel(col), v instanceof java.sql.Array a ? a.getArray() : v);
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** The single value of a one-row, one-column query. */
    public Object queryValue(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("expected one row with one column from " + sql + ", got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    public int execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }

    /** Empties every Beacon table (not Flyway's history), so each test starts from a clean schema. */
    public void truncateAll() {
        List<Object> tables = query("""
                SELECT tablename FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'
                ORDER BY tablename""").stream().map(r -> r.get("tablename")).toList();
        if (!tables.isEmpty()) {
            execute("TRUNCATE " + String.join(", ", tables.stream().map(Object::toString).toList()));
        }
    }

    private Connection superuserConnection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", null);
    }


    /** Trust for the superuser (the fixture and zonky itself), scram-sha-256 for everyone else. */
    private static void requirePasswordsOverTcp(File dataDirectory) {
        String hba = """
                local all all                 trust
                host  all postgres 127.0.0.1/32 trust
                host  all postgres ::1/128      trust
                host  all all      127.0.0.1/32 scram-sha-256
                host  all all      ::1/128      scram-sha-256
                """;
        try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
