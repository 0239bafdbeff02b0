package dev.beacon.control.settings;

import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.alerts.AlertsSettings;
import dev.beacon.control.backfill.BackfillSettings;
import dev.beacon.control.directory.DirectorySettings;
import dev.beacon.control.emergency.EmergencyEventsApi;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.control.lines.ResourceAccountSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one registry of Beacon's environment variables, per process: the control plane service ({@link #SERVICE}),
 * {@code db migrate} ({@link #MIGRATE}), the webhook ingress ({@link #INGRESS}) and the CLI as a client
 * ({@link #CLIENT}). Defaults come from the settings classes' constants, so they cannot disagree. A new setting
 * must be added here: {@code EnvSettingDocsTest} fails on any {@code "BEACON_…"} the code reads that is missing.
 */
public final class EnvSettingDocs {

    private EnvSettingDocs() {
    }

    private static final String REQUIRED = "(required)";
    private static final String NONE = "(none)";

    public static final List<EnvSettingDoc> MIGRATE = List.of(
            EnvSettingDoc.plain("BEACON_JDBC_URL", REQUIRED, "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db/beacon"),
            EnvSettingDoc.plain("BEACON_JDBC_USER", REQUIRED, "database user"),
            EnvSettingDoc.secret("BEACON_JDBC_PASSWORD", REQUIRED, "database password"));

    public static final List<EnvSettingDoc> SERVICE = concat(MIGRATE, List.of(
            EnvSettingDoc.plain("BEACON_HTTP_HOST", ControlPlaneSettings.DEFAULT_HTTP_HOST, "admin API bind address"),
            EnvSettingDoc.plain("BEACON_HTTP_PORT", ControlPlaneSettings.DEFAULT_HTTP_PORT, "admin API port (0: any)"),
            EnvSettingDoc.secret("BEACON_ADMIN_TOKEN", REQUIRED, "admin bearer token, at least 16 characters"),
            EnvSettingDoc.plain("BEACON_ADMIN_AUTH", "token", "'disabled' opens the admin API (local demo only)"),
            EnvSettingDoc.plain("BEACON_PUBLIC_URL", "http://127.0.0.1:<port>",
                    "URL browsers reach this service at (auth-code redirect URIs)"),
            EnvSettingDoc.secret("BEACON_VAULT_KEY", REQUIRED, "base64 AES-256 key sealing tokens and keys"),
            EnvSettingDoc.secret("BEACON_VAULT_PREVIOUS_KEYS", NONE, "comma-separated older vault keys (rekeying)"),
            EnvSettingDoc.plain("BEACON_KAFKA_BOOTSTRAP", NONE,
                    "Kafka bootstrap servers; unset: no lifecycle, hydration, backfill or directory sync"),
            EnvSettingDoc.plain("BEACON_LIFECYCLE_TOPIC", ControlPlaneSettings.DEFAULT_LIFECYCLE_TOPIC,
                    "Graph lifecycle notifications from the ingress"),
            EnvSettingDoc.plain("BEACON_LIFECYCLE_DEAD_LETTER_TOPIC", "<lifecycle topic>-dead-letters",
                    "poison lifecycle records"),
            EnvSettingDoc.plain("BEACON_CONSUMER_GROUP", ControlPlaneSettings.DEFAULT_CONSUMER_GROUP,
                    "lifecycle consumer group"),
            EnvSettingDoc.plain("BEACON_HYDRATION", "on", "'off' stops fetching messages without resource data"),
            EnvSettingDoc.plain("BEACON_HYDRATION_TOPIC", ControlPlaneSettings.DEFAULT_HYDRATION_TOPIC,
                    "the job's requests to fetch a message"),
            EnvSettingDoc.plain("BEACON_HYDRATION_DEAD_LETTER_TOPIC",
                    ControlPlaneSettings.DEFAULT_HYDRATION_DEAD_LETTER_TOPIC, "hydration requests that cannot be served"),
            EnvSettingDoc.plain("BEACON_HYDRATION_GROUP", ControlPlaneSettings.DEFAULT_HYDRATION_GROUP,
                    "hydration consumer group"),
            EnvSettingDoc.plain("BEACON_HYDRATION_RATE", ControlPlaneSettings.DEFAULT_HYDRATION_RATE,
                    "message GETs per second per tenant (across replicas: requests are keyed by tenant)"),
            EnvSettingDoc.plain("BEACON_HYDRATION_CONCURRENCY", ControlPlaneSettings.DEFAULT_HYDRATION_CONCURRENCY,
                    "hydration requests in flight per consumer (1-" + ControlPlaneSettings.MAX_HYDRATION_CONCURRENCY
                            + ")"),
            EnvSettingDoc.plain("BEACON_INGRESS_TOPIC", ControlPlaneSettings.DEFAULT_EVENTS_TOPIC,
                    "the job's input topic (fetched and backfilled messages go there)"),
            EnvSettingDoc.plain("BEACON_INGRESS_PUBLIC_URL", NONE,
                    "where Graph reaches the webhook ingress (for 'ingress' subscriptions)"),
            EnvSettingDoc.plain("BEACON_REPLICA_ID", "<host>-<random>", "this replica's name in leases and logs"),
            EnvSettingDoc.plain("BEACON_LEASE_DURATION", human(ControlPlaneSettings.DEFAULT_LEASE_DURATION),
                    "integration lease lifetime"),
            EnvSettingDoc.plain("BEACON_RECONCILE_INTERVAL", human(ControlPlaneSettings.DEFAULT_RECONCILE_INTERVAL),
                    "subscription reconcile period (at most half the lease)"),
            EnvSettingDoc.plain("BEACON_TOKEN_REFRESH_MARGIN",
                    human(ControlPlaneSettings.DEFAULT_TOKEN_REFRESH_MARGIN), "refresh tokens this long before expiry"),
            EnvSettingDoc.plain("BEACON_EXPORT_DIR", NONE, "job-secrets directory the control plane keeps current"),
            EnvSettingDoc.secret("BEACON_EXPORT_KEYSTORE_PASSWORD", NONE, "password of the exported keystore"),
            EnvSettingDoc.plain("BEACON_MICROSOFT_ROUTE", NONE, "send all Microsoft calls here (emulator/testing)"),
            EnvSettingDoc.plain("BEACON_EMERGENCY_EVENTS_API_VERSION", EmergencyEventsApi.DEFAULT_VERSION,
                    "Graph version for emergency call event subscriptions"),
            EnvSettingDoc.plain("BEACON_BACKFILL_INTERVAL", human(BackfillSettings.DEFAULT_INTERVAL),
                    "scheduled backfill per integration"),
            EnvSettingDoc.plain("BEACON_BACKFILL_LOOK_BACK", human(BackfillSettings.DEFAULT_LOOK_BACK),
                    "first backfill lists this far back"),
            EnvSettingDoc.plain("BEACON_BACKFILL_OVERLAP", human(BackfillSettings.DEFAULT_OVERLAP),
                    "each backfill re-lists this much before its cursor"),
            EnvSettingDoc.plain("BEACON_BACKFILL_MAX_LOOK_BACK", human(BackfillSettings.DEFAULT_MAX_LOOK_BACK),
                    "never list further back than this"),
            EnvSettingDoc.plain("BEACON_BACKFILL_RATE", BackfillSettings.DEFAULT_RATE,
                    "backfill Graph requests per second per tenant"),
            EnvSettingDoc.plain("BEACON_BACKFILL_RETRY_BASE", human(BackfillSettings.DEFAULT_RETRY_BASE),
                    "first retry delay after a failed backfill"),
            EnvSettingDoc.plain("BEACON_BACKFILL_PARALLELISM", BackfillSettings.DEFAULT_PARALLELISM,
                    "integrations backfilled at the same time (1-" + BackfillSettings.MAX_PARALLELISM + ")"),
            EnvSettingDoc.plain("BEACON_BACKFILL_MAX_RUN", "2 x interval",
                    "a backfill run's time budget; the rest of its window continues next round"),
            EnvSettingDoc.plain("BEACON_DIRECTORY_SYNC_INTERVAL", human(DirectorySettings.DEFAULT_INTERVAL),
                    "scheduled directory sync per integration (0: only on request)"),
            EnvSettingDoc.plain("BEACON_DIRECTORY_SYNC_RATE", DirectorySettings.DEFAULT_RATE,
                    "directory sync Graph requests per second per tenant"),
            EnvSettingDoc.plain("BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL", human(ResourceAccountSync.DEFAULT_INTERVAL),
                    "security-line resource account sync"),
            EnvSettingDoc.plain("BEACON_ALERTS", "on (with Kafka)", "'off' stops alerting on new facts"),
            EnvSettingDoc.plain("BEACON_ALERTS_TOPIC", AlertsSettings.DEFAULT_TOPIC, "the facts alerts are sent for"),
            EnvSettingDoc.plain("BEACON_ALERTS_GROUP", AlertsSettings.DEFAULT_GROUP, "alerts consumer group"),
            EnvSettingDoc.plain("BEACON_ALERTS_DEAD_LETTER_TOPIC", AlertsSettings.DEFAULT_DEAD_LETTER_TOPIC,
                    "records on the facts topic that are not facts"),
            EnvSettingDoc.plain("BEACON_ALERTS_RETRY_INITIAL", "1s", "first retry delay of a failed delivery"),
            EnvSettingDoc.plain("BEACON_ALERTS_RETRY_MAX", "1m", "longest retry delay"),
            EnvSettingDoc.plain("BEACON_ALERTS_MAX_ATTEMPTS", "8", "attempts before a delivery is given up"),
            EnvSettingDoc.plain("BEACON_SMTP_HOST", NONE, "SMTP server for e-mail alerts"),
            EnvSettingDoc.plain("BEACON_SMTP_PORT", "587", "SMTP port"),
            EnvSettingDoc.plain("BEACON_SMTP_USER", NONE, "SMTP user"),
            EnvSettingDoc.secret("BEACON_SMTP_PASSWORD", NONE, "SMTP password"),
            EnvSettingDoc.plain("BEACON_SMTP_FROM", NONE, "sender address of alert e-mails (required with a host)"),
            EnvSettingDoc.plain("BEACON_SMTP_STARTTLS", "required", "required, optional or off")));

    public static final List<EnvSettingDoc> INGRESS = List.of(
            EnvSettingDoc.plain("BEACON_INGRESS_HOST", IngressSettings.DEFAULT_HOST, "bind address"),
            EnvSettingDoc.plain("BEACON_INGRESS_PORT", IngressSettings.DEFAULT_PORT, "port (0: any)"),
            EnvSettingDoc.plain("BEACON_KAFKA_BOOTSTRAP", REQUIRED, "Kafka bootstrap servers"),
            EnvSettingDoc.plain("BEACON_INGRESS_TOPIC", IngressSettings.DEFAULT_TOPIC, "where deliveries go"),
            EnvSettingDoc.secret("BEACON_CLIENT_STATE", REQUIRED,
                    "accepted clientState values (the job-secrets export's client-states file)"),
            EnvSettingDoc.plain("BEACON_INGRESS_APP_IDS", REQUIRED,
                    "comma-separated app ids rich notifications are addressed to"),
            EnvSettingDoc.plain("BEACON_INGRESS_JWKS_URL", IngressSettings.MICROSOFT_JWKS,
                    "keys that sign validation tokens"),
            EnvSettingDoc.plain("BEACON_INGRESS_JWKS_MIN_REFRESH", "30s", "least time between JWKS fetches"),
            EnvSettingDoc.plain("BEACON_INGRESS_MAX_BODY", IngressSettings.DEFAULT_MAX_BODY, "largest body in bytes"),
            EnvSettingDoc.plain("BEACON_INGRESS_SEND_TIMEOUT", human(IngressSettings.DEFAULT_SEND_TIMEOUT),
                    "how long a delivery waits for Kafka (at most 2500ms)"),
            EnvSettingDoc.plain("BEACON_INGRESS_INTEGRATIONS", "(any)", "comma-separated integration ids served"),
            EnvSettingDoc.plain("BEACON_INGRESS_TLS_KEYSTORE", NONE, "PKCS12 keystore: serve HTTPS"),
            EnvSettingDoc.secret("BEACON_INGRESS_TLS_KEYSTORE_PASSWORD", NONE, "its password"),
            EnvSettingDoc.secret("BEACON_ACS_WEBHOOK_KEY", NONE,
                    "the ?key= of the ACS Event Grid route (unset: no ACS route)"),
            EnvSettingDoc.plain("BEACON_INGRESS_METRICS_HOST", IngressSettings.DEFAULT_METRICS_HOST,
                    "Prometheus listener address"),
            EnvSettingDoc.plain("BEACON_INGRESS_METRICS_PORT", IngressSettings.DEFAULT_METRICS_PORT,
                    "Prometheus listener port ('off': none)"));

    /** What the CLI reads as a client of the admin API. */
    public static final List<EnvSettingDoc> CLIENT = List.of(
            EnvSettingDoc.plain("BEACON_SERVER", "http://127.0.0.1:8080", "control plane URL (--server)"),
            EnvSettingDoc.secret("BEACON_ADMIN_TOKEN", NONE, "admin token (--admin-token-file)"),
            EnvSettingDoc.secret("BEACON_CLIENT_SECRET", NONE, "integrations add: the app's client secret"),
            EnvSettingDoc.secret("BEACON_CERTIFICATE_PASSWORD", NONE, "integrations add: the certificate's password"),
            EnvSettingDoc.secret("BEACON_ALERT_URL", NONE, "alerts add: the webhook or Teams URL (a secret)"),
            EnvSettingDoc.secret("BEACON_ALERT_SECRET", NONE, "alerts add: the webhook's signing secret"));

    /**
     * The lines of an "Environment" help section: name, default and meaning, aligned. Secret defaults are
     * descriptions only, never values.
     */
    public static List<String> helpLines(List<EnvSettingDoc> docs) {
        List<String> lines = new ArrayList<>();
        for (EnvSettingDoc d : docs) {
            String when = switch (d.defaultValue()) {
                case REQUIRED -> "(required)";
                case NONE -> "(optional)";
                default -> "(default: " + d.defaultValue() + ")";
            };
            lines.add("  " + d.displayName() + " " + when);
            lines.add("      " + d.meaning());
        }
        return lines;
    }

    /** The widest help line, so the usage is wide enough not to wrap them. */
    public static int helpWidth(List<EnvSettingDoc> docs) {
        return helpLines(docs).stream().mapToInt(String::length).max().orElse(0) + 1;
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static List<EnvSettingDoc> concat(List<EnvSettingDoc> a, List<EnvSettingDoc> b) {
        List<EnvSettingDoc> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
