package dev.beacon.local.compose;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.system.BeaconSystem;
import dev.beacon.system.BeaconSystem.Person;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docker-compose.yml's {@code demo} profile: the emulated Microsoft (Entra ID and Graph) for the compose services,
 * and a traffic generator. It
 * <ol>
 *   <li>serves the emulator on a fixed port (the control plane's {@code BEACON_MICROSOFT_ROUTE} points here) and
 *       writes Graph's Event Hubs deliveries to the job's input topic, as Graph writes them;</li>
 *   <li>registers the app registration's client secret and adds the app-only integration
 *       {@value BeaconSystem#INTEGRATION} through the control plane's admin API, as {@code beaconctl integrations
 *       add} does (a stored one is kept);</li>
 *   <li>waits until the control plane created its Event Hubs subscription in the emulated Graph, then posts an
 *       emergency desk message every interval, the caller rotating through {@link BeaconSystem#PEOPLE}.</li>
 * </ol>
 * Settings: {@link ComposeDemoSettings}. The job then makes facts of them from the compose Kafka and PostgreSQL.
 */
public final class ComposeDemoMicrosoft implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeDemoMicrosoft.class);

    private final ComposeDemoSettings settings;
    private final MicrosoftEmulator emulator;
    private final KafkaProducer<String, byte[]> producer;
    private int sent;

    private ComposeDemoMicrosoft(ComposeDemoSettings settings) {
        this.settings = settings;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        emulator = MicrosoftEmulator.start(Clock.systemUTC(), settings.emulatorHost(), settings.emulatorPort());
        for (Person person : BeaconSystem.PEOPLE) {
            emulator.directory().putUser(EntraEndpoints.DEFAULT_TENANT, person.graphUser());
        }
        emulator.entra().registerClientSecret(BeaconSystem.CLIENT_ID, settings.clientSecret());
        // Graph's Event Hubs delivery returns once the hub has it: here, once the broker acknowledged it.
        emulator.notifications().deliverEventHubsTo((subscription, body) -> publish(subscription.id(), body));
    }

    /** Starts the emulator and the Kafka producer; {@link #connect} and {@link #sendNext} do the rest. */
    public static ComposeDemoMicrosoft start(ComposeDemoSettings settings) {
        return new ComposeDemoMicrosoft(settings);
    }

    /** Where the emulator listens (for {@code BEACON_MICROSOFT_ROUTE} in tests; compose uses the service name). */
    public int port() {
        return emulator.baseUri().getPort();
    }

    /**
     * Adds the integration through the admin API (or keeps the stored one) and waits until its Event Hubs
     * subscription exists in the emulated Graph.
     */
    public EmulatedSubscription connect(Duration patience) throws InterruptedException {
        String allChats = "/users/" + EntraEndpoints.DEFAULT_USER.oid() + "/chats/getAllMessages";
        NewIntegration integration = new NewIntegration(BeaconSystem.INTEGRATION, "Contoso security desk (demo)",
                EntraEndpoints.DEFAULT_TENANT, BeaconSystem.CLIENT_ID, "client-credentials", "secret",
                settings.clientSecret(), null,
                List.of(new DesiredSubscriptionView(allChats, null, BeaconSystem.EVENT_HUB, null, true, null)));
        int status = new DemoAdminApi(settings.controlPlane(), settings.adminToken())
                .post("/api/integrations", integration, patience);
        if (status == 201) {
            LOG.info("added integration {} (app-only, tenant {})", BeaconSystem.INTEGRATION,
                    EntraEndpoints.DEFAULT_TENANT);
        } else if (status == 409) {
            LOG.info("integration {} already exists in the control plane; keeping it", BeaconSystem.INTEGRATION);
        } else {
            throw new IllegalStateException("the control plane refused the integration: HTTP " + status
                    + " (401: BEACON_ADMIN_TOKEN does not match the control plane's)");
        }
        Instant deadline = Instant.now().plus(patience);
        Optional<EmulatedSubscription> subscription;
        while ((subscription = eventHubSubscription()).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no Event Hubs subscription in the emulated Graph after "
                        + patience.toSeconds() + " s: is the control plane's BEACON_MICROSOFT_ROUTE this emulator?");
            }
            Thread.sleep(500);
        }
        LOG.info("the control plane subscribed: {} ({})", subscription.get().id(), subscription.get().resource());
        return subscription.get();
    }

    /**
     * Graph notifies the desk of one more emergency call, by the next caller in turn.
     *
     * @return the message id
     */
    public String sendNext(EmulatedSubscription subscription) {
        Person caller = BeaconSystem.PEOPLE.get(sent % BeaconSystem.PEOPLE.size());
        sent++;
        String messageId = Long.toString(System.currentTimeMillis());
        String message = BeaconSystem.deskMessage(BeaconSystem.EVENT_HUB_CHAT, messageId, caller.id(), caller.name(),
                "933", "Building 42, floor " + (sent % 5 + 1), Instant.now());
        int status = emulator.deliver(subscription.id(), message);
        // Demo data only: the caller is one of the emulated directory's people, never real chat content.
        LOG.info("emergency call #{}: desk message {} in chat {}, caller {} ({}): delivered with status {}", sent,
                messageId, BeaconSystem.EVENT_HUB_CHAT, caller.id(), caller.name(), status);
        return messageId;
    }

    private Optional<EmulatedSubscription> eventHubSubscription() {
        return emulator.graph().subscriptions().stream()
                .filter(s -> s.notificationUrl().startsWith("EventHub:") && s.includeResourceData())
                .findFirst();
    }

    private void publish(String key, String body) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), key, body.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + settings.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.kafkaBootstrap() + " did not take the delivery to "
                    + settings.topic(), e);
        }
    }

    @Override
    public void close() {
        try {
            emulator.close();
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Runs until killed: connect, then one emergency call per {@code BEACON_DEMO_INTERVAL}. */
    public static void main(String[] args) throws Exception {
        ComposeDemoSettings settings = ComposeDemoSettings.fromEnv(System.getenv());
        LOG.info("starting {}", settings);
        try (ComposeDemoMicrosoft demo = start(settings)) {
            LOG.info("emulated Microsoft listening on {}:{}", settings.emulatorHost(), demo.port());
            EmulatedSubscription subscription = demo.connect(Duration.ofMinutes(5));
            while (true) {
                try {
                    demo.sendNext(subscription);
                } catch (RuntimeException e) {
                    // A failed delivery is logged and the next call comes anyway (Kafka may be restarting).
                    LOG.warn("delivery failed: {}", e.toString());
                }
                Thread.sleep(settings.interval().toMillis());
            }
        }
    }
}
