package dev.beacon.job.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the job, with its default. Set them as {@code --key value} arguments or in a properties file
 * given with {@code --config FILE}. Secrets are never settings: options only name the environment variable or file
 * that holds them (see {@link Secret}), and task managers read them when operators open.
 */
public final class BeaconOptions {

    private BeaconOptions() {}

    // ---- ingest -------------------------------------------------------------------------------------------------

    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers; for Event Hubs <namespace>.servicebus.windows.net:9093.");

    public static final ConfigOption<List<String>> KAFKA_TOPICS = ConfigOptions.key("kafka.topics")
            .stringType().asList().defaultValues("teams-events")
            .withDescription("Topics (event hubs) carrying Graph notifications, separated by ';'.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("beacon-job")
            .withDescription("Consumer group. Event Hubs groups span the namespace: keep it unique per application.");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS = ConfigOptions.key("kafka.starting-offsets")
            .stringType().defaultValue("committed-or-earliest")
            .withDescription("committed-or-earliest, earliest or latest. Used when no checkpoint is restored.");

    public static final ConfigOption<String> KAFKA_SECURITY = ConfigOptions.key("kafka.security")
            .stringType().defaultValue("plaintext")
            .withDescription("plaintext, or eventhubs (SASL_SSL, PLAIN, user $ConnectionString, Microsoft's "
                    + "recommended client settings).");

    public static final ConfigOption<String> EVENTHUBS_CONNECTION_STRING_ENV = ConfigOptions
            .key("kafka.eventhubs.connection-string-env").stringType().defaultValue("EVENTHUBS_CONNECTION_STRING")
            .withDescription("Environment variable (on every task manager) holding the Event Hubs connection "
                    + "string; the Kafka client resolves it itself, so it never enters the job graph.");

    public static final ConfigOption<Boolean> KAFKA_BOUNDED = ConfigOptions.key("kafka.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts (local runs and tests).");

    /** Any {@code kafka.property.<name>} is passed to every Kafka client as {@code <name>}. */
    public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";

    // ---- reference data (control plane's compacted topics, on the ingest Kafka) ----------------------------------

    public static final ConfigOption<Boolean> REFERENCE_ENABLED = ConfigOptions.key("reference.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Read the directory, sites and security lines the control plane publishes (Kafka mode; "
                    + "in replay mode, replay.reference-file instead). The topics must exist.");

    public static final ConfigOption<String> REFERENCE_DIRECTORY_TOPIC = ConfigOptions
            .key("reference.directory-topic").stringType()
            .defaultValue(dev.beacon.contracts.records.ReferenceTopics.DIRECTORY)
            .withDescription("Compacted topic of directory users (key tenant|userId).");

    public static final ConfigOption<String> REFERENCE_SITES_TOPIC = ConfigOptions.key("reference.sites-topic")
            .stringType().defaultValue(dev.beacon.contracts.records.ReferenceTopics.SITES)
            .withDescription("Compacted topic of sites (key siteId).");

    public static final ConfigOption<String> REFERENCE_SECURITY_LINES_TOPIC = ConfigOptions
            .key("reference.security-lines-topic").stringType()
            .defaultValue(dev.beacon.contracts.records.ReferenceTopics.SECURITY_LINES)
            .withDescription("Compacted topic of security lines (key lineId).");

    public static final ConfigOption<String> REFERENCE_GROUP_ID = ConfigOptions.key("reference.group-id")
            .stringType().noDefaultValue()
            .withDescription("Consumer group of the reference source (offsets are committed for monitoring only); "
                    + "defaults to kafka.group-id + \"-reference\".");

    // ---- outputs ------------------------------------------------------------------------------------------------

    public static final ConfigOption<String> SINK_KAFKA_BOOTSTRAP = ConfigOptions.key("sink.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka for Beacon's own topics; defaults to kafka.bootstrap-servers (and its security).");

    public static final ConfigOption<String> FACTS_TOPIC = ConfigOptions.key("sink.facts-topic")
            .stringType().defaultValue("emergency-call-facts");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("sink.dead-letter-topic")
            .stringType().defaultValue("dead-letters");

    public static final ConfigOption<String> LIFECYCLE_TOPIC = ConfigOptions.key("sink.lifecycle-topic")
            .stringType().defaultValue("graph-lifecycle");

    public static final ConfigOption<String> HYDRATION_TOPIC = ConfigOptions.key("sink.needs-hydration-topic")
            .stringType().defaultValue("graph-needs-hydration");

    public static final ConfigOption<String> DELIVERY_GUARANTEE = ConfigOptions.key("sink.delivery-guarantee")
            .stringType().defaultValue("at-least-once")
            .withDescription("at-least-once (idempotent keys; works with Event Hubs) or exactly-once (Kafka "
                    + "transactions; consumers must read with isolation.level=read_committed).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions
            .key("sink.transactional-id-prefix").stringType().defaultValue("beacon")
            .withDescription("Unique per application on one Kafka cluster (exactly-once only).");

    public static final ConfigOption<String> JDBC_URL = ConfigOptions.key("jdbc.url")
            .stringType().noDefaultValue()
            .withDescription("PostgreSQL JDBC URL; when unset, facts are not written to PostgreSQL.");

    public static final ConfigOption<String> JDBC_USER = ConfigOptions.key("jdbc.user")
            .stringType().defaultValue("beacon");

    public static final ConfigOption<String> JDBC_PASSWORD_ENV = ConfigOptions.key("jdbc.password-env")
            .stringType().defaultValue("BEACON_JDBC_PASSWORD");

    public static final ConfigOption<String> JDBC_PASSWORD_FILE = ConfigOptions.key("jdbc.password-file")
            .stringType().noDefaultValue();

    // ---- authenticity -------------------------------------------------------------------------------------------

    public static final ConfigOption<String> CLIENT_STATE_ENV = ConfigOptions.key("auth.client-state-env")
            .stringType().defaultValue("BEACON_CLIENT_STATE")
            .withDescription("Environment variable with the accepted clientState secret(s), comma-separated.");

    public static final ConfigOption<String> CLIENT_STATE_FILE = ConfigOptions.key("auth.client-state-file")
            .stringType().noDefaultValue();

    public static final ConfigOption<String> KEYSTORE_PATH_ENV = ConfigOptions.key("auth.keystore-env")
            .stringType().defaultValue("BEACON_DECRYPTION_KEYSTORE")
            .withDescription("Environment variable with the PKCS12 keystore path; aliases are encryptionCertificateIds.");

    public static final ConfigOption<String> KEYSTORE_PATH = ConfigOptions.key("auth.keystore")
            .stringType().noDefaultValue()
            .withDescription("PKCS12 keystore path (overrides the environment variable).");

    public static final ConfigOption<String> KEYSTORE_PASSWORD_ENV = ConfigOptions.key("auth.keystore-password-env")
            .stringType().defaultValue("BEACON_DECRYPTION_KEYSTORE_PASSWORD");

    public static final ConfigOption<String> KEYSTORE_PASSWORD_FILE = ConfigOptions.key("auth.keystore-password-file")
            .stringType().noDefaultValue();

    public static final ConfigOption<String> FETCH_SIGNING_KEYS_ENV = ConfigOptions.key("auth.fetch-signing-keys-env")
            .stringType().defaultValue("BEACON_FETCH_SIGNING_KEYS")
            .withDescription("Environment variable with the base64 keys that sign messages the control plane fetched "
                    + "from Graph (comma- or newline-separated; NAME_FILE works too). When neither this nor "
                    + "auth.fetch-signing-key-file is set, fetched messages become dead letters.");

    public static final ConfigOption<String> FETCH_SIGNING_KEY_FILE = ConfigOptions.key("auth.fetch-signing-key-file")
            .stringType().noDefaultValue()
            .withDescription("The job-secrets file fetch-signing-keys: base64 keys, one per line, current first "
                    + "(overrides the environment variable).");

    // ---- decoding and detection ---------------------------------------------------------------------------------

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("decode.max-record-bytes")
            .intType().defaultValue(2 * 1024 * 1024);

    public static final ConfigOption<Integer> MAX_NESTING_DEPTH = ConfigOptions.key("decode.max-nesting-depth")
            .intType().defaultValue(64);

    public static final ConfigOption<Integer> MAX_ITEMS_PER_RECORD = ConfigOptions.key("decode.max-items-per-record")
            .intType().defaultValue(1000);

    public static final ConfigOption<Integer> MAX_DEAD_LETTER_CHARS = ConfigOptions.key("decode.max-dead-letter-chars")
            .intType().defaultValue(65536);

    public static final ConfigOption<String> RULES_FILE = ConfigOptions.key("detect.rules-file")
            .stringType().noDefaultValue()
            .withDescription("Detection rules JSON (docs/detection-rules.md); built-in defaults when unset.");

    public static final ConfigOption<Boolean> REPARTITION_BY_CHAT = ConfigOptions.key("triage.repartition-by-chat")
            .booleanType().defaultValue(true)
            .withDescription("Spread raw records over every triage instance by chat (decryption then uses every "
                    + "slot whatever the number of source splits; each chat keeps its order). false: triage is "
                    + "chained to the source, and one partition's records keep their order end to end.");

    public static final ConfigOption<Boolean> NATIVE_CRYPTO = ConfigOptions.key("decrypt.native-provider")
            .booleanType().defaultValue(true)
            .withDescription("Decrypt with the native Amazon Corretto Crypto Provider shipped in the job jar when it "
                    + "loads and is healthy (else the JDK's providers, automatically); false: always the JDK's.");

    public static final ConfigOption<Integer> DATA_KEY_CACHE_SIZE = ConfigOptions.key("decrypt.data-key-cache-size")
            .intType().defaultValue(0)
            .withDescription("Unwrapped data keys kept per triage instance, keyed by the wrapped key, so a "
                    + "redelivered notification skips the RSA unwrap; 0 disables it (Graph wraps a fresh key per "
                    + "item, so only redeliveries hit).");

    // ---- keyed state --------------------------------------------------------------------------------------------

    public static final ConfigOption<Duration> CORRELATION_WINDOW = ConfigOptions.key("state.correlation-window")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("Messages of one caller created within this window of a call are the same call.");

    public static final ConfigOption<Duration> CALLER_RESOLUTION_GRACE =
            ConfigOptions.key("correlation.caller-resolution-grace").durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("How long (processing time) a Graph emergency call event whose caller UPN the "
                            + "directory does not know waits for the directory before it is correlated under the "
                            + "fallback caller upn:<upn>.");

    public static final ConfigOption<Duration> MESSAGE_RETENTION = ConfigOptions.key("state.message-ttl")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("How long a seen emergency message is remembered to recognise redeliveries.");

    public static final ConfigOption<Duration> FACT_RETENTION = ConfigOptions.key("state.fact-ttl")
            .durationType().defaultValue(Duration.ofDays(2))
            .withDescription("How long a fact stays open for merges, amendments and deletions after its last change.");

    public static final ConfigOption<Duration> SECURITY_LINES_GRACE = ConfigOptions.key("securitylines.grace")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("How long an ACS call to a number that is not (yet) a known security line is held, "
                    + "because the lines may arrive after the call at startup; then it is counted and dropped.");

    public static final ConfigOption<Duration> SECURITY_LINES_RETENTION = ConfigOptions.key("securitylines.retention")
            .durationType().defaultValue(Duration.ofHours(24))
            .withDescription("How long a call to a security line is remembered to recognise a redelivery of it "
                    + "(Event Grid retries for up to 24 hours).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10));

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType().noDefaultValue()
            .withDescription("Checkpoint storage URI, e.g. file:///var/beacon/checkpoints or s3://…; cluster default when unset.");

    // ---- restarts and start-up checks ---------------------------------------------------------------------------

    public static final ConfigOption<Integer> RESTART_MAX_ATTEMPTS = ConfigOptions.key("restart.max-attempts")
            .intType().defaultValue(30)
            .withDescription("On a cluster, restarts after failures before the job fails for good (exponential "
                    + "backoff; the count starts over after restart.reset-after without a failure). Replay never "
                    + "restarts; configuration errors never restart.");

    public static final ConfigOption<Duration> RESTART_INITIAL_BACKOFF = ConfigOptions.key("restart.initial-backoff")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Delay before the first restart; doubled for each further one, up to restart.max-backoff.");

    public static final ConfigOption<Duration> RESTART_MAX_BACKOFF = ConfigOptions.key("restart.max-backoff")
            .durationType().defaultValue(Duration.ofMinutes(1));

    public static final ConfigOption<Duration> RESTART_RESET_AFTER = ConfigOptions.key("restart.reset-after")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("After running this long without a failure, the backoff and the attempt count reset.");

    public static final ConfigOption<Boolean> PREFLIGHT_ENDPOINTS = ConfigOptions.key("preflight.check-endpoints")
            .booleanType().defaultValue(true)
            .withDescription("Before submitting, check that Kafka and PostgreSQL answer; turn off when the "
                    + "submitting machine cannot reach them (the task managers then find out).");

    public static final ConfigOption<Duration> PREFLIGHT_TIMEOUT = ConfigOptions.key("preflight.timeout")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How long each start-up check waits for an endpoint.");

    // ---- replay -------------------------------------------------------------------------------------------------

    public static final ConfigOption<String> REPLAY_FILE = ConfigOptions.key("replay")
            .stringType().noDefaultValue()
            .withDescription("Capture file (one record per line: a bare value or a kcat -J envelope).");

    public static final ConfigOption<String> REPLAY_REFERENCE_FILE = ConfigOptions.key("replay.reference-file")
            .stringType().noDefaultValue()
            .withDescription("Replay only: reference data as JSON Lines, one {\"topic\", \"key\", \"value\": {…} | "
                    + "null} per line (null deletes the key), read alongside the capture file.");

    public static final ConfigOption<String> FACTS_OUT = ConfigOptions.key("facts-out")
            .stringType().defaultValue("facts.jsonl");

    public static final ConfigOption<String> DEAD_LETTERS_OUT = ConfigOptions.key("dead-letters-out")
            .stringType().noDefaultValue()
            .withDescription("Replay only: also write dead letters as JSON Lines here.");

    public static final ConfigOption<String> AUDIT_OUT = ConfigOptions.key("audit-out")
            .stringType().noDefaultValue()
            .withDescription("Replay only: also write the audit trail (one row per notification) as JSON Lines here.");
}
