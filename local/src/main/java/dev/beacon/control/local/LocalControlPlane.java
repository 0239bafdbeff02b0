package dev.beacon.control.local;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.ScaledClock;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The control plane on one laptop: an embedded PostgreSQL, an in-process Kafka broker (for {@code graph-lifecycle}),
 * the Graph/Entra emulator, and the real service with its HTTP API. Run it with
 * {@code ./mvnw -B -Pcontrol-plane-demo -DskipTests package} and drive it with {@code beaconctl} (see README).
 *
 * <p>Time runs {@code --time-scale} times faster for the control plane and the emulator (default 1200: a
 * three-day subscription is renewed about every two minutes); tokens are refreshed on the same clock.
 * Nothing here is meant for production.
 *
 * <p>Restartable: the database, vault key, admin token and job-secrets export live in a state directory
 * ({@code --state-dir=PATH}, default {@code control-plane/target/demo-state}, see {@link DemoState}) and are reused
 * by the next run, whose scaled clock resumes where the last one stopped. {@code --fresh} deletes the state and
 * starts over. The Kafka broker and the emulator are in memory and start empty every run: after a restart the
 * integration needs a new sign-in (the emulator forgot its refresh tokens), and the reconciler recreates
 * subscriptions the emulator no longer knows.
 */
public final class LocalControlPlane {

    public static void main(String[] args) throws Exception {
        double scale = 1200;
        int httpPort = 8080;
        int emulatorPort = 8089;
        Path stateDir = DemoState.DEFAULT_DIR;
        boolean fresh = false;
        // Maven passes -Dbeacon.control-plane.demo.args as one argument: split it into words
        for (String a : java.util.Arrays.stream(args).flatMap(x -> java.util.Arrays.stream(x.trim().split("\\s+")))
                .toList()) {
            if (a.startsWith("--time-scale=")) {
                scale = Double.parseDouble(a.substring("--time-scale=".length()));
            } else if (a.startsWith("--http-port=")) {
                httpPort = Integer.parseInt(a.substring("--http-port=".length()));
            } else if (a.startsWith("--emulator-port=")) {
                emulatorPort = Integer.parseInt(a.substring("--emulator-port=".length()));
            } else if (a.startsWith("--state-dir=")) {
                stateDir = Path.of(a.substring("--state-dir=".length()));
            } else if (a.equals("--fresh")) {
                fresh = true;
            } else if (!a.isBlank()) {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (--time-scale=N, --http-port=N, --emulator-port=N, --state-dir=PATH, --fresh)");
            }
        }
        DemoState state = DemoState.open(stateDir, fresh);
        Path dir = state.dir();

        ScaledClock clock = new ScaledClock(scale, state.clockStart(java.time.Instant.now()));
        PostgresFixture pg = PostgresFixture.persistent(state.postgresData(), state.jdbcPassword()).start();
        KafkaFixture kafka = KafkaFixture.start();
        kafka.createTopic("graph-lifecycle", 1);
        kafka.createTopic("graph-lifecycle-dead-letters", 1);
        for (String topic : java.util.List.of(dev.beacon.contracts.records.ReferenceTopics.DIRECTORY,
                dev.beacon.contracts.records.ReferenceTopics.SITES,
                dev.beacon.contracts.records.ReferenceTopics.SECURITY_LINES)) {
            kafka.createCompactedTopic(topic, 1);
        }
        MicrosoftEmulator emulator = MicrosoftEmulator.start(clock, emulatorPort);
        // A person needs real minutes to type the code, whatever the time scale.
        emulator.entra().deviceCodeTiming(Duration.ofMinutes(15).multipliedBy((long) scale), 2);
        // Day-long access tokens (on the fast clock) refreshed 3 h before expiry: a refresh about every minute.
        emulator.entra().accessTokenLifetime(Duration.ofHours(24));

        String adminToken = state.adminToken(); // 0600, kept across runs
        Path tokenFile = state.adminTokenFile();

        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", pg.jdbcUrl());
        env.put("BEACON_JDBC_USER", pg.user());
        env.put("BEACON_JDBC_PASSWORD", pg.password());
        env.put("BEACON_VAULT_KEY", state.vaultKey());
        env.put("BEACON_ADMIN_TOKEN", adminToken);
        env.put("BEACON_HTTP_PORT", Integer.toString(httpPort));
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_EXPORT_DIR", state.jobSecrets().toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", "laptop-1");
        env.put("BEACON_RECONCILE_INTERVAL", "5s");
        env.put("BEACON_LEASE_DURATION", "15s");
        env.put("BEACON_TOKEN_REFRESH_MARGIN", "3h");
        ControlPlaneService.Running running = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock,
                SignInSettings.defaults());

        if (running.controlPlane().integration("contoso").isEmpty()) { // a restarted demo has it already
            running.controlPlane().addIntegration(new NewIntegration("contoso", "Contoso security desk",
                EntraEndpoints.DEFAULT_TENANT, "8a2f1d5c-4b6e-4f1a-9c3d-beac0000d3m0", "device-code", null, null,
                null, List.of(new DesiredSubscriptionView(null, null,
                        "EventHub:https://contoso-beacon.servicebus.windows.net/eventhubname/graph-notifications"
                                + "?tenantId=contoso.example", null, true, null))));
        }
        // the scaled clock's position, so the next run resumes there instead of days in the past
        java.util.concurrent.ScheduledExecutorService clockSaver = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "demo-clock-saver");
                    t.setDaemon(true);
                    return t;
                });
        clockSaver.scheduleWithFixedDelay(() -> state.saveClock(clock.instant()), 5, 5,
                java.util.concurrent.TimeUnit.SECONDS);

        String jar = "java -jar control-plane/target/beacon-control-plane.jar";
        System.out.printf("""

                Beacon control plane (local demo) is running. Time runs %sx faster than real time.
                  state               %s   (%s; --fresh starts over)
                  control plane       http://127.0.0.1:%d   (admin token in %s)
                  emulated Microsoft  %s   (Entra ID and Graph)
                  PostgreSQL          %s   (user %s)
                  Kafka               %s   (topics graph-lifecycle, graph-lifecycle-dead-letters)
                  job secrets export  %s

                In another terminal, from the repository root:
                  export BEACON_SERVER=http://127.0.0.1:%d BEACON_ADMIN_TOKEN_FILE=%s
                  %s integrations list
                  %s login contoso          # shows a URL and a code
                    open %s/devicelogin, enter the code and approve; or:
                    curl -d user_code=CODE -d action=approve %s/devicelogin
                  %s status                 # subscriptions created, then renewed about every %s
                  curl -s http://127.0.0.1:%d/metrics | grep ^beacon_

                Ctrl-C stops everything.
                """, fmt(scale), dir, state.reused() ? "reused from the last run" : "new", httpPort, tokenFile, emulator.baseUri(), pg.jdbcUrl(), pg.user(),
                kafka.bootstrapServers(), state.jobSecrets(), httpPort, tokenFile, jar, jar,
                emulator.baseUri(), emulator.baseUri(), jar, every(scale), httpPort);

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            clockSaver.shutdownNow();
            state.saveClock(clock.instant());
            running.close();
            emulator.close();
            try {
                kafka.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            pg.close();
            stop.countDown();
        }, "local-control-plane-stop"));
        stop.await();
    }

    private static String fmt(double scale) {
        return scale == Math.rint(scale) ? Long.toString((long) scale) : Double.toString(scale);
    }

    /** Real time between renewals of a 4,320-minute subscription (renewed at half its remaining lifetime). */
    private static String every(double scale) {
        long seconds = (long) (Duration.ofMinutes(2160).toSeconds() / scale);
        return seconds >= 120 ? (seconds / 60) + " minutes" : seconds + " seconds";
    }
}
