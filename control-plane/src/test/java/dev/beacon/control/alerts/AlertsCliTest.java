package dev.beacon.control.alerts;

import static dev.beacon.control.alerts.FactRecords.fact;
import static dev.beacon.control.alerts.FactRecords.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code beaconctl alerts …} against the real service (HTTP API, PostgreSQL, Kafka, the notifier it starts), a
 * local HTTP receiver and GreenMail; then the alert latency measured over many calls (fact published → delivered),
 * written to {@code target/alert-latency.txt}.
 */
class AlertsCliTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String ADMIN = "alerts-admin-token-0123456789abcdef";
    static final String TOPIC = "facts-cli";
    static final String TENANT = "tenant-cli";

    record Cli(int exit, String out, String err) {}

    private Map<String, String> cliEnv;

    private Cli ctl(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(cliEnv);
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = BeaconCtl.commandLine(env, Clock.systemUTC());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    private Cli ctl(String... args) {
        return ctl(Map.of(), args);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not in time: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static Path secretFile(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content + "\n");
        return p;
    }

    @Test
    void routesAreManagedWithBeaconctlAndTheServiceAlertsWithinMeasuredLatency(@TempDir Path dir) throws Exception {
        KAFKA.get().createTopic(TOPIC, 4);
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        try (Receiver receiver = new Receiver()) {
            Map<String, String> env = new HashMap<>();
            env.put("BEACON_JDBC_URL", PG.jdbcUrl());
            env.put("BEACON_JDBC_USER", PG.user());
            env.put("BEACON_JDBC_PASSWORD", PG.password());
            env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
            env.put("BEACON_ADMIN_TOKEN", ADMIN);
            env.put("BEACON_HTTP_PORT", "0");
            env.put("BEACON_KAFKA_BOOTSTRAP", KAFKA.get().bootstrapServers());
            env.put("BEACON_HYDRATION", "off");
            env.put("BEACON_RECONCILE_INTERVAL", "1h");
            env.put("BEACON_LEASE_DURATION", "3h");
            env.put("BEACON_ALERTS_TOPIC", TOPIC);
            env.put("BEACON_ALERTS_RETRY_INITIAL", "50ms");
            env.put("BEACON_ALERTS_RETRY_MAX", "200ms");
            env.put("BEACON_SMTP_HOST", "127.0.0.1");
            env.put("BEACON_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()));
            env.put("BEACON_SMTP_FROM", "beacon@alerts.example");
            env.put("BEACON_SMTP_STARTTLS", "off");
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env),
                    Clock.systemUTC(), SignInSettings.defaults())) {
                cliEnv = Map.of("BEACON_SERVER", "http://127.0.0.1:" + cp.port(), "BEACON_ADMIN_TOKEN", ADMIN);
                new IntegrationStore(new Sql(cp.database().dataSource()), SealedBox.fromBase64(
                        SealedBox.newKeyBase64(), List.of()), Clock.systemUTC())
                        .add("contoso", "Contoso", TENANT, "client-1", AuthMode.DEVICE_CODE, null, null);
                manage(dir, receiver, mail, cp);
                measureLatency(receiver, cp);
            }
        } finally {
            mail.stop();
        }
    }

    private void manage(Path dir, Receiver receiver, GreenMail mail, ControlPlaneService.Running cp)
            throws Exception {
        Cli hook = ctl("alerts", "add", "contoso", "desk-hook", "--webhook-url-file",
                secretFile(dir, "hook-url", receiver.url("/cli/hook?token=very-secret")).toString(), "--calls", "both")
                ;
        assertThat(hook.exit()).as(hook.err()).isZero();
        assertThat(hook.out()).startsWith("Alert route desk-hook (webhook, both calls) added to contoso: "
                + receiver.url("/…") + "\nWebhook signing secret (shown once; give it to the receiver): ");
        String secret = hook.out().substring(hook.out().lastIndexOf(": ") + 2).strip();
        assertThat(secret).hasSize(64);
        Cli teams = ctl(Map.of("BEACON_ALERT_URL", receiver.url("/cli/teams?sig=teams-secret")), "alerts", "add",
                "contoso", "soc-teams", "--teams", "--calls", "test");
        assertThat(teams.exit()).as(teams.err()).isZero();
        Cli email = ctl("alerts", "add", "contoso", "ops-mail", "--email", "ops@contoso.example,guard@contoso.example");
        assertThat(email.exit()).as(email.err()).isZero();
        Cli bad = ctl(Map.of("BEACON_ALERT_URL", "http://example.com/hook"), "alerts", "add", "contoso", "bad",
                "--webhook");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out() + bad.err()).contains("the url must be https (http only to localhost)")
                .doesNotContain("example.com");

        Cli list = ctl("alerts", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("desk-hook", "soc-teams", "ops-mail", "ops@contoso.example, guard@contoso.example",
                receiver.url("/…")).doesNotContain("very-secret").doesNotContain("teams-secret").doesNotContain(secret);
        assertThat(list.out().lines().toList()).hasSize(4);

        Cli sample = ctl("alerts", "test", "contoso", "soc-teams");
        assertThat(sample.exit()).as(sample.err()).isZero();
        assertThat(sample.out()).isEqualTo("Sample alert delivered on route soc-teams.\n");
        JsonNode card = FactRecords.JSON.readTree(receiver.to("/cli/teams").get(0).body());
        assertThat(card.at("/attachments/0/content/body/0/text").asText())
                .isEqualTo("[TEST] Emergency call: Sample caller (beaconctl alerts test) dialled 933");
        receiver.always("/cli/hook", 404);
        Cli failing = ctl("alerts", "test", "contoso", "desk-hook");
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.out() + failing.err()).contains("HTTP 404").doesNotContain("very-secret");
        receiver.always("/cli/hook", 200);
        assertThat(ctl("alerts", "test", "contoso", "ops-mail").exit()).isZero();
        await("sample e-mail", () -> mail.getReceivedMessages().length == 2); // two recipients

        // A call through the service's own notifier.
        String factId = UUID.randomUUID().toString();
        publish(KAFKA.get(), TOPIC, fact(factId, TENANT, 1, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        await("webhook alert", () -> receiver.to("/cli/hook").size() == 2);
        await("e-mail alert", () -> mail.getReceivedMessages().length == 4);
        assertThat(receiver.to("/cli/teams")).hasSize(1); // the Teams route is for test calls only
        assertThat(cp.controlPlane().metrics().scrape()).contains("beacon_alerts_sent_total{channel=\"webhook\"} 1.0",
                "beacon_alerts_sent_total{channel=\"email\"} 1.0", "beacon_alert_latency_seconds_count 2");

        Cli removed = ctl("alerts", "remove", "contoso", "soc-teams");
        assertThat(removed.out()).isEqualTo("Removed alert route soc-teams from contoso.\n");
        assertThat(ctl("alerts", "remove", "contoso", "soc-teams").exit()).isEqualTo(1);
        assertThat(ctl("alerts", "remove", "contoso", "ops-mail").exit()).isZero();
        assertThat(ctl("alerts", "list", "contoso").out()).contains("desk-hook").doesNotContain("ops-mail");
    }

    /** Fact published → webhook delivered, over many calls, one at a time (as calls come in). */
    private void measureLatency(Receiver receiver, ControlPlaneService.Running cp) throws Exception {
        int calls = 200;
        int before = receiver.to("/cli/hook").size();
        for (int i = 0; i < calls; i++) {
            int expected = before + i + 1;
            publish(KAFKA.get(), TOPIC, fact(UUID.randomUUID().toString(), TENANT, 1,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            await("alert " + i, () -> receiver.to("/cli/hook").size() >= expected);
        }
        List<Long> latencies = new ArrayList<>(PG.query("SELECT latency_ms FROM alert_delivery WHERE route_id = "
                + "'desk-hook' AND kind = 'new' AND status = 'delivered' ORDER BY delivered_at DESC LIMIT ?", calls)
                .stream().map(r -> ((Number) r.get("latency_ms")).longValue()).toList());
        assertThat(latencies).hasSize(calls);
        latencies.sort(Long::compare);
        long p50 = latencies.get((int) Math.ceil(0.50 * calls) - 1);
        long p99 = latencies.get((int) Math.ceil(0.99 * calls) - 1);
        String report = String.format(Locale.ROOT, "alert latency, fact detected_at (= published) -> webhook "
                + "delivered and recorded, %d calls one at a time: p50 %d ms, p99 %d ms, max %d ms%n", calls, p50, p99,
                latencies.get(calls - 1));
        System.out.print(report);
        Files.writeString(Path.of("target", "alert-latency.txt"), report, StandardCharsets.UTF_8);
    }
}
