package dev.beacon.control;

import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.hydration.HydrationConsumer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's configuration, read once from the environment ({@link #fromEnv}). Secrets come from
 * {@code NAME} or {@code NAME_FILE} (a mounted file; trailing newline stripped), exactly one, by the rule of
 * {@link SecretSource}. {@link #toString()} and
 * {@link #describe()} never show a secret, only whether it is set.
 *
 * <p>{@link #fromEnv} checks formats only, so {@code beaconctl db migrate} can run with just the JDBC settings;
 * {@link #validateForService()} adds what the long-running service needs.
 *
 * @param env the raw environment, for settings read elsewhere (vault keys: {@code BEACON_VAULT_KEY[_FILE]},
 *            {@code BEACON_VAULT_PREVIOUS_KEYS[_FILE]}); read them with {@link #secret(Map, String)}
 */
public record ControlPlaneSettings(
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String httpHost,
        int httpPort,
        String adminToken,
        boolean adminAuthDisabled,
        URI publicUrl,
        String kafkaBootstrap,
        String lifecycleTopic,
        String consumerGroup,
        String replicaId,
        Duration leaseDuration,
        Duration reconcileInterval,
        Duration tokenRefreshMargin,
        Path exportDir,
        URI microsoftRoute,
        Map<String, String> env) {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSettings.class);

    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_LIFECYCLE_TOPIC = "graph-lifecycle";
    public static final String DEFAULT_CONSUMER_GROUP = "beacon-control-plane";
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_TOKEN_REFRESH_MARGIN = Duration.ofMinutes(10);
    public static final String DEFAULT_HYDRATION_TOPIC = "graph-needs-hydration";
    public static final String DEFAULT_HYDRATION_DEAD_LETTER_TOPIC = "graph-hydration-dead-letters";
    public static final String DEFAULT_HYDRATION_GROUP = "beacon-hydration";
    /** Graph allows 20 chat-message GETs per second per app and tenant; stay well below. */
    public static final double DEFAULT_HYDRATION_RATE = 15;
    /** Hydration GETs in flight per consumer: at 100-500 ms per GET, 8 reach the default rate with room to spare. */
    public static final int DEFAULT_HYDRATION_CONCURRENCY = HydrationConsumer.Settings.DEFAULT_CONCURRENCY;
    /** More in flight than this only queues behind the per-tenant rate and holds threads. */
    public static final int MAX_HYDRATION_CONCURRENCY = 64;
    /** The job's input topic, shared with the webhook ingress ({@code BEACON_INGRESS_TOPIC}). */
    public static final String DEFAULT_EVENTS_TOPIC = "teams-events";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public ControlPlaneSettings {
        env = Map.copyOf(env);
    }

    /** Reads and checks every setting; throws {@link IllegalArgumentException} naming the variable (never a secret). */
    public static ControlPlaneSettings fromEnv(Map<String, String> env) {
        int port = integer(env, "BEACON_HTTP_PORT", DEFAULT_HTTP_PORT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("BEACON_HTTP_PORT must be 0..65535, got " + port);
        }
        String authMode = plain(env, "BEACON_ADMIN_AUTH").orElse("token").toLowerCase(Locale.ROOT);
        if (!authMode.equals("token") && !authMode.equals("disabled")) {
            throw new IllegalArgumentException("BEACON_ADMIN_AUTH must be 'token' or 'disabled', got '" + authMode + "'");
        }
        return new ControlPlaneSettings(
                plain(env, "BEACON_JDBC_URL").orElse(null),
                plain(env, "BEACON_JDBC_USER").orElse(null),
                secret(env, "BEACON_JDBC_PASSWORD").orElse(null),
                plain(env, "BEACON_HTTP_HOST").orElse(DEFAULT_HTTP_HOST),
                port,
                secret(env, "BEACON_ADMIN_TOKEN").orElse(null),
                authMode.equals("disabled"),
                url(env, "BEACON_PUBLIC_URL").orElse(URI.create("http://127.0.0.1:" + port)),
                plain(env, "BEACON_KAFKA_BOOTSTRAP").orElse(null),
                plain(env, "BEACON_LIFECYCLE_TOPIC").orElse(DEFAULT_LIFECYCLE_TOPIC),
                plain(env, "BEACON_CONSUMER_GROUP").orElse(DEFAULT_CONSUMER_GROUP),
                plain(env, "BEACON_REPLICA_ID").orElseGet(ControlPlaneSettings::defaultReplicaId),
                duration(env, "BEACON_LEASE_DURATION", DEFAULT_LEASE_DURATION),
                duration(env, "BEACON_RECONCILE_INTERVAL", DEFAULT_RECONCILE_INTERVAL),
                duration(env, "BEACON_TOKEN_REFRESH_MARGIN", DEFAULT_TOKEN_REFRESH_MARGIN),
                plain(env, "BEACON_EXPORT_DIR").map(Path::of).orElse(null),
                url(env, "BEACON_MICROSOFT_ROUTE").orElse(null),
                env);
    }

    public static ControlPlaneSettings fromSystemEnv() {
        return fromEnv(System.getenv());
    }

    /** What the service (not just a migration) needs; throws with every problem listed. */
    public ControlPlaneSettings validateForService() {
        List<String> problems = new ArrayList<>();
        if (jdbcUrl == null) {
            problems.add("BEACON_JDBC_URL is not set");
        }
        if (jdbcUser == null) {
            problems.add("BEACON_JDBC_USER is not set");
        }
        if (jdbcPassword == null) {
            problems.add("BEACON_JDBC_PASSWORD or BEACON_JDBC_PASSWORD_FILE is not set");
        }
        if (adminToken == null && !adminAuthDisabled) {
            problems.add("BEACON_ADMIN_TOKEN or BEACON_ADMIN_TOKEN_FILE is not set "
                    + "(or set BEACON_ADMIN_AUTH=disabled for a local demo)");
        }
        if (adminToken != null && adminToken.length() < 16) {
            problems.add("the admin token is shorter than 16 characters");
        }
        // A lease must be renewed at least twice per lifetime, so one slow tick does not hand it to another replica.
        if (reconcileInterval.multipliedBy(2).compareTo(leaseDuration) > 0) {
            problems.add("BEACON_RECONCILE_INTERVAL (" + reconcileInterval + ") must be at most half of "
                    + "BEACON_LEASE_DURATION (" + leaseDuration + ")");
        }
        if (reconcileInterval.isZero() || reconcileInterval.isNegative()) {
            problems.add("BEACON_RECONCILE_INTERVAL must be positive");
        }
        try {
            hydrationRate();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            hydrationConcurrency();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            ingressPublicUrl();
        } catch (IllegalArgumentException e) {
            problems.add("BEACON_INGRESS_PUBLIC_URL: " + e.getMessage());
        }
        try {
            dev.beacon.control.emergency.EmergencyEventsApi.version(env);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid settings: " + String.join("; ", problems));
        }
        return this;
    }

    /** Loud warnings for settings that are fine in a demo and dangerous in production. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (adminAuthDisabled) {
            w.add("BEACON_ADMIN_AUTH=disabled: the admin API is OPEN to anyone who can reach "
                    + httpHost + ":" + httpPort + "; use this only for a local demo");
        }
        if (microsoftRoute != null) {
            w.add("BEACON_MICROSOFT_ROUTE is set: all Microsoft calls go to " + microsoftRoute);
        }
        return w;
    }

    public void logWarnings() {
        warnings().forEach(LOG::warn);
    }

    public boolean lifecycleConsumerEnabled() {
        return kafkaBootstrap != null;
    }

    /**
     * Where the lifecycle consumer writes poison records: {@code BEACON_LIFECYCLE_DEAD_LETTER_TOPIC}, default the
     * lifecycle topic + {@code -dead-letters}. Read from {@link #env} so the record's shape stays as it is.
     */
    public String lifecycleDeadLetterTopic() {
        return plain(env, "BEACON_LIFECYCLE_DEAD_LETTER_TOPIC").orElse(lifecycleTopic + "-dead-letters");
    }

    /**
     * Whether the hydration consumer runs: when Kafka is configured, unless {@code BEACON_HYDRATION=off}. The
     * hydration settings below are read from {@link #env} so the record's shape stays as it is.
     */
    public boolean hydrationEnabled() {
        return kafkaBootstrap != null && !"off".equalsIgnoreCase(plain(env, "BEACON_HYDRATION").orElse("on"));
    }

    /** {@code BEACON_HYDRATION_TOPIC}: where the job writes notifications without resource data. */
    public String hydrationTopic() {
        return plain(env, "BEACON_HYDRATION_TOPIC").orElse(DEFAULT_HYDRATION_TOPIC);
    }

    /** {@code BEACON_HYDRATION_DEAD_LETTER_TOPIC}: poison, unknown-subscription and 403 requests. */
    public String hydrationDeadLetterTopic() {
        return plain(env, "BEACON_HYDRATION_DEAD_LETTER_TOPIC").orElse(DEFAULT_HYDRATION_DEAD_LETTER_TOPIC);
    }

    /** {@code BEACON_HYDRATION_GROUP}: the hydration consumer group, shared by all replicas. */
    public String hydrationGroup() {
        return plain(env, "BEACON_HYDRATION_GROUP").orElse(DEFAULT_HYDRATION_GROUP);
    }

    /**
     * {@code BEACON_HYDRATION_RATE}: chat-message GETs per second per tenant (default 15). It holds across replicas
     * because the job keys hydration requests by tenant, so one tenant's requests are read by one consumer.
     */
    public double hydrationRate() {
        Optional<String> v = plain(env, "BEACON_HYDRATION_RATE");
        if (v.isEmpty()) {
            return DEFAULT_HYDRATION_RATE;
        }
        try {
            double rate = Double.parseDouble(v.get());
            if (rate > 0 && !Double.isInfinite(rate)) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("BEACON_HYDRATION_RATE must be a positive number of requests per second, "
                + "got '" + v.get() + "'");
    }

    /**
     * {@code BEACON_HYDRATION_CONCURRENCY}: hydration requests in flight per consumer (default
     * {@value #DEFAULT_HYDRATION_CONCURRENCY}, 1 to {@value #MAX_HYDRATION_CONCURRENCY}); the rate still governs.
     */
    public int hydrationConcurrency() {
        Optional<String> v = plain(env, "BEACON_HYDRATION_CONCURRENCY");
        if (v.isEmpty()) {
            return DEFAULT_HYDRATION_CONCURRENCY;
        }
        try {
            int n = Integer.parseInt(v.get().trim());
            if (n >= 1 && n <= MAX_HYDRATION_CONCURRENCY) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("BEACON_HYDRATION_CONCURRENCY must be a whole number from 1 to "
                + MAX_HYDRATION_CONCURRENCY + " (requests in flight), got '" + v.get() + "'");
    }

    /**
     * The job's input topic, where fetched messages are published: {@code BEACON_INGRESS_TOPIC}, the name the
     * webhook ingress writes to (default {@value #DEFAULT_EVENTS_TOPIC}).
     */
    public String eventsTopic() {
        return plain(env, "BEACON_INGRESS_TOPIC").orElse(DEFAULT_EVENTS_TOPIC);
    }

    /**
     * {@code BEACON_INGRESS_PUBLIC_URL}: what Graph reaches the webhook ingress at (https; http only to localhost).
     * The reconciler builds the subscriptions of desired entries with the {@code ingress} shorthand from it. Read
     * from {@link #env} so the record's shape stays as it is.
     */
    public Optional<URI> ingressPublicUrl() {
        return dev.beacon.control.ingress.IngressRoutes.publicUrl(env);
    }

    /** The auth-code redirect URI Entra sends the browser back to for an integration. */
    public URI callbackUri(String integrationId) {
        String base = publicUrl.toString().replaceAll("/+$", "");
        return URI.create(base + "/api/org/" + integrationId + "/ms-teams/callback");
    }

    /** One setting per line, secrets shown only as set / not set. */
    public String describe() {
        return String.join("\n",
                "jdbc url:              " + orNone(maskedJdbcUrl()),
                "jdbc user:             " + orNone(jdbcUser),
                "jdbc password:         " + setOrNot(jdbcPassword),
                "http:                  " + httpHost + ":" + httpPort,
                "admin auth:            " + (adminAuthDisabled ? "DISABLED" : "token " + setOrNot(adminToken)),
                "public url:            " + publicUrl,
                "kafka bootstrap:       " + (kafkaBootstrap == null ? "(none: no lifecycle consumer)" : kafkaBootstrap),
                "lifecycle topic:       " + lifecycleTopic,
                "dead-letter topic:     " + lifecycleDeadLetterTopic(),
                "consumer group:        " + consumerGroup,
                "hydration:             " + (hydrationEnabled() ? hydrationTopic() + " -> " + eventsTopic()
                        + " (group " + hydrationGroup() + ", dead letters " + hydrationDeadLetterTopic() + ", "
                        + hydrationRateQuietly() + " GET/s per tenant, " + hydrationConcurrencyQuietly()
                        + " in flight)" : "(off)"),
                "replica id:            " + replicaId,
                "lease duration:        " + leaseDuration,
                "reconcile interval:    " + reconcileInterval,
                "token refresh margin:  " + tokenRefreshMargin,
                "export dir:            " + (exportDir == null ? "(none)" : exportDir),
                "ingress public url:    " + ingressPublicUrlQuietly(),
                "microsoft route:       " + (microsoftRoute == null ? "(real Microsoft endpoints)" : microsoftRoute),
                "vault key:             " + setOrNot(secretQuietly("BEACON_VAULT_KEY")),
                "vault previous keys:   " + setOrNot(secretQuietly("BEACON_VAULT_PREVIOUS_KEYS")));
    }

    private String ingressPublicUrlQuietly() {
        try {
            return ingressPublicUrl().map(URI::toString).orElse("(none: 'ingress' subscriptions cannot be built)");
        } catch (IllegalArgumentException e) {
            return "(invalid)";
        }
    }

    @Override
    public String toString() {
        return "ControlPlaneSettings[replica=" + replicaId + ", http=" + httpHost + ":" + httpPort
                + ", jdbc=" + orNone(maskedJdbcUrl()) + ", secrets hidden]";
    }

    /**
     * A secret by the one rule shared with the job ({@link SecretSource}): {@code name} or the file named by
     * {@code name_FILE}, exactly one; trailing whitespace stripped; an empty file is an error. Errors
     * ({@link SecretSource.SecretException}, an IllegalArgumentException) name the variable and the file, never
     * the content.
     */
    public static Optional<String> secret(Map<String, String> env, String name) {
        return SecretSource.resolve(env, name);
    }

    /**
     * Parses {@code 30s}, {@code 500ms}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}).
     */
    public static Duration parseDuration(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + s + "' (use 30s, 500ms, 10m, 2h or PT30S)");
        }
    }

    /** The JDBC URL with any {@code password=} parameter hidden (passwords belong in the _FILE setting). */
    private String maskedJdbcUrl() {
        return jdbcUrl == null ? null : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private String hydrationRateQuietly() {
        try {
            return String.valueOf(hydrationRate());
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }

    private String hydrationConcurrencyQuietly() {
        try {
            return String.valueOf(hydrationConcurrency());
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }

    private String secretQuietly(String name) {
        try {
            return secret(env, name).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<String> plain(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        Optional<String> v = plain(env, name);
        try {
            return v.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v.get() + "'");
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = parseDuration(v.get());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static Optional<URI> url(Map<String, String> env, String name) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI u = URI.create(v.get());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            if (u.getUserInfo() != null) {
                throw new IllegalArgumentException("credentials in the URL are not allowed");
            }
            return Optional.of(u);
        } catch (IllegalArgumentException e) {
            // The message of URI.create may quote the value; URLs here are not secret, but keep it short.
            throw new IllegalArgumentException(name + " must be an http(s) URL: " + e.getMessage());
        }
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "replica";
        }
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }

    private static String orNone(String s) {
        return s == null ? "(not set)" : s;
    }

    private static String setOrNot(String secret) {
        return secret == null ? "(not set)" : "(set)";
    }
}
