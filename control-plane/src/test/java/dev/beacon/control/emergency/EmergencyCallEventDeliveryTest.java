package dev.beacon.control.emergency;

import static dev.beacon.control.emergency.EmergencyRig.APP_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.control.certs.EncryptionCertificates.KeyEntry;
import dev.beacon.control.emulator.EmergencyCallEvents;
import dev.beacon.control.emulator.EmergencyCallEvents.Caller;
import dev.beacon.control.emulator.EmergencyCallEvents.Event;
import dev.beacon.control.emulator.EmergencyCallEvents.Location;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.ingress.IngressService;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator delivers an emergency call event for a subscription the reconciler made, through the event hub
 * (a real Kafka topic): Graph's notification with encrypted content that the contract's decryptor opens, with the
 * integration's key, to Microsoft's documented {@code emergencyCallEvent} shape.
 */
class EmergencyCallEventDeliveryTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    static final ObjectMapper JSON = new ObjectMapper();
    static KafkaFixture kafka;

    @TempDir
    Path exportDir;
    EmergencyRig rig;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaFixture.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void aWebhookDeliveryPassesTheIngressIntoKafka() throws Exception {
        rig = new EmergencyRig(PG, exportDir, "beta");
        String topic = "teams-events-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        rig.base.export.export(); // the client-states file the ingress reads
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_INGRESS_HOST", "127.0.0.1");
        env.put("BEACON_INGRESS_PORT", "0");
        env.put("BEACON_INGRESS_METRICS_PORT", "off");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_INGRESS_TOPIC", topic);
        env.put("BEACON_CLIENT_STATE_FILE", exportDir.resolve("client-states").toString());
        env.put("BEACON_INGRESS_APP_IDS", SubscriptionRig.APP);
        env.put("BEACON_INGRESS_JWKS_URL", rig.base.emulator.notifications().jwksUrl().toString());
        try (IngressService ingress = IngressService.start(IngressSettings.fromEnv(env))) {
            String url = "http://127.0.0.1:" + ingress.port() + "/webhooks/graph/" + APP_ONLY;
            rig.base.integrations.putDesired(new DesiredSubscription(APP_ONLY, EmergencyRig.APP_ONLY_RESOURCE,
                    "created,updated,deleted", url, url + "/lifecycle", true, 4320));
            rig.policies.replace(APP_ONLY, List.of("Emergency Policy"));
            assertThat(rig.reconciler.reconcile(APP_ONLY).created()).isEqualTo(2);
            EmulatedSubscription sub = rig.base.emulator.graph().subscriptions().stream()
                    .filter(s -> s.resource().contains("getEmergencyEventsByPolicy")).findFirst().orElseThrow();
            assertThat(sub.notificationUrl()).isEqualTo(url);

            int status = rig.base.emulator.emergencyCallEvents().deliver(sub.id(), new Event(
                    "22222222-0000-0000-0000-000000000000", "callEnded", Instant.parse("2024-01-01T10:05:00Z"),
                    "911", new Caller("Adele Vance", "adelev@contoso.com", "+14255550100", "tenant", null)));

            assertThat(status).isEqualTo(202);
            List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic, false);
            assertThat(records).hasSize(1);
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8))
                    .isEqualTo(rig.base.emulator.emergencyCallEvents().sent(sub.id()).get(0));
        }
    }

    @Test
    void deliversAnEncryptedEventThatDecryptsToTheDocumentedShape() throws Exception {
        rig = new EmergencyRig(PG, exportDir, "beta");
        String topic = "teams-events-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        rig.base.emulator.notifications().deliverEventHubsTo((s, body) ->
                kafka.send(topic, null, s.id(), body.getBytes(StandardCharsets.UTF_8)));
        rig.policies.replace(APP_ONLY, List.of("Emergency Policy"));
        rig.reconciler.reconcile(APP_ONLY);
        EmulatedSubscription sub = rig.base.emulator.graph().subscriptions().stream()
                .filter(s -> s.resource().contains("getEmergencyEventsByPolicy")).findFirst().orElseThrow();
        Event event = new Event("11111111-0000-0000-0000-000000000000", "callStarted",
                Instant.parse("2024-01-01T10:00:00Z"), "933",
                new Caller("Adele Vance", "adelev@contoso.com", "+14255550100",
                        "00000000-0000-0000-0000-0000000000aa", Location.redmond()));

        assertThat(rig.base.emulator.emergencyCallEvents().deliver(sub.id(), event)).isEqualTo(200);

        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic, false);
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(sub.id());
        JsonNode root = JSON.readTree(records.get(0).value());
        assertThat(root.get("validationTokens")).hasSize(1);
        JsonNode item = root.get("value").get(0);
        assertThat(item.get("subscriptionId").asText()).isEqualTo(sub.id());
        assertThat(item.get("changeType").asText()).isEqualTo("updated");
        assertThat(item.get("clientState").asText())
                .isEqualTo(rig.base.clientStates.open(rig.base.subscriptions.find(sub.id()).orElseThrow()
                        .clientStateId()));
        assertThat(item.get("resource").asText())
                .isEqualTo("communications/calls/getEmergencyEventsByPolicy(policyName='Emergency Policy')");
        assertThat(item.get("resourceData").get("@odata.type").asText())
                .isEqualTo("#microsoft.graph.emergencyCallEvent");
        assertThat(item.get("resourceData").get("id").asText()).isEqualTo(event.id());
        assertThat(item.get("tenantId").asText()).isEqualTo("contoso.com");
        assertThat(item.get("organizationId").asText()).isEqualTo("contoso.com");

        JsonNode c = item.get("encryptedContent");
        EncryptedContent content = new EncryptedContent(c.get("data").asText(), c.get("dataSignature").asText(),
                c.get("dataKey").asText(), c.get("encryptionCertificateId").asText(),
                c.get("encryptionCertificateThumbprint").asText());
        assertThat(content.encryptionCertificateId()).isEqualTo(rig.base.certificates.current(APP_ONLY).id());
        byte[] plain = new RichNotificationCrypto.Decryptor((id, thumbprint) -> rig.base.certificates.keys().stream()
                .filter(k -> k.certificateId().equals(id)).map(KeyEntry::privateKey).findFirst()).decrypt(content);

        assertThat(JSON.readTree(plain)).isEqualTo(JSON.readTree("""
                {"@odata.id":"communications/calls/getEmergencyEventsByPolicy(policyName='Emergency Policy')",
                 "@odata.type":"#microsoft.graph.emergencyCallEvent",
                 "id":"11111111-0000-0000-0000-000000000000",
                 "emergencyCallEvent":{
                   "id":"11111111-0000-0000-0000-000000000000",
                   "callEventType":"callStarted",
                   "policyName":"Emergency Policy",
                   "eventDateTime":"2024-01-01T10:00:00.0000000+00:00",
                   "emergencyNumberDialed":"933",
                   "callerInfo":{
                     "displayName":"Adele Vance",
                     "upn":"adelev@contoso.com",
                     "phoneNumber":"+14255550100",
                     "tenantId":"00000000-0000-0000-0000-0000000000aa",
                     "location":{
                       "address":{"street":"Microsoft Way","city":"Redmond","state":"WA",
                         "countryOrRegion":"United States","postalCode":"98052",
                         "additionalData":{"companyName":"Contoso","additionalInfo":"700","houseNumber":"725",
                           "county":"King","streetSuffix":"NE"}},
                       "coordinates":{"latitude":"47.6","longitude":"-122.1"}}}}}
                """));
        assertThat(EmergencyCallEvents.EVENT_DATE_TIME.format(Instant.parse("2024-01-01T10:00:00.123Z")))
                .isEqualTo("2024-01-01T10:00:00.1230000+00:00");
    }
}
