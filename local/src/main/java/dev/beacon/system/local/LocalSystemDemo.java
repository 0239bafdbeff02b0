package dev.beacon.system.local;

import static dev.beacon.system.BeaconSystem.deskMessage;

import dev.beacon.control.emulator.AcsIncomingCalls;
import dev.beacon.control.emulator.EmergencyCallEvents;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.GraphNotifications;
import dev.beacon.control.lines.NewLine;
import dev.beacon.control.sites.NewSite;
import dev.beacon.system.BeaconSystem;
import dev.beacon.system.BeaconSystem.Person;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The README's first command, second part: all of Beacon (job, control plane, webhook ingress) against the emulated
 * Microsoft, and a call down each path Graph uses: Event Hubs, the webhook, a basic notification that must be
 * hydrated, and a notification Graph silently drops, found by the scheduled backfill within one interval; then one
 * call described by both Graph's emergency call event and the desk's chat (one fact, enriched from the directory and
 * closed by callEnded), and an ACS call to a security line. Prints
 * the facts and how each was found, then exits ({@code --keep-running}: stays up until Ctrl-C). Each call also
 * alerts a local webhook (signature checked) and a local SMTP server ({@link DemoAlerts}, docs/alerts.md).
 */
public final class LocalSystemDemo {

    /** Short, so the dropped call is found within a minute; production's default is 5 minutes. */
    static final Duration BACKFILL_INTERVAL = Duration.ofSeconds(20);
    static final String HOTLINE = "+15550100";

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs).flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toList();
        boolean keepRunning = args.contains("--keep-running");
        Path dir = Files.createTempDirectory("beacon-system");
        say("Starting Kafka, PostgreSQL, the emulated Microsoft (Entra ID and Graph), the control plane and the"
                + " webhook ingress ...");
        try (DemoAlerts alerts = new DemoAlerts(LocalSystemDemo::say);
             BeaconSystem beacon = BeaconSystem.start(dir, new BeaconSystem.Options(BACKFILL_INTERVAL,
                     Duration.ofSeconds(5)).withEnv(alerts.controlPlaneEnv()))) {
            alerts.addRoutes(beacon.controlPlane.controlPlane().alerts().routes(), BeaconSystem.INTEGRATION);
            say("Alert routes: a signed webhook for real calls, e-mail to " + DemoAlerts.TO + " for all calls.");
            say("The control plane signed in (app-only) and created 3 subscriptions in Graph: rich notifications to"
                    + " Event Hubs, rich notifications to the webhook ingress, basic notifications to Event Hubs.");
            say("Starting the Beacon job on a local Flink MiniCluster; it reads the secrets the control plane"
                    + " exported to " + beacon.jobSecrets.directory() + " ...\n");
            beacon.startJob();
            LongSupplier facts = () -> (Long) beacon.postgres.queryValue("SELECT count(*) FROM emergency_call");

            step(beacon, facts, 1, "Ada Lovelace dials 911; Graph writes the rich notification to Event Hubs",
                    () -> beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "2001", "8ea0e38b-efb3-4757-924a-5f94061cf8c2",
                            "Ada Lovelace", "911", "Building 42, 1 Main Street, Redmond", Instant.now())));
            step(beacon, facts, 2, "Grace Hopper dials 112; Graph POSTs to the webhook ingress",
                    () -> beacon.deliver(beacon.webhook(), deskMessage(BeaconSystem.WEBHOOK_CHAT, "2002", "5b3c9d2e-1f4a-4b6c-8d7e-00000000000b",
                            "Grace Hopper", "112", "Floor 3, 10 Quay Street, Dublin", Instant.now())));
            step(beacon, facts, 3, "Alan Turing dials 999; Graph sends a basic notification (no content), the"
                    + " control plane hydrates it", () -> beacon.deliver(beacon.basic(), deskMessage(BeaconSystem.BASIC_CHAT, "2003",
                    "5b3c9d2e-1f4a-4b6c-8d7e-00000000000c", "Alan Turing", "999", "Bletchley Park", Instant.now())));
            beacon.emulator.dropNextNotifications(beacon.eventHubs().id(), 1);
            step(beacon, facts, 4, "Katherine Johnson places a 933 test call; Graph drops the notification"
                    + " silently (no lifecycle event); the scheduled backfill (every " + BACKFILL_INTERVAL.toSeconds()
                    + " s here, 5 min by default) finds it", () -> beacon.deliver(beacon.eventHubs(),
                    deskMessage(BeaconSystem.EVENT_HUB_CHAT, "2004", "5b3c9d2e-1f4a-4b6c-8d7e-00000000000d", "Katherine Johnson", "933",
                            "Hampton, Virginia", Instant.now())));
            // Reference data ops keep in the control plane, published to the job on compacted topics.
            var reference = beacon.controlPlane.controlPlane().referenceData();
            reference.sites().put("b42", new NewSite(null, "Building 42", List.of("Building 42", "B42"),
                    "1 Main Street, Redmond", "42", "3", 47.64, -122.13, List.of("Security desk B42", "+14255550142")));
            reference.lines().add(BeaconSystem.INTEGRATION, new NewLine(HOTLINE, "Security hotline"));
            Person margaret = BeaconSystem.MARGARET;
            Instant started = Instant.now();
            EmergencyCallEvents.Caller caller = new EmergencyCallEvents.Caller(margaret.name(), margaret.upn(),
                    margaret.phone(), EntraEndpoints.DEFAULT_TENANT, EmergencyCallEvents.Location.redmond());
            step(beacon, facts, 5, margaret.name() + " dials 911; Graph's emergency call event (policy '"
                    + BeaconSystem.EMERGENCY_POLICY + "': UPN, phone, civic address, coordinates) arrives first",
                    () -> beacon.emulator.emergencyCallEvents().deliver(beacon.emergencyEvents().id(),
                            new EmergencyCallEvents.Event("demo-ev-1", "callStarted", started, "911", caller)));
            say("   ... and 2 s later the security desk's chat message about the same call (Event Hubs).");
            beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "2005", margaret.id(),
                    margaret.name(), "911", "Building 42, floor 3", started.plusSeconds(2)));
            BeaconSystem.await("the chat merged into the event's fact", Duration.ofSeconds(60), () -> !beacon.postgres
                    .query("SELECT 1 FROM emergency_call WHERE caller_user_id = '" + margaret.id()
                            + "' AND notification_count = 1 AND array_length(sources, 1) = 2").isEmpty());
            say("   -> still one fact, now with both sources.\n");
            say("6. Graph's callEnded event: the call lasted 2 min 5 s.");
            beacon.emulator.emergencyCallEvents().deliver(beacon.emergencyEvents().id(), new EmergencyCallEvents.Event(
                    "demo-ev-2", "callEnded", started.plusSeconds(125), "911", caller));
            BeaconSystem.await("the call ended", Duration.ofSeconds(60), () -> !beacon.postgres.query(
                    "SELECT 1 FROM emergency_call WHERE ended_at IS NOT NULL").isEmpty());
            say("   -> the fact has ended_at and duration_seconds.\n");
            step(beacon, facts, 7, "Someone calls the security hotline " + HOTLINE + " (Azure Communication Services"
                    + " IncomingCall through Event Grid to Event Hubs); a call to another ACS number is counted and"
                    + " dropped", () -> {
                        AcsIncomingCalls.writeToEventHub(beacon.kafka.bootstrapServers(), BeaconSystem.EVENTS_TOPIC,
                                List.of(AcsIncomingCalls.IncomingCall.pstn("+14255550199",
                                                AcsIncomingCalls.Party.phone(HOTLINE), "Front desk", Instant.now()),
                                        AcsIncomingCalls.IncomingCall.pstn("+14255550198",
                                                AcsIncomingCalls.Party.phone("+15550999"), "Someone", Instant.now())),
                                false);
                        return 200;
                    });
            report(beacon);
            say("\nAlert e-mails (local SMTP server):");
            for (String m : alerts.mails()) {
                say("  " + m);
            }
            say("Alert deliveries (table alert_delivery): " + beacon.postgres.query("SELECT route_id, status, "
                    + "count(*) AS alerts, max(latency_ms) AS max_latency_ms FROM alert_delivery "
                    + "GROUP BY route_id, status ORDER BY route_id"));
            if (keepRunning) {
                say("\nEverything keeps running; press Ctrl-C to stop. PostgreSQL: " + beacon.postgres.jdbcUrl()
                        + " (user " + beacon.postgres.user() + ", password " + dir.resolve("jdbc-password")
                        + "); Kafka: " + beacon.kafka.bootstrapServers() + "; control plane: http://127.0.0.1:"
                        + beacon.controlPlane.port());
                Thread.currentThread().join();
            }
        }
    }

    interface Delivery {
        int deliver() throws Exception;
    }

    private static void step(BeaconSystem beacon, LongSupplier facts, int n, String what, Delivery delivery)
            throws Exception {
        long before = facts.getAsLong();
        LongSupplier delivered = () -> (Long) beacon.postgres.queryValue(
                "SELECT count(*) FROM alert_delivery WHERE status = 'delivered'");
        long alertsBefore = delivered.getAsLong();
        say(n + ". " + what + ".");
        Instant sent = Instant.now();
        int status = delivery.deliver();
        say("   Graph's delivery: " + (status == GraphNotifications.DROPPED ? "dropped" : "HTTP " + status));
        BeaconSystem.await("the fact of step " + n, BACKFILL_INTERVAL.multipliedBy(3), () -> facts.getAsLong() > before);
        say(String.format("   -> a fact after %.1f s", Duration.between(sent, Instant.now()).toMillis() / 1000.0));
        try {
            BeaconSystem.await("the alerts of step " + n, Duration.ofSeconds(15),
                    () -> delivered.getAsLong() > alertsBefore);
            Thread.sleep(200); // the other route of a real call
        } catch (AssertionError e) {
            say("   (no alert delivered yet)");
        }
        say(String.format("   -> alerts delivered (latency from detection): %s%n", beacon.postgres.query(
                "SELECT route_id, latency_ms FROM alert_delivery WHERE status = 'delivered' AND delivered_at >= ? "
                        + "ORDER BY route_id", java.sql.Timestamp.from(sent))));
    }

    private static void report(BeaconSystem beacon) {
        var pg = beacon.postgres;
        say("Emergency-call facts (table emergency_call), one per call:");
        for (Map<String, Object> row : pg.query("SELECT kind, caller_display_name, caller_upn, caller_department, "
                + "dialed_number, is_test_call, location_text, location->>'address' AS address, site_id, "
                + "duration_seconds, called_line_name, notification_count, array_to_string(sources, ', ') AS sources "
                + "FROM emergency_call ORDER BY call_started_at")) {
            row.values().removeIf(java.util.Objects::isNull);
            say("  " + row);
        }
        say("\nAudit outcomes (table notification_audit), one per notification or fetched message:");
        for (Map<String, Object> row : pg.query("SELECT message_id, outcome FROM notification_audit "
                + "WHERE message_id IS NOT NULL ORDER BY message_id, outcome")) {
            say("  message " + row.get("message_id") + ": " + row.get("outcome"));
        }
        say("  ('recovered': found only by backfill; Graph never delivered its notification)");
        say("\nHydration and backfill (control plane): " + pg.query("SELECT last_outcome, listed_through, "
                + "messages_published FROM backfill_cursor"));
        say("Dead letters: " + pg.queryValue("SELECT count(*) FROM dead_letter"));
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
