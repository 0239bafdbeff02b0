package dev.beacon.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.beacon.sql.SchemaMigrator;
import javax.sql.DataSource;

/** The control plane's PostgreSQL: one small connection pool, schema applied by the shared migrations. */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens a pool; the password comes from the caller (env or file), never from the URL. */
    public static Database open(String jdbcUrl, String user, String password, int maxConnections) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(maxConnections);
        c.setPoolName("beacon-control-plane");
        // Fail fast at start rather than on first use, so a wrong password is a clear start-up error.
        c.setInitializationFailTimeout(10_000);
        return new Database(new HikariDataSource(c));
    }

    /** Applies every migration (job and control-plane tables: one schema, one mechanism). */
    public static int migrate(String jdbcUrl, String user, String password) {
        return SchemaMigrator.migrate(jdbcUrl, user, password);
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
