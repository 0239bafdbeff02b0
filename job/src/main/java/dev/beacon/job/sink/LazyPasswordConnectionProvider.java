package dev.beacon.job.sink;

import java.util.Properties;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

/**
 * The connector's own connection handling (validity checks, reconnects on retry), but with the password read
 * from the {@link JdbcTarget} on the task manager the first time a connection is opened, so that it never travels
 * in the serialized job graph. {@link SimpleJdbcConnectionProvider} connects with {@link #getProperties()}, which
 * is the one hook needed.
 */
final class LazyPasswordConnectionProvider extends SimpleJdbcConnectionProvider {

    private static final long serialVersionUID = 1L;
    private static final String DRIVER = "org.postgresql.Driver";

    private final JdbcTarget target;
    private transient Properties withPassword;

    LazyPasswordConnectionProvider(JdbcTarget target) {
        super(optionsWithoutPassword(target));
        this.target = target;
    }

    private static JdbcConnectionOptions optionsWithoutPassword(JdbcTarget target) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder b = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(target.url())
                .withDriverName(DRIVER)
                // pgjdbc otherwise puts the failed statement *with its parameter values* into batch exceptions,
                // which end up in logs: dead-letter payloads and ids must not.
                .withProperty("logServerErrorDetail", "false");
        if (target.user() != null) {
            b.withUsername(target.user());
        }
        return b.build();
    }

    @Override
    public Properties getProperties() {
        if (withPassword == null) {
            Properties p = new Properties();
            p.putAll(super.getProperties());
            String password = target.resolvePassword();
            if (password != null) {
                p.setProperty(JdbcConnectionOptions.PASSWORD_KEY, password);
            }
            withPassword = p;
        }
        return withPassword;
    }
}
