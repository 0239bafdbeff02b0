package dev.beacon.control.hydration;

import static dev.beacon.control.hydration.HydrationRig.TENANT;
import static dev.beacon.control.hydration.HydrationRig.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.control.emulator.GraphRateLimit;
import dev.beacon.control.emulator.MicrosoftEmulator.Fault;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hydration while Graph or Kafka is down or throttling: nothing is committed before the message is published,
 * everything is published once the dependency is back, Graph's rate limit is never hit at default settings, and
 * Retry-After is honoured.
 */
class HydrationRecoveryTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String MESSAGES = "/v1\\.0/chats/.+/messages/.+";

    @TempDir
    Path exportDir;
    HydrationRig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    private void rig(TestInfo test, int partitions, boolean eventsTopic) {
        rig = new HydrationRig(PG, exportDir, KAFKA.get(), test.getTestMethod().orElseThrow().getName(), partitions,
                eventsTopic);
    }

    @Test
    void whileGraphAnswers503NothingIsCommittedThenTheMessageIsPublishedOnceAfterRecovery(TestInfo test)
            throws Exception {
        rig(test, 1, true);
        rig.message("1772438400123");
        Fault down = rig.base.emulator.inject("GET", MESSAGES, Response.json(503,
                "{\"error\":{\"code\":\"serviceNotAvailable\",\"message\":\"Service unavailable\"}}"), 100_000);
        rig.start();

        rig.request("1772438400123");
        await("three failed attempts", () -> rig.counters.retries() >= 3);
        assertThat(rig.committed()).isZero();
        assertThat(rig.events()).isEmpty();
        assertThat(rig.counters.waiting()).singleElement().satisfies(w -> {
            assertThat(w.offset()).isZero();
            assertThat(w.lastFailure()).isEqualTo("HydrationRetryException caused by GraphException");
        });

        down.cancel();
        await("committed after recovery", () -> rig.committed() == 1);
        assertThat(rig.events()).extracting(FetchedMessage::messageId).containsExactly("1772438400123");
        assertThat(rig.counters.waiting()).isEmpty();
        assertThat(rig.counters.throttledCount()).isEqualTo(rig.counters.retries()); // 503 is Graph's "slow down"
        // Each failed consumer attempt is one Graph call of 3 attempts (the client's own retries), all 503; the
        // attempt that succeeded may have met up to 2 of them if the fault was cancelled during it.
        assertThat(down.hits()).isBetween(3 * (int) rig.counters.retries(), 3 * (int) rig.counters.retries() + 2);
    }

    @Test
    void whileTheEventsTopicCannotBeWrittenNothingIsCommittedThenTheMessageIsPublished(TestInfo test)
            throws Exception {
        rig(test, 1, false); // no events topic yet: every publish fails (the broker does not auto-create)
        rig.message("1772438400123");
        rig.start();

        rig.request("1772438400123");
        await("two failed publishes", () -> rig.counters.retries() >= 2);
        assertThat(rig.committed()).isZero();
        assertThat(rig.counters.fetchedCount()).isEqualTo(rig.counters.retries());
        assertThat(rig.counters.publishedCount()).isZero();
        assertThat(rig.counters.waiting()).singleElement().satisfies(w -> assertThat(w.lastFailure())
                .startsWith("HydrationRetryException caused by"));

        KAFKA.get().createTopic(rig.eventsTopic, 1);
        await("committed once published", () -> rig.committed() == 1);
        assertThat(rig.events()).extracting(FetchedMessage::messageId).containsExactly("1772438400123");
        assertThat(rig.counters.publishedCount()).isEqualTo(1);
    }

    @Test
    void aBurstOf200StaysUnderGraphsPerTenantLimitAtDefaultSettings(TestInfo test) throws Exception {
        rig(test, 4, true);
        GraphRateLimit graphLimit = rig.base.emulator.graph().messageRateLimit();
        graphLimit.limit(20, 1); // Graph: 20 GETs per second per app per tenant
        int n = 200;
        for (int i = 0; i < n; i++) {
            rig.message("17724385" + (10000 + i));
        }
        for (int i = 0; i < n; i++) {
            rig.request("17724385" + (10000 + i));
        }
        long started = System.nanoTime();
        rig.start(); // default: 15 per second per tenant

        await("all committed", () -> rig.committed() == n);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(graphLimit.throttled(TENANT)).isZero();
        assertThat(graphLimit.served(TENANT)).isEqualTo(n);
        // Served times add the machine's scheduling jitter to the limiter's spacing (15 + 1 per second, exact in
        // TenantRateLimiterTest): with 8 requests in flight a stall can bunch a few, so the bound is Graph's own.
        assertThat(graphLimit.peakPerSecond(TENANT)).isLessThanOrEqualTo(20);
        assertThat(rig.counters.throttledCount()).isZero();
        assertThat(rig.counters.retries()).isZero();
        Set<String> ids = rig.events().stream().map(FetchedMessage::messageId).collect(Collectors.toSet());
        assertThat(ids).hasSize(n);
        System.out.printf("rate: %d GETs in %.1f s (%.1f/s), peak %d in one second, %d throttled%n", n, seconds,
                n / seconds, graphLimit.peakPerSecond(TENANT), graphLimit.throttled(TENANT));
    }

    @Test
    void aRateAboveGraphsLimitIsThrottledAndEveryRequestWaitsItsRetryAfterAndIsPublished(TestInfo test)
            throws Exception {
        rig(test, 1, true);
        GraphRateLimit graphLimit = rig.base.emulator.graph().messageRateLimit();
        // A limit one sequential consumer surely exceeds on this machine (Graph's is 20).
        graphLimit.limit(5, 1);
        int n = 30;
        for (int i = 0; i < n; i++) {
            rig.message("17724386" + (10000 + i));
            rig.request("17724386" + (10000 + i));
        }
        // Misconfigured at 100 per second, and no inline Retry-After waits: every 429 goes back to the consumer.
        // One request at a time, so each 429 is one consumer retry and nothing is published twice (with requests
        // in flight, those after a throttled one may be published again after its retry: see the 503 test).
        rig.start(rig.hydrator(rig.graph(Duration.ZERO), 100, rig.publisher()), 1);

        await("all committed", () -> rig.committed() == n);

        assertThat(graphLimit.throttled(TENANT)).isPositive();
        assertThat(rig.counters.throttledCount()).isEqualTo(graphLimit.throttled(TENANT));
        assertThat(rig.counters.retries()).isEqualTo(graphLimit.throttled(TENANT));
        assertThat(graphLimit.served(TENANT)).isEqualTo(n);
        Set<String> ids = rig.events().stream().map(FetchedMessage::messageId).collect(Collectors.toSet());
        assertThat(ids).hasSize(n);
        assertThat(rig.events()).hasSize(n);
        System.out.printf("over the limit: %d GETs served, %d throttled (each waited Retry-After 1 s)%n",
                graphLimit.served(TENANT), graphLimit.throttled(TENANT));
    }

    @Test
    void aRetryAfterWithinTheInlineCapIsWaitedByTheClientAndALongerOneByTheConsumer(TestInfo test) throws Exception {
        rig(test, 1, true);
        rig.message("1772438400001");
        rig.message("1772438400002");
        // Inline cap 1 s for this test's client: Retry-After 3 is left to the consumer (and the tenant's limiter).
        MessageHydrator hydrator = rig.hydrator(rig.graph(Duration.ofSeconds(1)), 15, rig.publisher());
        rig.base.emulator.inject("GET", MESSAGES, Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}")
                .withHeader("Retry-After", "1"), 1);
        rig.start(hydrator);

        rig.request("1772438400001");
        await("first committed", () -> rig.committed() == 1);
        // Retry-After 1 s: within the cap, the client waited it (recorded) and retried inline; no consumer retry.
        assertThat(rig.base.sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(rig.counters.retries()).isZero();

        Fault longWait = rig.base.emulator.inject("GET", MESSAGES, Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}")
                .withHeader("Retry-After", "3"), 1);
        long sent = System.nanoTime();
        rig.request("1772438400002");
        await("second committed", () -> rig.committed() == 2);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(longWait.hits()).isEqualTo(1);
        assertThat(rig.counters.throttledCount()).isEqualTo(1);
        assertThat(rig.counters.retries()).isEqualTo(1);
        // The consumer's backoff here is at most 100 ms: only the Retry-After explains a wait of 3 s.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(rig.base.sleeps).containsExactly(Duration.ofSeconds(1));
        List<FetchedMessage> events = rig.events();
        assertThat(events).extracting(FetchedMessage::messageId).containsExactly("1772438400001",
                "1772438400002");
    }
}
