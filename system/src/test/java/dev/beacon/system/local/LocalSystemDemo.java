package dev.beacon.system.local;

import static dev.beacon.system.BeaconSystem.deskMessage;

import dev.beacon.control.emulator.GraphNotifications;
import dev.beacon.system.BeaconSystem;
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
 * hydrated, and a notification Graph silently drops, found by the scheduled backfill within one interval. Prints
 * the facts and how each was found, then exits ({@code --keep-running}: stays up until Ctrl-C). Each call also
 * alerts a local webhook (signature checked) and a local SMTP server ({@link DemoAlerts}, docs/alerts.md).
 */
public final class LocalSystemDemo {

    /** Short, so the dropped call is found within a minute; production's default is 5 minutes. */
    static final Duration BACKFILL_INTERVAL = Duration.ofSeconds(20);

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
        for (Map<String, Object> row : pg.query("SELECT caller_display_name, dialed_number, is_test_call, "
                + "location_text, notification_count, array_to_string(sources, ', ') AS sources FROM emergency_call "
                + "ORDER BY call_started_at")) {
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
