package dev.beacon.control.hydration;

import static dev.beacon.control.hydration.HydrationRig.TENANT;
import static dev.beacon.control.hydration.HydrationRig.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.control.emulator.GraphRateLimit;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.emulator.MicrosoftEmulator.Fault;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.ops.HydrationView;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests in flight concurrently on real parts (broker, PostgreSQL, the emulator's Graph with injected latency and
 * failures): the per-tenant rate still governs, nothing is lost, and no offset passes a request not yet done.
 */
class HydrationConcurrencyTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String MESSAGES = "/v1\\.0/chats/.+/messages/.+";
    /** What Graph's message GET costs in the field (100-500 ms); the emulator waits this before answering. */
    static final Duration LATENCY = Duration.ofMillis(200);

    @TempDir
    Path exportDir;
    HydrationRig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    /**
     * At the default concurrency, unless {@code -Dhydration.concurrency=N} asks for another (the comparison with 1
     * in docs/control-plane.md: about 45 s).
     */
    @Test
    void aBurstOf200WithGraphLatencyIsRateBound(TestInfo test) throws Exception {
        burst(test, Integer.getInteger("hydration.concurrency", HydrationConsumer.Settings.DEFAULT_CONCURRENCY));
    }

    private void burst(TestInfo test, int concurrency) throws Exception {
        rig = new HydrationRig(PG, exportDir, KAFKA.get(), test.getTestMethod().orElseThrow().getName(), 3, true);
        GraphRateLimit graphLimit = rig.base.emulator.graph().messageRateLimit();
        graphLimit.limit(20, 1); // Graph: 20 GETs per second per app per tenant
        int n = 200;
        for (int i = 0; i < n; i++) {
            rig.message("17724387" + (10000 + i));
        }
        Fault slow = rig.base.emulator.delay("GET", MESSAGES, LATENCY, 10 * n);
        for (int i = 0; i < n; i++) {
            rig.request("17724387" + (10000 + i));
        }
        long started = System.nanoTime();
        rig.start(rig.hydrator(rig.base.graph, 15, rig.publisher()), concurrency);

        await("all committed", () -> rig.committed() == n);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(rig.committed()).isEqualTo(rig.endOffsets()).isEqualTo(n);
        assertThat(slow.hits()).isEqualTo(n);
        List<FetchedMessage> events = rig.events();
        assertThat(events).hasSize(n);
        assertThat(events.stream().map(FetchedMessage::messageId).collect(Collectors.toSet())).hasSize(n);
        assertThat(rig.counters.publishedCount()).isEqualTo(n);
        assertThat(rig.deadLetters()).isEmpty();
        assertThat(rig.counters.deadLettersTotal()).isZero();
        // Graph's own limit (20/s) was never hit, and by the emulator's request log (arrival times, before its
        // injected latency) no one-second window saw more than Graph's 20 message GETs. The limiter lets 15 + 1
        // through per second (TenantRateLimiterTest, on a test clock); arrival times add the machine's scheduling
        // jitter, so the bound here is Graph's, which is what must hold.
        assertThat(graphLimit.served(TENANT)).isEqualTo(n);
        assertThat(graphLimit.throttled(TENANT)).isZero();
        int peak = peakPerSecond(rig.base.emulator.callLog().stream()
                .filter(c -> c.method().equals("GET") && c.path().matches(MESSAGES))
                .map(MicrosoftEmulator.Call::arrivedNanos).toList());
        assertThat(peak).isLessThanOrEqualTo(20);
        System.out.printf("burst: %d requests at %d ms Graph latency, concurrency %d: %.1f s (%.1f/s), peak %d GETs "
                + "in one second as sent (%d as served after the latency)%n", n, LATENCY.toMillis(), concurrency,
                seconds, n / seconds, peak, graphLimit.peakPerSecond(TENANT));
    }

    @Test
    void graphAnswering503MidBatchLosesNothingAndCommitsNothingPastTheFailingRequestUntilItSucceeds(TestInfo test)
            throws Exception {
        rig = new HydrationRig(PG, exportDir, KAFKA.get(), test.getTestMethod().orElseThrow().getName(), 1, true);
        int n = 100;
        for (int i = 0; i < n; i++) {
            rig.message(id(i));
        }
        Response unavailable = Response.json(503,
                "{\"error\":{\"code\":\"serviceNotAvailable\",\"message\":\"Service unavailable\"}}");
        // Request 30 fails until the test lets it through; request 70 fails for two consumer attempts (the
        // client tries 3 times per attempt) and then succeeds on its own.
        Fault thirty = rig.base.emulator.inject("GET", "/v1\\.0/chats/.+/messages/" + id(30), unavailable, 100_000);
        Fault seventy = rig.base.emulator.inject("GET", "/v1\\.0/chats/.+/messages/" + id(70), unavailable, 6);
        rig.base.emulator.delay("GET", MESSAGES, Duration.ofMillis(20), 10 * n);
        for (int i = 0; i < n; i++) {
            rig.request(id(i));
        }
        HydrationConsumer consumer = rig.start(rig.hydrator(rig.base.graph, 100, rig.publisher()), 8);

        await("waiting on request 30", () -> rig.counters.waiting().stream().anyMatch(w -> w.offset() == 30));
        await("the 30 before it committed", () -> rig.committed() == 30);
        long retries = rig.counters.retries();
        await("two more failed attempts", () -> rig.counters.retries() >= retries + 2);
        // Requests after 30 that were in flight may have been published, but the offset stays at the failing one.
        assertThat(rig.committed()).isEqualTo(30);
        assertThat(rig.counters.waiting()).singleElement().satisfies(w -> {
            assertThat(w.offset()).isEqualTo(30);
            assertThat(w.lastFailure()).isEqualTo("HydrationRetryException caused by GraphException");
        });

        thirty.cancel();
        await("all committed", () -> rig.committed() == n);

        assertThat(rig.committed()).isEqualTo(rig.endOffsets());
        assertThat(seventy.hits()).isEqualTo(6);
        List<FetchedMessage> events = rig.events();
        Set<String> ids = events.stream().map(FetchedMessage::messageId).collect(Collectors.toSet());
        assertThat(ids).hasSize(n);
        // At least once: requests after a failing one that finished while its first attempt was in flight are
        // published again after its retry (the job deduplicates); retries run alone, so nothing is published a
        // third time, and nothing before the first failing request twice.
        Map<String, Long> times = events.stream().collect(Collectors.groupingBy(FetchedMessage::messageId,
                Collectors.counting()));
        assertThat(times.values()).allMatch(c -> c <= 2);
        assertThat(times.entrySet().stream().filter(e -> e.getValue() == 2).map(Map.Entry::getKey))
                .allMatch(id -> id.compareTo(id(30)) > 0);
        assertThat(rig.counters.publishedCount()).isEqualTo(events.size());
        assertThat(rig.deadLetters()).isEmpty();
        assertThat(rig.counters.waiting()).isEmpty();
        // Status shows the same: every request done, none in flight or waiting, and why the last attempt failed.
        await("lag measured after the last poll", () -> consumer.view().lag() == 0);
        HydrationView view = consumer.view();
        assertThat(view).isEqualTo(new HydrationView(true, 8, List.of(0), events.size(), events.size(), 0, 0,
                rig.counters.retries(), 0, 0, 0, "GRAPH_THROTTLED: Graph answered 503", view.lastFailureAt()));
        assertThat(view.lastFailureAt()).isNotNull();
        System.out.printf("503 mid-batch: %d requests, %d published (%d again after a retry), %d retries%n", n,
                events.size(), events.size() - n, rig.counters.retries());
    }

    /** The most arrival times within any one second (a window starting at each arrival). */
    static int peakPerSecond(List<Long> arrivals) {
        List<Long> sorted = arrivals.stream().sorted().toList();
        int peak = 0;
        int from = 0;
        for (int to = 0; to < sorted.size(); to++) {
            while (sorted.get(to) - sorted.get(from) >= 1_000_000_000L) {
                from++;
            }
            peak = Math.max(peak, to - from + 1);
        }
        return peak;
    }

    private static String id(int i) {
        return "17724388" + (10000 + i);
    }
}
