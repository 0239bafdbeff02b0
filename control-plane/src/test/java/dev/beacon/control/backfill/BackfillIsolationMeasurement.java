package dev.beacon.control.backfill;

import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.graph.Sleeper;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Measures, in real time, how long a message Graph dropped for one integration ({@code acme-app}) takes to be found
 * while another integration of the same replica ({@code acme}) is throttled on every request (429, Retry-After 10 s:
 * the longest the Graph client waits inline, three times per request before the run fails), with a demo-like
 * schedule: leader round every second, backfill interval 20 s. {@code sequential}: every integration's run on the
 * leader-loop thread, one after the other (how the backfill ran before the pool); {@code pool}: the
 * {@link BackfillScheduler} with the default 4 threads. Prints the figure; run with {@code -Dbeacon.measure=true}.
 */
@EnabledIfSystemProperty(named = "beacon.measure", matches = "true")
class BackfillIsolationMeasurement {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final Duration INTERVAL = Duration.ofSeconds(20);

    @TempDir
    Path exportDir;

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "pool"})
    void dropToFound(String mode) throws Exception {
        try (BackfillRig b = new BackfillRig(PG, KAFKA.get(), exportDir);
             BackfillScheduler scheduler = new BackfillScheduler(BackfillSettings.DEFAULT_PARALLELISM)) {
            b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
            BackfillSettings settings = new BackfillSettings(INTERVAL, Duration.ofMinutes(10), Duration.ofMinutes(2),
                    Duration.ofDays(7), 10, Duration.ofSeconds(30), b.topic);
            // Graph's real waits: Retry-After up to 10 s slept inline, 4 attempts; real pacing at 10 requests/s
            RetryPolicy retry = new RetryPolicy(4, Duration.ofSeconds(10),
                    new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new Random(1)), Sleeper.REAL);
            GraphClient graph = GraphClient.create(MicrosoftEndpoints.routedTo(b.rig.emulator.baseUri()), b::token,
                    retry, b.rig.clock);
            BackfillCounters counters = new BackfillCounters();
            Backfiller backfiller = new Backfiller(b.rig.integrations, b.cursors,
                    new MessageLister(graph, b::token, RequestPacer.real(settings.ratePerSecond())), b.publisher,
                    settings, counters, b.rig.clock);
            b.message("19:busy@thread.v2", "old", b.rig.clock.instant().minus(Duration.ofHours(2)));
            for (String id : List.of(INTEGRATION, BackfillRig.APP_ONLY)) {
                assertThat(backfiller.run(id).ok()).isTrue(); // both cursors now
            }
            // acme is throttled on every chat-messages request from now on
            b.rig.emulator.inject("GET", "/v1\\.0/chats/[^/]+/messages", Response.json(429,
                    "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled\"}}")
                    .withHeader("Retry-After", "10"), 100_000);

            java.util.concurrent.atomic.AtomicLong foundAt = new java.util.concurrent.atomic.AtomicLong();
            Thread watcher = new Thread(() -> { // notes when acme-app's FetchedMessage was acknowledged
                while (foundAt.get() == 0 && !Thread.currentThread().isInterrupted()) {
                    if (counters.of(BackfillRig.APP_ONLY).published() > 0) {
                        foundAt.set(System.nanoTime());
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.start();
            long start = System.nanoTime();
            long last = start;
            long dropAt = 0;
            while (foundAt.get() == 0 && System.nanoTime() - start < Duration.ofMinutes(3).toNanos()) {
                long now = System.nanoTime();
                b.rig.clock.advance(Duration.ofNanos(now - last)); // the control plane's clock follows real time
                last = now;
                if (dropAt == 0 && now - start >= Duration.ofSeconds(1).toNanos()) {
                    b.message("19:lost@thread.v2", "dropped", b.rig.clock.instant()); // its notification is lost
                    dropAt = System.nanoTime();
                }
                for (String id : List.of(INTEGRATION, BackfillRig.APP_ONLY)) { // one leader round, acme first
                    if (mode.equals("pool")) {
                        scheduler.trigger(id, () -> backfiller.runIfDue(id));
                    } else {
                        backfiller.runIfDue(id); // on the loop thread, as before the pool
                    }
                }
                Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - now) / 1_000_000)); // 1 s leader rounds
            }
            watcher.interrupt();
            long found = foundAt.get();
            assertThat(found).as("found within 3 minutes").isPositive();
            System.out.printf("MEASURED backfill %s: drop to found %d ms (interval %d s; acme throttled, "
                            + "%d acme runs, %d failed)%n", mode, (found - dropAt) / 1_000_000, INTERVAL.toSeconds(),
                    counters.of(INTEGRATION).runs(), counters.of(INTEGRATION).failures());
            assertThat(b.publishedIds()).contains("dropped");
        }
    }
}
