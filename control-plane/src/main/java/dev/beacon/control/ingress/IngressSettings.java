package dev.beacon.control.ingress;

import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.ControlPlaneSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The webhook ingress's configuration, from the environment. It is deliberately small: the ingress holds no vault
 * key, no database password and no Graph token, only what it needs to check a delivery and forward it.
 *
 * <ul>
 *   <li>{@code BEACON_INGRESS_HOST} (default {@value #DEFAULT_HOST}), {@code BEACON_INGRESS_PORT} (default
 *       {@value #DEFAULT_PORT});</li>
 *   <li>{@code BEACON_KAFKA_BOOTSTRAP} (required), {@code BEACON_INGRESS_TOPIC} (default
 *       {@value #DEFAULT_TOPIC});</li>
 *   <li>{@code BEACON_CLIENT_STATE} or {@code BEACON_CLIENT_STATE_FILE}, not both (the job-secrets export's
 *       {@code client-states} file, re-read when it changes): the accepted clientState values (required);</li>
 *   <li>{@code BEACON_INGRESS_APP_IDS}: comma-separated app (client) ids, the audience of rich notifications'
 *       validation tokens (required);</li>
 *   <li>{@code BEACON_INGRESS_JWKS_URL} (default Microsoft's), {@code BEACON_INGRESS_JWKS_MIN_REFRESH} (default
 *       30s: at most two JWKS downloads per interval when an unknown key id shows up);</li>
 *   <li>{@code BEACON_INGRESS_MAX_BODY} bytes (default {@value #DEFAULT_MAX_BODY});</li>
 *   <li>{@code BEACON_INGRESS_SEND_TIMEOUT} (default 1500ms): how long a request waits for Kafka's
 *       acknowledgement before answering 503;</li>
 *   <li>{@code BEACON_INGRESS_INTEGRATIONS}: comma-separated integration ids the routes answer for (others get
 *       404, handshakes included); unset: any;</li>
 *   <li>{@code BEACON_INGRESS_TLS_KEYSTORE} (PKCS12 path) and {@code BEACON_INGRESS_TLS_KEYSTORE_PASSWORD[_FILE]}:
 *       serve HTTPS instead of HTTP;</li>
 *   <li>{@code BEACON_ACS_WEBHOOK_KEY} or {@code BEACON_ACS_WEBHOOK_KEY_FILE}: the secret {@code ?key=} of the
 *       ACS route {@code /webhooks/acs/{integration}} (Event Grid subscriptions for ACS {@code IncomingCall});
 *       unset: that route answers 404;</li>
 *   <li>{@code BEACON_INGRESS_METRICS_HOST} (default {@value #DEFAULT_METRICS_HOST}) and
 *       {@code BEACON_INGRESS_METRICS_PORT} (default {@value #DEFAULT_METRICS_PORT}, {@code off} for none): the
 *       separate Prometheus listener, never the internet-facing port.</li>
 * </ul>
 */
public record IngressSettings(
        String host,
        int port,
        String kafkaBootstrap,
        String topic,
        String clientStates,
        Path clientStateFile,
        Set<String> appIds,
        URI jwksUrl,
        Duration jwksMinRefresh,
        int maxBodyBytes,
        Duration sendTimeout,
        Path tlsKeystore,
        String tlsKeystorePassword,
        Set<String> integrations,
        String metricsHost,
        int metricsPort,
        String acsWebhookKey) {

    /** The ACS route's key: {@code NAME} or {@code NAME_FILE}. */
    public static final String ACS_WEBHOOK_KEY = "BEACON_ACS_WEBHOOK_KEY";
    /** A key Event Grid carries in the URL must not be guessable. */
    public static final int MIN_ACS_KEY_LENGTH = 16;

    public static final String CLIENT_STATE = "BEACON_CLIENT_STATE";
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8088;
    public static final String DEFAULT_TOPIC = "teams-events";
    public static final int DEFAULT_MAX_BODY = 1_000_000;
    public static final URI MICROSOFT_JWKS = URI.create("https://login.microsoftonline.com/common/discovery/v2.0/keys");
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofMillis(1500);
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    public static final int DEFAULT_METRICS_PORT = 9464;
    /** {@link #metricsPort()} when {@code BEACON_INGRESS_METRICS_PORT=off}: no metrics listener. */
    public static final int METRICS_OFF = -1;

    public IngressSettings {
        appIds = Set.copyOf(appIds);
        integrations = Set.copyOf(integrations);
    }

    /** True when {@code integration} may use the routes: any slug when {@code BEACON_INGRESS_INTEGRATIONS} is unset. */
    public boolean serves(String integration) {
        return integrations.isEmpty() || integrations.contains(integration);
    }

    public static IngressSettings fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        int port = number(env, "BEACON_INGRESS_PORT", DEFAULT_PORT, problems);
        if (port < 0 || port > 65535) {
            problems.add("BEACON_INGRESS_PORT must be 0..65535");
        }
        int maxBody = number(env, "BEACON_INGRESS_MAX_BODY", DEFAULT_MAX_BODY, problems);
        if (maxBody < 1024) {
            problems.add("BEACON_INGRESS_MAX_BODY must be at least 1024");
        }
        String bootstrap = plain(env, "BEACON_KAFKA_BOOTSTRAP").orElse(null);
        if (bootstrap == null) {
            problems.add("BEACON_KAFKA_BOOTSTRAP is not set");
        }
        // The one NAME / NAME_FILE rule (exactly one). The file is kept as a path and read by AcceptedClientStates,
        // which re-reads it on change and tolerates its absence until the control plane's first export.
        String direct = plain(env, CLIENT_STATE).orElse(null);
        Path file = plain(env, CLIENT_STATE + SecretSource.FILE_SUFFIX).map(Path::of).orElse(null);
        if (direct != null && file != null) {
            problems.add("set " + SecretSource.describe(CLIENT_STATE) + ", not both");
        } else if (direct == null && file == null) {
            problems.add(SecretSource.describe(CLIENT_STATE) + " is not set");
        }
        Set<String> appIds = list(env, "BEACON_INGRESS_APP_IDS");
        if (appIds.isEmpty()) {
            problems.add("BEACON_INGRESS_APP_IDS is not set (the app ids rich notifications are addressed to)");
        }
        URI jwks = plain(env, "BEACON_INGRESS_JWKS_URL").map(URI::create).orElse(MICROSOFT_JWKS);
        if (!"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) {
            problems.add("BEACON_INGRESS_JWKS_URL must be an http(s) URL");
        }
        Duration minRefresh = duration(env, "BEACON_INGRESS_JWKS_MIN_REFRESH", Duration.ofSeconds(30), problems);
        Duration sendTimeout = duration(env, "BEACON_INGRESS_SEND_TIMEOUT", DEFAULT_SEND_TIMEOUT, problems);
        if (sendTimeout.compareTo(Duration.ofMillis(2500)) > 0) {
            problems.add("BEACON_INGRESS_SEND_TIMEOUT must be at most 2500ms (Graph waits 3 s for an answer)");
        }
        int metricsPort = plain(env, "BEACON_INGRESS_METRICS_PORT").filter("off"::equalsIgnoreCase).isPresent()
                ? METRICS_OFF : number(env, "BEACON_INGRESS_METRICS_PORT", DEFAULT_METRICS_PORT, problems);
        if (metricsPort != METRICS_OFF && (metricsPort < 0 || metricsPort > 65535)) {
            problems.add("BEACON_INGRESS_METRICS_PORT must be 0..65535 or off");
        }
        Path keystore = plain(env, "BEACON_INGRESS_TLS_KEYSTORE").map(Path::of).orElse(null);
        String keystorePassword = null;
        try {
            keystorePassword = ControlPlaneSettings.secret(env, "BEACON_INGRESS_TLS_KEYSTORE_PASSWORD").orElse(null);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String acsKey = null;
        try {
            acsKey = SecretSource.resolve(env, ACS_WEBHOOK_KEY).orElse(null);
            if (acsKey != null && acsKey.length() < MIN_ACS_KEY_LENGTH) {
                problems.add(SecretSource.describe(ACS_WEBHOOK_KEY) + " must be at least " + MIN_ACS_KEY_LENGTH
                        + " characters");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (keystore != null && keystorePassword == null) {
            problems.add("BEACON_INGRESS_TLS_KEYSTORE needs BEACON_INGRESS_TLS_KEYSTORE_PASSWORD[_FILE]");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid ingress settings: " + String.join("; ", problems));
        }
        return new IngressSettings(plain(env, "BEACON_INGRESS_HOST").orElse(DEFAULT_HOST), port, bootstrap,
                plain(env, "BEACON_INGRESS_TOPIC").orElse(DEFAULT_TOPIC), direct, file, appIds, jwks, minRefresh,
                maxBody, sendTimeout, keystore, keystorePassword, list(env, "BEACON_INGRESS_INTEGRATIONS"),
                plain(env, "BEACON_INGRESS_METRICS_HOST").orElse(DEFAULT_METRICS_HOST), metricsPort, acsKey);
    }

    /** One setting per line; secrets shown only as set / not set. */
    public String describe() {
        return String.join("\n",
                "listen:             " + (tlsKeystore == null ? "http://" : "https://") + host + ":" + port,
                "kafka bootstrap:    " + kafkaBootstrap,
                "topic:              " + topic,
                "client states:      " + (clientStateFile != null ? "file " + clientStateFile : "(set)"),
                "app ids:            " + String.join(",", appIds),
                "integrations:       " + (integrations.isEmpty() ? "(any)" : String.join(",", integrations)),
                "jwks url:           " + jwksUrl,
                "max body:           " + maxBodyBytes + " bytes",
                "send timeout:       " + sendTimeout.toMillis() + " ms",
                "tls keystore:       " + (tlsKeystore == null ? "(none: plain HTTP)" : tlsKeystore),
                "metrics:            " + (metricsPort == METRICS_OFF ? "(off)"
                        : "http://" + metricsHost + ":" + metricsPort + "/metrics"),
                "acs route key:      " + (acsWebhookKey == null ? "(not set: /webhooks/acs answers 404)" : "(set)"));
    }

    @Override
    public String toString() {
        return "IngressSettings[" + host + ":" + port + ", topic=" + topic + ", secrets hidden]";
    }

    private static Optional<String> plain(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Set<String> list(Map<String, String> env, String name) {
        return plain(env, name).stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static int number(Map<String, String> env, String name, int fallback, List<String> problems) {
        Optional<String> v = plain(env, name);
        try {
            return v.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            problems.add(name + " must be a number");
            return fallback;
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = ControlPlaneSettings.parseDuration(v.get());
            if (d.isNegative() || d.isZero()) {
                problems.add(name + " must be positive");
                return fallback;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage());
            return fallback;
        }
    }
}
