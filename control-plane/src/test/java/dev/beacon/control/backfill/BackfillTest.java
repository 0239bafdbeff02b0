package dev.beacon.control.backfill;

import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static dev.beacon.control.subscriptions.SubscriptionRig.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill against real PostgreSQL, Kafka and the Microsoft emulator: what is listed, what is published (decrypted
 * and verified from the topic), when the cursor moves and gaps are marked, and what a failure leaves untouched.
 * Test settings: look-back 10 min, overlap 2 min, interval 5 min, retry base 30 s, 10 requests/s.
 */
class BackfillTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String CHAT_A = "19:aaaa@thread.v2";
    static final String CHAT_B = "19:bbbb@thread.v2";
    static final String CHAT_MESSAGES = "/v1\\.0/chats/[^/]+/messages";
    static final String GET_ALL = "/v1\\.0/users/[^/]+/chats/getAllMessages";

    @TempDir
    Path exportDir;
    BackfillRig b;
    Instant t0;

    @BeforeEach
    void setUp() {
        b = new BackfillRig(PG, KAFKA.get(), exportDir);
        t0 = b.rig.clock.instant();
    }

    @AfterEach
    void tearDown() {
        b.close();
    }

    /** The delegated integration with its getAllMessages subscription in Graph; returns the subscription id. */
    String subscribed() {
        b.rig.desire(ALL_MESSAGES, true, 4320);
        b.rig.reconciler.reconcile(INTEGRATION);
        return b.rig.onlyActive().subscriptionId();
    }

    @Test
    void missedGapIsListedPublishedAndMarkedOnTheNextRound() throws Exception {
        String sub = subscribed();
        ObjectNode inGap = b.message(CHAT_A, "m1", t0.minus(Duration.ofMinutes(50)));
        b.message(CHAT_A, "sys", t0.minus(Duration.ofMinutes(20)), "systemEventMessage");
        ObjectNode recent = b.message(CHAT_B, "m2", t0.minus(Duration.ofMinutes(5)));
        b.message(CHAT_B, "old", t0.minus(Duration.ofHours(3)));
        // Graph says it dropped notifications; no notification was seen, so the gap is the last hour (rig setting).
        b.rig.reconciler.handle(new LifecycleEvent(sub, "contoso.com", LifecycleEvent.MISSED, t0));
        GapView gap = b.rig.gaps.list(INTEGRATION, false).get(0);
        assertThat(gap.from()).isEqualTo(t0.minus(Duration.ofHours(1)));

        assertThat(b.backfiller.due(INTEGRATION)).isTrue();
        BackfillResult r = b.backfiller.runIfDue(INTEGRATION).orElseThrow();

        // The window reaches back to the gap's start (minus the overlap), not just the 10-minute look-back.
        assertThat(r).isEqualTo(new BackfillResult(INTEGRATION, Backfiller.OK,
                t0.minus(Duration.ofMinutes(62)), t0, 2, 1, 3, 1));
        List<BackfillRig.Published> published = b.published();
        assertThat(published).extracting(p -> p.message().messageId()).containsExactly("m1", "m2");
        assertThat(published).allSatisfy(p -> {
            assertThat(p.message().origin()).isEqualTo(Origin.BACKFILL);
            assertThat(p.message().integrationId()).isEqualTo(INTEGRATION);
            assertThat(p.message().tenantId()).isEqualTo("contoso.com");
            assertThat(p.message().subscriptionId()).isNull();
            assertThat(p.signatureValid()).isTrue();
        });
        assertThat(published.get(0).message().chatId()).isEqualTo(CHAT_A);
        assertThat(published.get(0).chatMessage()).isEqualTo(inGap);
        assertThat(published.get(1).chatMessage()).isEqualTo(recent);

        // Delegated: the account's chats, then each chat's messages; never the app-only getAllMessages.
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + USER + "/chats")).isEqualTo(1);
        assertThat(b.rig.emulator.countCalls("GET", CHAT_MESSAGES)).isEqualTo(2);
        assertThat(b.rig.emulator.countCalls("GET", GET_ALL)).isZero();

        assertThat(b.backfilledAt(gap.gapId())).contains(t0);
        BackfillCursor c = b.cursors.get(INTEGRATION);
        assertThat(c).isEqualTo(new BackfillCursor(INTEGRATION, t0, t0, t0, "ok", 2, 1, 0, null, null,
                gap.gapId()));
        assertThat(b.counters.of(INTEGRATION).published()).isEqualTo(2);
        assertThat(b.counters.of(INTEGRATION).runs()).isEqualTo(1);
        assertThat(b.backfiller.due(INTEGRATION)).isFalse(); // nothing awaits until the interval passes
        // Pacing: 3 requests of one tenant at 10/s, the clock standing still: the 2nd and 3rd wait 100 and 200 ms.
        assertThat(b.pacerWaits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void subscriptionRemovedOpensAGapThatIsBackfilledOnceClosedAndCovered() throws Exception {
        String sub = subscribed();
        b.backfiller.run(INTEGRATION); // the first run: nothing yet
        b.rig.clock.advance(Duration.ofMinutes(1));
        Instant removedAt = b.rig.clock.instant();
        b.rig.signedOut.set(true); // the recreation must wait: the gap stays open
        b.rig.emulator.graph().drop(sub);
        b.rig.reconciler.handle(new LifecycleEvent(sub, "contoso.com", LifecycleEvent.SUBSCRIPTION_REMOVED,
                removedAt));
        long gapId = b.rig.gaps.list(INTEGRATION, true).get(0).gapId();
        b.rig.signedOut.set(false); // a token again, but no reconcile yet: the subscription is still missing
        b.message(CHAT_A, "lost", removedAt.plusSeconds(30));
        b.rig.clock.advance(Duration.ofMinutes(1));

        assertThat(b.backfiller.due(INTEGRATION)).isTrue(); // a new gap: at once, not after the interval
        BackfillResult open = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(open.published()).isEqualTo(1);
        assertThat(open.gapsBackfilled()).isZero(); // still open: later messages may be lost too
        assertThat(b.backfilledAt(gapId)).isEmpty();
        assertThat(b.backfiller.due(INTEGRATION)).isFalse(); // an open gap already taken in waits for the schedule

        b.rig.integrations.setStatus(INTEGRATION, dev.beacon.control.integration.IntegrationStatus.ACTIVE, null);
        b.rig.clock.advance(Duration.ofMinutes(1));
        b.rig.reconciler.reconcile(INTEGRATION); // recreated: the gap closes now
        assertThat(b.rig.gaps.list(INTEGRATION, true)).isEmpty();
        assertThat(b.backfiller.due(INTEGRATION)).isTrue(); // a closed gap awaits its backfill
        BackfillResult closed = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(closed.gapsBackfilled()).isEqualTo(1);
        assertThat(b.backfilledAt(gapId)).contains(b.rig.clock.instant());
        // Within the overlap of the second window too: published again, the job's deduplication keeps one fact.
        assertThat(b.publishedIds()).containsExactly("lost", "lost");
    }

    @Test
    void scheduledRunsWithoutGapsRepublishTheOverlapAndNeverLoseTheBoundary() throws Exception {
        b.message(CHAT_A, "before-look-back", t0.minus(Duration.ofMinutes(11)));
        b.message(CHAT_A, "a", t0.minus(Duration.ofMinutes(9)));
        b.message(CHAT_A, "in-overlap", t0.minus(Duration.ofMinutes(1)));
        b.message(CHAT_B, "at-boundary", t0); // modified exactly when the first window ends

        BackfillResult first = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(first.from()).isEqualTo(t0.minus(Duration.ofMinutes(10)));
        assertThat(b.publishedIds()).containsExactly("a", "in-overlap"); // the window is open at its end

        b.rig.clock.advance(Duration.ofMinutes(4));
        assertThat(b.backfiller.runIfDue(INTEGRATION)).isEmpty();
        b.message(CHAT_B, "later", t0.plus(Duration.ofMinutes(3)));
        b.rig.clock.advance(Duration.ofMinutes(1));
        BackfillResult second = b.backfiller.runIfDue(INTEGRATION).orElseThrow();

        assertThat(second.from()).isEqualTo(t0.minus(Duration.ofMinutes(2)));
        assertThat(second.to()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
        // The overlap is published again (the job deduplicates); the boundary message is not lost.
        assertThat(b.publishedIds()).containsExactly("a", "in-overlap", "in-overlap", "at-boundary", "later");
        assertThat(b.cursors.get(INTEGRATION).listedThrough()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void appOnlyListsGetAllMessagesWithTheResourceModel() throws Exception {
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        b.message(CHAT_A, "x", t0.minus(Duration.ofMinutes(3)));
        b.message(CHAT_B, "y", t0.minus(Duration.ofMinutes(2)));
        b.message(CHAT_B, "too-old", t0.minus(Duration.ofHours(2)));

        BackfillResult r = b.backfiller.run(BackfillRig.APP_ONLY);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(r.requests()).isEqualTo(1);
        assertThat(b.published()).extracting(p -> p.message().messageId(), p -> p.message().chatId(),
                        p -> p.message().integrationId())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("x", CHAT_A, BackfillRig.APP_ONLY),
                        org.assertj.core.groups.Tuple.tuple("y", CHAT_B, BackfillRig.APP_ONLY));
        assertThat(b.rig.emulator.calls()).contains("GET /v1.0/users/" + USER + "/chats/getAllMessages");
        assertThat(b.rig.emulator.countCalls("GET", CHAT_MESSAGES)).isZero();
        // Graph's rule the emulator enforces: getAllMessages GET is application-only.
        assertThatThrownBy(() -> b.graph.getPage(INTEGRATION, "/users/" + USER + "/chats/getAllMessages"))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void aChatGraphNoLongerHasIsSkippedAndTheOthersAreBackfilled() throws Exception {
        b.desireAppOnly("/chats/19:gone@thread.v2/messages");
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        b.message(CHAT_A, "x", t0.minus(Duration.ofMinutes(3)));

        BackfillResult r = b.backfiller.run(BackfillRig.APP_ONLY);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(b.publishedIds()).containsExactly("x");
        assertThat(b.rig.emulator.calls()).anyMatch(c -> c.startsWith("GET /v1.0/chats/19:gone@thread.v2/messages"));
    }

    @Test
    void appOnlyWithoutChatReadAllFallsBackToTheUsersChatsOneByOne() throws Exception {
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        b.message(CHAT_A, "x", t0.minus(Duration.ofMinutes(3)));
        b.message(CHAT_B, "y", t0.minus(Duration.ofMinutes(2)));
        b.rig.emulator.inject("GET", GET_ALL, Response.json(403, "{\"error\":{\"code\":\"Forbidden\","
                + "\"message\":\"Missing role permissions on the request.\"}}"), 1);

        BackfillResult r = b.backfiller.run(BackfillRig.APP_ONLY);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(r.requests()).isEqualTo(1 + 1 + 2); // refused getAllMessages, the user's chats, one per chat
        assertThat(b.publishedIds()).containsExactly("x", "y");
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + USER + "/chats")).isEqualTo(1);
    }

    @Test
    void pagesThroughMoreThanFiftyMessagesBothWays() throws Exception {
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String id = String.format("p%03d", i);
            b.message(CHAT_A, id, t0.minus(Duration.ofMinutes(9)).plusSeconds(i));
            expected.add(id);
        }

        BackfillResult delegated = b.backfiller.run(INTEGRATION);
        assertThat(delegated.published()).isEqualTo(120);
        assertThat(delegated.requests()).isEqualTo(1 + 3); // chats, then 50 + 50 + 20 messages
        BackfillResult appOnly = b.backfiller.run(BackfillRig.APP_ONLY);
        assertThat(appOnly.published()).isEqualTo(120);
        assertThat(appOnly.requests()).isEqualTo(3);

        List<String> both = new ArrayList<>(expected);
        both.addAll(expected);
        assertThat(b.publishedIds()).isEqualTo(both); // oldest modification first, each run
        // Graph's $top limit holds in the emulator
        assertThatThrownBy(() -> b.graph.getPage(INTEGRATION, "/chats/" + CHAT_A + "/messages?$top=51"))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void shortRetryAfterIsWaitedInlineAndTheRunSucceeds() throws Exception {
        b.message(CHAT_A, "m", t0.minus(Duration.ofMinutes(1)));
        var fault = b.rig.emulator.inject("GET", CHAT_MESSAGES, Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled\"}}").withHeader("Retry-After", "2"),
                1);

        BackfillResult r = b.backfiller.run(INTEGRATION);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(fault.hits()).isEqualTo(1);
        assertThat(b.retryWaits).containsExactly(Duration.ofSeconds(2));
        assertThat(b.publishedIds()).containsExactly("m");
    }

    @Test
    void longRetryAfterFailsTheRunKeepsCursorAndGapAndWaitsAtLeastThatLong() throws Exception {
        String sub = subscribed();
        b.message(CHAT_A, "m", t0.minus(Duration.ofMinutes(1)));
        b.rig.reconciler.handle(new LifecycleEvent(sub, "contoso.com", LifecycleEvent.MISSED, t0));
        long gapId = b.rig.gaps.list(INTEGRATION, false).get(0).gapId();
        b.rig.emulator.inject("GET", CHAT_MESSAGES, Response.json(429,
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled\"}}").withHeader("Retry-After", "120"),
                1);

        BackfillResult failed = b.backfiller.run(INTEGRATION);

        assertThat(failed.outcome()).isEqualTo(Backfiller.THROTTLED);
        assertThat(b.retryWaits).isEmpty(); // beyond the 10 s inline cap: not waited inline
        assertThat(b.cursors.get(INTEGRATION)).isEqualTo(new BackfillCursor(INTEGRATION, null, t0, null,
                "throttled", 0, 0, 1, t0.plusSeconds(120), null, 0));
        assertThat(b.backfilledAt(gapId)).isEmpty();
        assertThat(b.publishedIds()).isEmpty();
        assertThat(b.counters.of(INTEGRATION).failures()).isEqualTo(1);

        b.rig.clock.advance(Duration.ofSeconds(119));
        assertThat(b.backfiller.due(INTEGRATION)).isFalse();
        b.rig.clock.advance(Duration.ofSeconds(1));
        BackfillResult recovered = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(recovered.outcome()).isEqualTo(Backfiller.OK);
        assertThat(b.publishedIds()).containsExactly("m");
        assertThat(b.backfilledAt(gapId)).isPresent();
        assertThat(b.cursors.get(INTEGRATION).consecutiveFailures()).isZero();
    }

    @Test
    void graphOutageLeavesTheCursorAndBacksOffThenRecovers() throws Exception {
        b.message(CHAT_A, "first", t0.minus(Duration.ofMinutes(1)));
        b.backfiller.run(INTEGRATION);
        b.rig.clock.advance(Duration.ofMinutes(5));
        b.message(CHAT_A, "second", t0.plus(Duration.ofMinutes(4)));
        b.rig.emulator.inject("GET", CHAT_MESSAGES, Response.json(503,
                "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"down\"}}"), 6);

        BackfillResult failed = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(failed.outcome()).isEqualTo(Backfiller.GRAPH_FAILED);
        assertThat(b.cursors.get(INTEGRATION).listedThrough()).isEqualTo(t0);
        assertThat(b.cursors.get(INTEGRATION).nextAttemptAt()).isEqualTo(b.rig.clock.instant().plusSeconds(30));

        b.rig.clock.advance(Duration.ofSeconds(30));
        BackfillResult again = b.backfiller.runIfDue(INTEGRATION).orElseThrow(); // still down: backoff doubles
        assertThat(again.outcome()).isEqualTo(Backfiller.GRAPH_FAILED);
        assertThat(b.cursors.get(INTEGRATION).nextAttemptAt()).isEqualTo(b.rig.clock.instant().plusSeconds(60));
        assertThat(b.cursors.get(INTEGRATION).consecutiveFailures()).isEqualTo(2);

        b.rig.clock.advance(Duration.ofSeconds(60));
        BackfillResult ok = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(ok.outcome()).isEqualTo(Backfiller.OK);
        assertThat(ok.from()).isEqualTo(t0.minus(Duration.ofMinutes(2))); // from the unchanged cursor
        assertThat(b.publishedIds()).containsExactly("first", "first", "second");
    }

    @Test
    void aRunStopsWithoutRecordingAnythingWhenAnotherReplicaTakesTheLease() throws Exception {
        b.message(CHAT_A, "m", t0.minus(Duration.ofMinutes(1)));
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        LeaseGuard lease = new LeaseGuard(() -> checks.incrementAndGet() == 1, Duration.ZERO, () -> 0L);

        BackfillResult r = b.backfiller.run(INTEGRATION, lease);

        assertThat(r.outcome()).isEqualTo(Backfiller.LEASE_LOST);
        assertThat(checks.get()).isEqualTo(2); // granted for the chat list, gone before the first chat's messages
        assertThat(b.publishedIds()).isEmpty();
        assertThat(b.cursors.get(INTEGRATION)).isEqualTo(BackfillCursor.none(INTEGRATION)); // the new leader runs
    }

    @Test
    void kafkaDownPublishesNothingDurableAndKeepsTheCursor() throws Exception {
        b.message(CHAT_A, "m", t0.minus(Duration.ofMinutes(1)));
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:1"); // nothing listens
        p.put("max.block.ms", "300");
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer());
             FetchedMessagePublisher down = new FetchedMessagePublisher(producer, b.topic, b.rig.certificates,
                     () -> b.signingKey, b.rig.clock, Duration.ofSeconds(1))) {
            BackfillResult r = b.backfiller(down).run(INTEGRATION);
            assertThat(r.outcome()).isEqualTo(Backfiller.PUBLISH_FAILED);
        }
        assertThat(b.cursors.get(INTEGRATION).listedThrough()).isNull();
        assertThat(b.cursors.get(INTEGRATION).lastOutcome()).isEqualTo(Backfiller.PUBLISH_FAILED);

        b.cursors.request(INTEGRATION, b.rig.clock.instant()); // ops: now, despite the backoff
        BackfillResult r = b.backfiller.runIfDue(INTEGRATION).orElseThrow();
        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(b.publishedIds()).containsExactly("m");
        assertThat(b.cursors.get(INTEGRATION).requestedAt()).isNull();
    }
}
