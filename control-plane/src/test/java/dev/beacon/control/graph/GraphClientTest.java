package dev.beacon.control.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GraphClient against the emulator's Graph side: wire contract, validation like Graph, retries. */
class GraphClientTest {

    static final String APP = "11111111-2222-3333-4444-555555555555";
    static final String USER = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    static final String RESOURCE = "/users/" + USER + "/chats/getAllMessages?model=B";
    static final String HUB = "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso.com";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    MicrosoftEmulator emulator;
    GraphClient graph;

    @BeforeEach
    void start() {
        emulator = MicrosoftEmulator.start(clock);
        graph = client(4);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    GraphClient client(int attempts) {
        RetryPolicy retry = new RetryPolicy(attempts, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new Random(42)), sleeps::add);
        return GraphClient.create(MicrosoftEndpoints.routedTo(emulator.baseUri()), id -> {
            Instant exp = clock.instant().plus(Duration.ofHours(1));
            String t = emulator.entra().issueAccessToken(new IssuedToken("contoso.com", USER, "svc@contoso.com", APP,
                    false, exp));
            return new GraphToken(t, exp, USER, "svc@contoso.com");
        }, retry, clock);
    }

    NewSubscription request(Duration lifetime, String lifecycleUrl, String clientState) {
        return new NewSubscription(RESOURCE, "created,updated", HUB, lifecycleUrl, clock.instant().plus(lifetime),
                clientState, false, null, null);
    }

    @Test
    void createsGetsListsRenewsReauthorizesAndDeletes() throws Exception {
        GraphSubscription s = graph.create("acme", request(Duration.ofMinutes(4320), HUB, "state-1"));
        assertThat(s.id()).isNotBlank();
        assertThat(s.expirationDateTime()).isEqualTo(clock.instant().plus(Duration.ofMinutes(4320)));
        assertThat(s.lifecycleNotificationUrl()).isEqualTo(HUB);
        assertThat(s.applicationId()).isEqualTo(APP);
        assertThat(graph.get("acme", s.id())).map(GraphSubscription::resource).contains(RESOURCE);
        assertThat(graph.list("acme")).extracting(GraphSubscription::id).containsExactly(s.id());

        clock.advance(Duration.ofHours(1));
        Instant renewedTo = clock.instant().plus(Duration.ofMinutes(4320));
        assertThat(graph.renew("acme", s.id(), renewedTo, Optional.empty()).expirationDateTime()).isEqualTo(renewedTo);
        graph.reauthorize("acme", s.id());
        assertThat(emulator.graph().subscription(s.id()).orElseThrow().reauthorizations()).isEqualTo(1);

        graph.delete("acme", s.id());
        assertThat(graph.get("acme", s.id())).isEmpty();
        assertThat(emulator.calls()).containsExactly("POST /v1.0/subscriptions", "GET /v1.0/subscriptions/" + s.id(),
                "GET /v1.0/subscriptions", "PATCH /v1.0/subscriptions/" + s.id(),
                "POST /v1.0/subscriptions/" + s.id() + "/reauthorize", "DELETE /v1.0/subscriptions/" + s.id(),
                "GET /v1.0/subscriptions/" + s.id());
    }

    @Test
    void emulatorRejectsMoreThan4320MinutesLikeGraph() {
        assertThatThrownBy(() -> graph.create("acme", request(Duration.ofMinutes(4321), HUB, "s")))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("InvalidRequest");
                    assertThat(e.graphMessage()).isEqualTo("Subscription expiration can only be 4320 minutes in the future.");
                });
        assertThat(emulator.countCalls("POST", "/v1\\.0/subscriptions")).isEqualTo(1); // 4xx: not retried
    }

    @Test
    void emulatorRequiresLifecycleUrlBeyondOneHour() throws Exception {
        assertThatThrownBy(() -> graph.create("acme", request(Duration.ofMinutes(61), null, "s")))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.graphMessage()).isEqualTo("lifecycleNotificationUrl is a required property for "
                            + "subscription creation on this resource when the expirationDateTime value is set to "
                            + "greater than 1 hour");
                });
        // Within the hour it is optional, and under 45 minutes Graph raises the expiry to 45 minutes.
        GraphSubscription s = graph.create("acme", request(Duration.ofMinutes(10), null, "s"));
        assertThat(s.expirationDateTime()).isEqualTo(clock.instant().plus(Duration.ofMinutes(45)));
    }

    @Test
    void emulatorRejectsWithoutValidToken() {
        GraphClient anonymous = GraphClient.create(MicrosoftEndpoints.routedTo(emulator.baseUri()),
                id -> new GraphToken("not-issued", clock.instant().plusSeconds(60), USER, "x"),
                RetryPolicy.defaults(), clock);
        assertThatThrownBy(() -> anonymous.list("acme")).isInstanceOfSatisfying(GraphException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("InvalidAuthenticationToken");
            assertThat(e.getMessage()).doesNotContain("not-issued");
        });
    }

    @Test
    void emulatorRejectsDuplicatesAndBadUrlsAndLongClientState() throws Exception {
        GraphSubscription first = graph.create("acme", request(Duration.ofHours(2), HUB, "s"));
        assertThatThrownBy(() -> graph.create("acme", request(Duration.ofHours(2), HUB, "t")))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.graphMessage()).contains("Subscription Id " + first.id() + " already exists");
                });
        var badUrl = new NewSubscription(RESOURCE + "x", "created", "http://plain", HUB,
                clock.instant().plus(Duration.ofHours(2)), "s", false, null, null);
        assertThatThrownBy(() -> graph.create("acme", badUrl))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(400));
        var longState = new NewSubscription(RESOURCE + "y", "created", HUB, HUB,
                clock.instant().plus(Duration.ofHours(2)), "x".repeat(129), false, null, null);
        assertThatThrownBy(() -> graph.create("acme", longState))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.getMessage())
                        .contains("clientState must not be longer than 128 characters").doesNotContain("xxxx"));
        var richWithoutCert = new NewSubscription(RESOURCE + "z", "created", HUB, HUB,
                clock.instant().plus(Duration.ofHours(2)), "s", true, null, null);
        assertThatThrownBy(() -> graph.create("acme", richWithoutCert))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void subscriptionsExpireByTheEmulatorClock() throws Exception {
        GraphSubscription s = graph.create("acme", request(Duration.ofMinutes(90), HUB, "s"));
        clock.advance(Duration.ofMinutes(90));
        assertThat(graph.get("acme", s.id())).isEmpty();
        assertThatThrownBy(() -> graph.renew("acme", s.id(), clock.instant().plus(Duration.ofHours(1)),
                Optional.empty())).isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.notFound()).isTrue());
    }

    @Test
    void shortRetryAfterIsWaitedInlineExactly() throws Exception {
        emulator.inject("POST", "/v1\\.0/subscriptions", Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}").withHeader("Retry-After", "7"), 1);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(3).atZone(ZoneOffset.UTC));
        emulator.inject("POST", "/v1\\.0/subscriptions", Response.json(503, "").withHeader("Retry-After", date), 1);

        graph.create("acme", request(Duration.ofHours(2), HUB, "s"));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
        assertThat(emulator.countCalls("POST", "/v1\\.0/subscriptions")).isEqualTo(3);
    }

    @Test
    void longRetryAfterIsSurfacedNotWaited() {
        emulator.inject("GET", "/v1\\.0/subscriptions", Response.json(429, "").withHeader("Retry-After", "120"), 1);
        assertThatThrownBy(() -> graph.list("acme")).isInstanceOfSatisfying(GraphException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
        });
        assertThat(sleeps).isEmpty();
        assertThat(emulator.countCalls("GET", "/v1\\.0/subscriptions")).isEqualTo(1);
    }

    @Test
    void serverErrorsBackOffWithBoundedJitterThenGiveUp() {
        var fault = emulator.inject("GET", "/v1\\.0/subscriptions", Response.json(500,
                "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"boom\"}}"), 10);
        assertThatThrownBy(() -> graph.list("acme")).isInstanceOfSatisfying(GraphException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.code()).isEqualTo("InternalServerError");
            assertThat(e.retryAfter()).isEmpty();
        });
        assertThat(fault.hits()).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
        // Full jitter: each wait within [0, 500 ms * 2^(n-1)].
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(500));
        assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(1000));
        assertThat(sleeps.get(2)).isBetween(Duration.ZERO, Duration.ofMillis(2000));
        assertThat(sleeps).doesNotHaveDuplicates();
    }

    @Test
    void transientFailureThenSuccess() throws Exception {
        emulator.inject("GET", "/v1\\.0/subscriptions", Response.json(503, ""), 2);
        assertThat(graph.list("acme")).isEmpty();
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void backoffCeilingIsCapped() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new Random(1));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(b.ceiling(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.ceiling(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(b.ceiling(60)).isEqualTo(Duration.ofSeconds(8));
        for (int i = 1; i < 100; i++) {
            assertThat(b.delay(i)).isBetween(Duration.ZERO, b.ceiling(i));
        }
    }

    @Test
    void clientStateNeverInErrorMessages() {
        String secret = "known-client-state-secret";
        emulator.inject("POST", "/v1\\.0/subscriptions", Response.json(400,
                "{\"error\":{\"code\":\"InvalidRequest\",\"message\":\"bad clientState " + secret + "\"}}"), 1);
        assertThatThrownBy(() -> graph.create("acme", request(Duration.ofHours(2), HUB, secret)))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain(secret).contains("[redacted]");
                    assertThat(e.graphMessage()).doesNotContain(secret);
                });
        assertThat(request(Duration.ofHours(2), HUB, secret).toString()).doesNotContain(secret);
    }
}
