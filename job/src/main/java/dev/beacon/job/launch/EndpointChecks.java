package dev.beacon.job.launch;

import dev.beacon.job.config.InvalidSettingException;
import dev.beacon.job.sink.JdbcTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Can the submitting process reach Kafka and PostgreSQL? Each check answers within its timeout, and a failure is
 * an {@link InvalidSettingException} naming the setting. Messages quote hosts, ports, topics and users, never a
 * password or a connection string, and not the JDBC URL's query (where a careless password would hide).
 */
final class EndpointChecks {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([^}:]+)}");

    private EndpointChecks() {}

    /**
     * The Kafka cluster answers with the client settings the job will use, and the given topics exist there. When
     * those settings need a secret this process does not have (Event Hubs' connection string lives on the task
     * managers), only a TCP connection to a bootstrap server is tried.
     */
    static void kafka(String setting, Properties client, String topicsSetting, List<String> topics, Duration timeout) {
        String bootstrap = client.getProperty("bootstrap.servers");
        String missing = missingEnvReference(client);
        if (missing != null) {
            tcp(setting, bootstrap, addresses(setting, bootstrap), timeout);
            return;
        }
        Properties p = new Properties();
        p.putAll(client);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        p.setProperty("client.id", "beacon-preflight");
        p.setProperty("request.timeout.ms", String.valueOf(millis));
        p.setProperty("default.api.timeout.ms", String.valueOf(millis));
        p.setProperty("socket.connection.setup.timeout.ms", String.valueOf(Math.min(millis, 5000)));
        p.setProperty("socket.connection.setup.timeout.max.ms", String.valueOf(millis));
        p.setProperty("reconnect.backoff.max.ms", "1000");
        Admin admin;
        try {
            admin = Admin.create(p);
        } catch (KafkaException e) {
            // e.g. a host name that does not resolve; the message quotes bootstrap.servers only.
            throw new InvalidSettingException(setting, "cannot connect to Kafka at " + bootstrap + " ("
                    + rootMessage(e) + ")");
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                    .get(millis + 1000L, TimeUnit.MILLISECONDS);
            if (!topics.isEmpty()) {
                Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(millis)).names()
                        .get(millis + 1000L, TimeUnit.MILLISECONDS);
                List<String> absent = topics.stream().filter(t -> !existing.contains(t)).toList();
                if (!absent.isEmpty()) {
                    throw new InvalidSettingException(topicsSetting, "Kafka at " + bootstrap + " has no topic "
                            + String.join(", ", absent));
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new InvalidSettingException(setting, "no Kafka broker at " + bootstrap + " answered within "
                    + seconds(timeout) + " (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidSettingException(setting, "interrupted while connecting to Kafka at " + bootstrap);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * PostgreSQL accepts the job's user, and the schema is there. Without the password (it lives on the task
     * managers), only a TCP connection to the server is tried.
     *
     * @param password null when this process does not have it
     */
    static void postgres(JdbcTarget target, String passwordSetting, String password, boolean passwordKnown,
            Duration timeout) {
        String url = withoutQuery(target.url());
        Properties parsed = org.postgresql.Driver.parseURL(target.url(), null);
        if (parsed == null) {
            throw new InvalidSettingException("jdbc.url", url + " is not a PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://host:port/database)");
        }
        if (!passwordKnown) {
            List<InetSocketAddress> servers = new ArrayList<>();
            String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
            String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
            for (int i = 0; i < hosts.length; i++) {
                servers.add(InetSocketAddress.createUnresolved(hosts[i], Integer.parseInt(ports[Math.min(i,
                        ports.length - 1)])));
            }
            tcp("jdbc.url", url, servers, timeout);
            return;
        }
        Properties p = new Properties();
        if (target.user() != null) {
            p.setProperty("user", target.user());
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        int secs = (int) Math.max(1, timeout.toSeconds());
        p.setProperty("connectTimeout", String.valueOf(secs));
        p.setProperty("loginTimeout", String.valueOf(secs));
        p.setProperty("socketTimeout", String.valueOf(secs));
        p.setProperty("logServerErrorDetail", "false");
        try (Connection c = DriverManager.getConnection(target.url(), p);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('emergency_call') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new InvalidSettingException("jdbc.url", url + " has no Beacon schema (table emergency_call); "
                        + "run dev.beacon.sql.SchemaMigrator first");
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 28P01/28000: wrong password or user; 08004: the server wants a password and none was given.
            if (state.equals("28P01") || state.equals("28000") || state.equals("08004")) {
                throw new InvalidSettingException(passwordSetting, "PostgreSQL at " + url + " rejected user "
                        + target.user() + " (" + firstLine(e.getMessage()) + ")");
            }
            throw new InvalidSettingException("jdbc.url", "cannot connect to PostgreSQL at " + url + " ("
                    + firstLine(e.getMessage()) + ")");
        }
    }

    /** Succeeds when any of the servers accepts a TCP connection. */
    static void tcp(String setting, String what, List<InetSocketAddress> servers, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        String last = "no server given";
        for (InetSocketAddress server : servers) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server.getHostString(), server.getPort()), millis);
                return;
            } catch (IOException e) {
                last = server.getHostString() + ":" + server.getPort() + " " + e.getClass().getSimpleName();
            }
        }
        throw new InvalidSettingException(setting, "cannot connect to " + what + " within " + seconds(timeout)
                + " (" + last + ")");
    }

    /** {@code host:port} pairs of a Kafka bootstrap list; IPv6 hosts in brackets. */
    static List<InetSocketAddress> addresses(String setting, String bootstrap) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String entry : bootstrap == null ? new String[0] : bootstrap.split(",")) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':');
            if (e.isEmpty()) {
                continue;
            }
            try {
                String host = e.substring(0, colon).replace("[", "").replace("]", "");
                out.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(e.substring(colon + 1))));
            } catch (RuntimeException bad) {
                throw new InvalidSettingException(setting, "'" + e + "' is not host:port");
            }
        }
        if (out.isEmpty()) {
            throw new InvalidSettingException(setting, "is empty");
        }
        return out;
    }

    /** The first {@code ${env:NAME}} in the client settings whose variable this process does not have, or null. */
    static String missingEnvReference(Properties client) {
        for (String key : client.stringPropertyNames()) {
            Matcher m = ENV_REFERENCE.matcher(client.getProperty(key));
            while (m.find()) {
                String value = System.getenv(m.group(1));
                if (value == null || value.isBlank()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
