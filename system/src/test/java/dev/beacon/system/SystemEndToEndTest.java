package dev.beacon.system;

import static dev.beacon.system.BeaconSystem.await;
import static dev.beacon.system.BeaconSystem.deskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.GraphNotifications;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a call reaches Beacon, through the real job, control plane and ingress: what each side writes for the
 * other (lifecycle notices and hydration requests from the job; fetched messages and exported secrets from the
 * control plane) really gets there, and every call ends as exactly one fact.
 */
class SystemEndToEndTest {

    static final String ADA = "8ea0e38b-efb3-4757-924a-5f94061cf8c2";
    static final String GRACE = "5b3c9d2e-1f4a-4b6c-8d7e-000000000002";
    static final String ALAN = "5b3c9d2e-1f4a-4b6c-8d7e-000000000003";
    static final String KATHERINE = "5b3c9d2e-1f4a-4b6c-8d7e-000000000004";

    @TempDir
    Path dir;

    @Test
    void eventHubsWebhookHydrationAndBackfillEachMakeExactlyOneFact() throws Exception {
        try (BeaconSystem beacon = BeaconSystem.start(dir, BeaconSystem.Options.forTests()).startJob()) {
            Instant now = Instant.now();
            // 1. Rich notification through Event Hubs (Graph's JSON on teams-events).
            assertThat(beacon.deliver(beacon.eventHubs(),
                    deskMessage(BeaconSystem.EVENT_HUB_CHAT, "1001", ADA, "Ada Lovelace", "911", "Building 42", now))).isEqualTo(200);
            // 2. Rich notification POSTed to the webhook ingress, validation token checked, then teams-events.
            assertThat(beacon.deliver(beacon.webhook(),
                    deskMessage(BeaconSystem.WEBHOOK_CHAT, "1002", GRACE, "Grace Hopper", "112", "Floor 3", now))).isEqualTo(202);
            // 3. Basic notification: the job asks for hydration, the control plane fetches and publishes it.
            assertThat(beacon.deliver(beacon.basic(),
                    deskMessage(BeaconSystem.BASIC_CHAT, "1003", ALAN, "Alan Turing", "999", "Bletchley Park", now))).isEqualTo(200);
            await("three facts", Duration.ofSeconds(90), () -> factCount(beacon) == 3);

            // 4. Graph loses a notification, then says so with a `missed` lifecycle event (through the job's
            //    graph-lifecycle output); the control plane records a gap and its next round backfills it.
            EmulatedSubscription eventHubs = beacon.eventHubs();
            beacon.emulator.dropNextNotifications(eventHubs.id(), 1);
            assertThat(beacon.deliver(eventHubs, deskMessage(BeaconSystem.EVENT_HUB_CHAT, "1004", KATHERINE, "Katherine Johnson", "933",
                    "Hampton", Instant.now()))).isEqualTo(GraphNotifications.DROPPED);
            beacon.kafka.send(BeaconSystem.EVENTS_TOPIC, null, eventHubs.id(), missed(eventHubs));
            await("a missed gap", Duration.ofSeconds(60), () -> !beacon.postgres.query(
                    "SELECT 1 FROM delivery_gap WHERE reason = 'missed'").isEmpty());
            beacon.controlPlane.controlPlane().tick();
            await("the lost call's fact", Duration.ofSeconds(90), () -> factCount(beacon) == 4);
            await("the backfilled copies audited", Duration.ofSeconds(60), () -> outcomes(beacon).size() == 9);

            assertThat(beacon.postgres.query("SELECT caller_user_id, dialed_number, is_test_call, notification_count"
                    + " FROM emergency_call ORDER BY dialed_number")).containsExactly(
                    Map.of("caller_user_id", GRACE, "dialed_number", "112", "is_test_call", false,
                            "notification_count", 1),
                    Map.of("caller_user_id", ADA, "dialed_number", "911", "is_test_call", false,
                            "notification_count", 1),
                    Map.of("caller_user_id", KATHERINE, "dialed_number", "933", "is_test_call", true,
                            "notification_count", 1),
                    Map.of("caller_user_id", ALAN, "dialed_number", "999", "is_test_call", false,
                            "notification_count", 1));
            // One audit outcome per record: the three deliveries, the basic notification and its hydrated copy,
            // the lifecycle event, and the backfill's four messages (three already known, one Graph lost).
            assertThat(outcomes(beacon)).containsExactlyInAnyOrder(
                    "1001 emitted", "1002 emitted", "1003 needs-hydration", "1003 emitted",
                    "null lifecycle",
                    "1001 duplicate", "1002 duplicate", "1003 duplicate", "1004 recovered");
            assertThat(beacon.postgres.query("SELECT reason, backfilled_at IS NOT NULL AS backfilled "
                    + "FROM delivery_gap")).containsExactly(Map.of("reason", "missed", "backfilled", true));
            assertThat(beacon.postgres.queryValue("SELECT count(*) FROM dead_letter")).isEqualTo(0L);
            assertThat(beacon.postgres.queryValue("SELECT count(*) FROM hydration_outcome")).isEqualTo(0L);
        }
    }

    private static long factCount(BeaconSystem beacon) {
        return (Long) beacon.postgres.queryValue("SELECT count(*) FROM emergency_call");
    }

    private static List<String> outcomes(BeaconSystem beacon) {
        return beacon.postgres.query("SELECT message_id, outcome FROM notification_audit").stream()
                .map(r -> r.get("message_id") + " " + r.get("outcome")).toList();
    }

    /** Graph's {@code missed} lifecycle notification, as it writes it to the event hub. */
    private static byte[] missed(EmulatedSubscription s) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        ObjectNode item = root.putArray("value").addObject();
        item.put("subscriptionId", s.id());
        item.put("subscriptionExpirationDateTime", s.expirationDateTime().toString());
        item.put("tenantId", s.tenantId());
        item.put("clientState", s.clientState());
        item.put("lifecycleEvent", "missed");
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
