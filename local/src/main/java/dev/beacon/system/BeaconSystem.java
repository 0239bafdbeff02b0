package dev.beacon.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ingress.IngressService;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.BeaconSources;
import dev.beacon.job.reference.ReferenceData;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * All of Beacon on one machine, wired as in production, against the emulated Microsoft:
 * <ul>
 *   <li>an in-process Kafka broker (KRaft) with every topic, and an embedded PostgreSQL with the schema;</li>
 *   <li>the control plane service (leader loop, lifecycle and hydration consumers, backfill), which creates the
 *       subscriptions in the emulated Graph and exports the job's secrets;</li>
 *   <li>the webhook ingress as its own service: no vault key, no Graph token, only clientState, JWKS and Kafka;</li>
 *   <li>the Flink job on the MiniCluster (RocksDB, checkpoints), reading {@code teams-events} and the secrets the
 *       control plane exported, and nothing else.</li>
 * </ul>
 * One integration ({@value #INTEGRATION}, app-only) subscribes three ways to the service account's chats: rich
 * notifications through Event Hubs ({@link #eventHubs}), rich notifications through the webhook ingress
 * ({@link #webhook}), and basic notifications through Event Hubs ({@link #basic}), which need hydration. The
 * emulator's Event Hubs deliveries are written to {@code teams-events} as Graph writes them.
 */
public final class BeaconSystem implements AutoCloseable {

    public static final String INTEGRATION = "contoso";
    public static final String CLIENT_ID = "c0ffee00-0000-4000-8000-00000000beac";
    public static final String EVENTS_TOPIC = "teams-events";
    /** The desk chat whose messages Graph notifies through Event Hubs (as part of all the account's chats). */
    public static final String EVENT_HUB_CHAT = "19:desk-eventhubs@thread.v2";
    /** The desk chat whose messages Graph POSTs to the webhook ingress. */
    public static final String WEBHOOK_CHAT = "19:desk-webhook@thread.v2";
    /** The desk chat whose messages Graph notifies without content (basic notifications). */
    public static final String BASIC_CHAT = "19:desk-basic@thread.v2";
    public static final String FACTS_TOPIC = "emergency-call-facts";
    /** The emergency calling policy whose Graph emergency call events the integration subscribes to. */
    public static final String EMERGENCY_POLICY = "Contoso Emergency";

    /** Someone in the tenant's directory: who calls in the tests and the demo. */
    public record Person(String id, String name, String upn, String department, String phone) {
        public ObjectNode graphUser() {
            ObjectNode u = new ObjectMapper().createObjectNode();
            u.put("id", id);
            u.put("displayName", name);
            u.put("userPrincipalName", upn);
            u.put("department", department);
            u.put("jobTitle", "Engineer");
            u.put("officeLocation", "Building 42");
            u.putArray("businessPhones").add(phone);
            return u;
        }
    }

    public static final Person ADA = new Person("8ea0e38b-efb3-4757-924a-5f94061cf8c2", "Ada Lovelace",
            "ada@contoso.example", "Analytical Engines", "+14255550101");
    public static final Person GRACE = new Person("5b3c9d2e-1f4a-4b6c-8d7e-00000000000b", "Grace Hopper",
            "grace@contoso.example", "Compilers", "+14255550102");
    public static final Person ALAN = new Person("5b3c9d2e-1f4a-4b6c-8d7e-00000000000c", "Alan Turing",
            "alan@contoso.example", "Codebreaking", "+14255550103");
    public static final Person KATHERINE = new Person("5b3c9d2e-1f4a-4b6c-8d7e-00000000000d", "Katherine Johnson",
            "katherine@contoso.example", "Flight Research", "+14255550104");
    public static final Person MARGARET = new Person("5b3c9d2e-1f4a-4b6c-8d7e-00000000000e", "Margaret Hamilton",
            "margaret@contoso.example", "Flight Software", "+14255550105");
    public static final List<Person> PEOPLE = List.of(ADA, GRACE, ALAN, KATHERINE, MARGARET);
    public static final String EVENT_HUB = "EventHub:https://contoso-beacon.servicebus.windows.net/eventhubname/"
            + EVENTS_TOPIC + "?tenantId=contoso.example";
    public static final List<String> TOPICS = List.of(FACTS_TOPIC, "dead-letters", "graph-lifecycle",
            "graph-needs-hydration", "graph-lifecycle-dead-letters", "graph-hydration-dead-letters");

    /** How the system is tuned: the demo and the tests want short intervals. */
    public record Options(Duration backfillInterval, Duration reconcileInterval, Map<String, String> extraEnv) {
        public Options(Duration backfillInterval, Duration reconcileInterval) {
            this(backfillInterval, reconcileInterval, Map.of());
        }

        /** More control-plane settings (the demo's {@code BEACON_SMTP_*} for alert e-mails). */
        public Options withEnv(Map<String, String> env) {
            return new Options(backfillInterval, reconcileInterval, Map.copyOf(env));
        }

        public static Options forTests() {
            return new Options(Duration.ofHours(1), Duration.ofHours(1)); // the test ticks by hand
        }
    }

    public final KafkaFixture kafka;
    public final PostgresFixture postgres;
    public final MicrosoftEmulator emulator;
    public final ControlPlaneService.Running controlPlane;
    public final IngressService ingress;
    public final JobSecretsLayout jobSecrets;
    private final Path dir;
    private JobClient job;

    private BeaconSystem(Path dir, Options options) throws Exception {
        this.dir = dir;
        postgres = new PostgresFixture().start();
        kafka = KafkaFixture.start();
        kafka.createTopic(EVENTS_TOPIC, 2);
        TOPICS.forEach(t -> kafka.createTopic(t, 1));
        List.of(ReferenceTopics.DIRECTORY, ReferenceTopics.SITES, ReferenceTopics.SECURITY_LINES)
                .forEach(t -> kafka.createCompactedTopic(t, 1));
        jobSecrets = new JobSecretsLayout(dir.resolve("job-secrets"));

        emulator = MicrosoftEmulator.start(Clock.systemUTC());
        // The tenant's directory, which the control plane copies to the job (callers' UPNs, departments, phones).
        for (Person p : PEOPLE) {
            emulator.directory().putUser(EntraEndpoints.DEFAULT_TENANT, p.graphUser());
        }
        String clientSecret = randomHex();
        emulator.entra().registerClientSecret(CLIENT_ID, clientSecret);
        emulator.notifications().deliverEventHubsTo((subscription, body) ->
                kafka.send(EVENTS_TOPIC, null, subscription.id(), body.getBytes(StandardCharsets.UTF_8)));

        int ingressPort = freePort();
        // The ingress starts first, as in a deployment where both start at once: it answers Graph's validation
        // handshake at once, and accepts notifications once the control plane has exported a clientState.
        ingress = IngressService.start(IngressSettings.fromEnv(Map.of(
                "BEACON_INGRESS_HOST", "127.0.0.1",
                "BEACON_INGRESS_PORT", Integer.toString(ingressPort),
                "BEACON_INGRESS_METRICS_PORT", "0",
                "BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "BEACON_CLIENT_STATE_FILE", jobSecrets.clientStates().toString(),
                "BEACON_INGRESS_APP_IDS", CLIENT_ID,
                "BEACON_INGRESS_JWKS_URL", emulator.notifications().jwksUrl().toString())));

        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", postgres.jdbcUrl());
        env.put("BEACON_JDBC_USER", postgres.user());
        env.put("BEACON_JDBC_PASSWORD", postgres.password());
        env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", randomHex());
        env.put("BEACON_HTTP_HOST", "127.0.0.1");
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", jobSecrets.directory().toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_INGRESS_PUBLIC_URL", "http://127.0.0.1:" + ingressPort);
        env.put("BEACON_REPLICA_ID", "system-1");
        env.put("BEACON_RECONCILE_INTERVAL", options.reconcileInterval().toSeconds() + "s");
        env.put("BEACON_LEASE_DURATION", options.reconcileInterval().multipliedBy(3).toSeconds() + "s");
        env.put("BEACON_BACKFILL_INTERVAL", options.backfillInterval().toSeconds() + "s");
        env.putAll(options.extraEnv());
        controlPlane = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), Clock.systemUTC(),
                SignInSettings.defaults());

        // One subscription per resource (Graph's and Beacon's rule): every chat of the service account through
        // Event Hubs, one desk chat through the webhook, another with basic notifications through Event Hubs.
        String allChats = "/users/" + EntraEndpoints.DEFAULT_USER.oid() + "/chats/getAllMessages";
        controlPlane.controlPlane().addIntegration(new NewIntegration(INTEGRATION, "Contoso security desk",
                EntraEndpoints.DEFAULT_TENANT, CLIENT_ID, "client-credentials", "secret", clientSecret, null, List.of(
                        new DesiredSubscriptionView(allChats, null, EVENT_HUB, null, true, null),
                        new DesiredSubscriptionView("/chats/" + WEBHOOK_CHAT + "/messages", null, "ingress", null,
                                true, null),
                        new DesiredSubscriptionView("/chats/" + BASIC_CHAT + "/messages", null, EVENT_HUB, null,
                                false, null)), List.of(EMERGENCY_POLICY)));
        controlPlane.controlPlane().tick();
        await("four subscriptions in Graph (three chat, one emergency call events) and the job's secrets exported",
                Duration.ofSeconds(30), () -> emulator.graph().subscriptions().size() == 4
                        && Files.exists(jobSecrets.fetchSigningKeys()));
    }

    public static BeaconSystem start(Path dir, Options options) {
        try {
            return new BeaconSystem(dir, options);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Beacon did not start", e);
        }
    }

    /** The job's settings: the input topic, PostgreSQL, and the secrets the control plane exported. */
    public Configuration jobConfiguration() {
        return jobConfiguration(kafka.bootstrapServers(), postgres, jobSecrets, dir);
    }

    /**
     * The job's settings on {@code bootstrapServers} and {@code postgres}, reading the secrets a control plane
     * exported to {@code jobSecrets}; password file and checkpoints under {@code dir}. The compose demo's test
     * runs the job on its own services with these.
     */
    public static Configuration jobConfiguration(String bootstrapServers, PostgresFixture postgres,
                                                 JobSecretsLayout jobSecrets, Path dir) {
        Configuration c = new Configuration();
        c.set(BeaconOptions.KAFKA_BOOTSTRAP, bootstrapServers);
        c.set(BeaconOptions.KAFKA_TOPICS, List.of(EVENTS_TOPIC));
        c.set(BeaconOptions.KAFKA_STARTING_OFFSETS, "earliest");
        c.set(BeaconOptions.JDBC_URL, postgres.jdbcUrl());
        c.set(BeaconOptions.JDBC_USER, postgres.user());
        c.set(BeaconOptions.JDBC_PASSWORD_FILE, postgres.writePasswordFile(dir).toString());
        c.set(BeaconOptions.CLIENT_STATE_FILE, jobSecrets.clientStates().toString());
        c.set(BeaconOptions.KEYSTORE_PATH, jobSecrets.keystore().toString());
        c.set(BeaconOptions.KEYSTORE_PASSWORD_FILE, jobSecrets.keystorePassword().toString());
        c.set(BeaconOptions.FETCH_SIGNING_KEY_FILE, jobSecrets.fetchSigningKeys().toString());
        c.set(BeaconOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        // A call to a number that is no security line waits this long for its line to arrive (default 30 s).
        c.set(BeaconOptions.SECURITY_LINES_GRACE, Duration.ofSeconds(5));
        c.set(BeaconOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
        return c;
    }

    /** Submits the job to a MiniCluster and returns once it was accepted; it runs until {@link #close}. */
    public BeaconSystem startJob() throws Exception {
        job = submitJob(jobConfiguration());
        return this;
    }

    /** Submits the job with {@code conf} to a MiniCluster in this JVM; returns once it was accepted. */
    public static JobClient submitJob(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(BeaconJob.runtimeSettings(conf));
        BeaconJob.defineWorkflow(BeaconSources.of(
                        env.fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications"))
                        .referenceData(ReferenceData.configured(env, conf)),
                BeaconJob.productionSinks(conf), conf);
        return env.executeAsync("beacon-system");
    }

    /** The subscription delivering rich notifications through Event Hubs. */
    public EmulatedSubscription eventHubs() {
        return subscription(true, true);
    }

    /** The subscription delivering rich notifications to the webhook ingress. */
    public EmulatedSubscription webhook() {
        return subscription(false, true);
    }

    /** The subscription delivering basic notifications (no resource data) through Event Hubs. */
    public EmulatedSubscription basic() {
        return subscription(true, false);
    }

    /** The subscription delivering Graph's emergency call events for {@link #EMERGENCY_POLICY} (Event Hubs). */
    public EmulatedSubscription emergencyEvents() {
        return emulator.graph().subscriptions().stream().filter(s -> isEmergencyEvents(s)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no emergency call event subscription in Graph"));
    }

    private static boolean isEmergencyEvents(EmulatedSubscription s) {
        return s.resource().contains("getEmergencyEventsByPolicy");
    }

    private EmulatedSubscription subscription(boolean eventHub, boolean rich) {
        return emulator.graph().subscriptions().stream()
                .filter(s -> !isEmergencyEvents(s))
                .filter(s -> s.notificationUrl().startsWith("EventHub:") == eventHub && s.includeResourceData() == rich)
                .findFirst().orElseThrow(() -> new IllegalStateException("no such subscription in Graph"));
    }

    /**
     * Graph notifies {@code subscription} of {@code message}; a webhook delivery is retried while the receiver
     * answers 503 (as Graph retries), for at most 30 s.
     *
     * @return the receiver's final status ({@code 0} when Graph dropped it)
     */
    public int deliver(EmulatedSubscription subscription, String message) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            int status = emulator.deliver(subscription.id(), message);
            if (status != 503 || Instant.now().isAfter(deadline)) {
                return status;
            }
            Thread.sleep(200);
        }
    }

    /**
     * A security-desk notification of an emergency call by {@code caller}, created at {@code at}, in desk chat
     * {@code chatId}: what Teams posts to each member of the notification group.
     */
    public static String deskMessage(String chatId, String messageId, String callerId, String callerName,
                                     String dialled, String location, Instant at) {
        ObjectNode m = ChatMessages.emergency().chatId(chatId).id(messageId).times(at.toString())
                .html("<p>" + callerName + " has placed an Emergency Call to " + dialled + ".</p><p>Location: "
                        + location + "</p>").node();
        ChatMessages.fromUser(m, callerId, callerName, EntraEndpoints.DEFAULT_TENANT);
        return m.toString();
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String randomHex() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (job != null) {
                job.cancel().get();
            }
        } finally {
            try {
                ingress.close();
                controlPlane.close();
                emulator.close();
            } finally {
                try {
                    kafka.close();
                } finally {
                    postgres.close();
                }
            }
        }
    }
}
