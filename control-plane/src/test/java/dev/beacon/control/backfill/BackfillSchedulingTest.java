package dev.beacon.control.backfill;

import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.subscriptions.GapStore;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How backfill runs are scheduled and bounded, against real PostgreSQL, Kafka and the Microsoft emulator (its faults
 * make one integration's Graph slow): each integration's backfill proceeds on its own pool thread, triggers during a
 * run coalesce into one further run, and a run past its time budget stops at a page boundary and is continued.
 * Two integrations of one tenant: {@code acme} (delegated: its chat list, then each chat) and {@code acme-app}
 * (app-only: getAllMessages). Rig settings: interval 5 min, look-back 10 min, overlap 2 min.
 */
class BackfillSchedulingTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String CHAT_A = "19:aaaa@thread.v2";
    static final String CHAT_B = "19:bbbb@thread.v2";
    static final String CHAT_C = "19:cccc@thread.v2";
    /** The delegated integration's chat list (not getAllMessages: the whole path must match). */
    static final String CHAT_LIST = "/v1\\.0/users/[^/]+/chats";
    static final String CHAT_MESSAGES = "/v1\\.0/chats/[^/]+/messages";

    @TempDir
    Path exportDir;
    BackfillRig b;
    BackfillScheduler scheduler;
    Instant t0;

    @BeforeEach
    void setUp() {
        b = new BackfillRig(PG, KAFKA.get(), exportDir);
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        scheduler = new BackfillScheduler(BackfillSettings.DEFAULT_PARALLELISM);
        t0 = b.rig.clock.instant();
    }

    @AfterEach
    void tearDown() {
        scheduler.close(); // interrupts a run still waiting for the slow emulator
        b.close();
    }

    /** One leader round as {@code ControlPlane.work} makes it: every integration in turn, acme first. */
    void leaderRound() {
        for (String id : List.of(INTEGRATION, BackfillRig.APP_ONLY)) {
            scheduler.trigger(id, () -> b.backfiller.runIfDue(id));
        }
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            Thread.sleep(20);
        }
    }

    @Test
    void aSlowIntegrationDoesNotHoldUpAnotherIntegrationsScheduledBackfill() throws Exception {
        leaderRound(); // the first runs: nothing to publish, both cursors at t0
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(b.publishedIds()).isEmpty();

        // acme's Graph turns slow: its chat list answers only after a minute
        var slow = b.rig.emulator.delay("GET", CHAT_LIST, Duration.ofSeconds(60), 1);
        // Graph drops the notification of a message (a 'missed' gap is on record for acme-app)
        b.message(CHAT_A, "dropped", t0.plus(Duration.ofMinutes(2)));
        long gapId = new GapStore(b.rig.sql, b.rig.clock).recordClosed(BackfillRig.APP_ONLY,
                BackfillRig.USER_ALL_MESSAGES, null, t0.plus(Duration.ofMinutes(1)), t0.plus(Duration.ofMinutes(3)),
                GapStore.MISSED);
        b.rig.clock.advance(Duration.ofMinutes(5)); // one interval: both scheduled runs are due
        leaderRound();

        await("acme-app's scheduled run", () -> b.counters.of(BackfillRig.APP_ONLY).runs() == 2);
        // acme's run is still waiting for its chat list: acme-app's run did not wait for it
        assertThat(slow.hits()).isEqualTo(1);
        assertThat(scheduler.inProgress()).containsExactly(INTEGRATION);
        assertThat(b.counters.of(INTEGRATION).running()).isEqualTo(1);
        assertThat(b.published()).extracting(p -> p.message().origin(), p -> p.message().integrationId(),
                p -> p.message().chatId(), p -> p.message().messageId())
                .containsExactly(Tuple.tuple(Origin.BACKFILL, BackfillRig.APP_ONLY, CHAT_A, "dropped"));
        assertThat(b.backfilledAt(gapId)).contains(t0.plus(Duration.ofMinutes(5)));
        assertThat(b.cursors.get(BackfillRig.APP_ONLY).listedThrough()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
        assertThat(b.counters.of(BackfillRig.APP_ONLY).running()).isZero();

        // shutting down interrupts acme's run: not a failure, nothing recorded (no backoff for the next leader)
        scheduler.close();
        assertThat(b.counters.of(INTEGRATION).failures()).isZero();
        assertThat(b.cursors.get(INTEGRATION)).satisfies(c -> {
            assertThat(c.lastOutcome()).isEqualTo(Backfiller.OK);
            assertThat(c.listedThrough()).isEqualTo(t0);
            assertThat(c.consecutiveFailures()).isZero();
        });
    }

    @Test
    void triggersDuringARunStartExactlyOneFurtherRun() throws Exception {
        var slow = b.rig.emulator.delay("GET", CHAT_LIST, Duration.ofSeconds(3), 1);
        assertThat(scheduler.trigger(INTEGRATION, () -> b.backfiller.runIfDue(INTEGRATION))).isTrue();
        await("the run's first request", () -> slow.hits() == 1);

        b.rig.clock.advance(Duration.ofSeconds(1));
        b.backfiller.request(INTEGRATION); // ops ask for another backfill while this one runs
        List<Boolean> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // five leader rounds come while the run is in progress
            started.add(scheduler.trigger(INTEGRATION, () -> b.backfiller.runIfDue(INTEGRATION)));
        }
        assertThat(started).containsExactly(false, false, false, false, false); // coalesced, not started

        assertThat(scheduler.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(b.counters.of(INTEGRATION).runs()).isEqualTo(2); // the first and exactly one further
        assertThat(b.rig.emulator.countCalls("GET", CHAT_LIST)).isEqualTo(2);
        assertThat(b.cursors.get(INTEGRATION).requestedAt()).isNull(); // the further run served the request
        assertThat(scheduler.inProgress()).isEmpty();
    }

    @Test
    void aRunPastItsBudgetPublishesWhatItFoundAndTheNextRunListsOnlyTheRest() throws Exception {
        b.message(CHAT_A, "a", t0.minus(Duration.ofMinutes(3)));
        b.message(CHAT_B, "b", t0.minus(Duration.ofMinutes(2)));
        b.message(CHAT_C, "c", t0.minus(Duration.ofMinutes(4)));
        long gapId = new GapStore(b.rig.sql, b.rig.clock).recordClosed(INTEGRATION, "/chats/getAllMessages", null,
                t0.minus(Duration.ofMinutes(5)), t0.minus(Duration.ofMinutes(1)), GapStore.MISSED);
        // Each budget reading is 6 s after the previous: the run's first reading (after chat A) sees 6 s, its
        // second (after chat B) 12 s, past the 10 s budget.
        AtomicLong readings = new AtomicLong();
        Backfiller bounded = b.backfiller(b.publisher, b.settings.withMaxRun(Duration.ofSeconds(10)),
                () -> readings.getAndIncrement() * Duration.ofSeconds(6).toNanos());

        BackfillResult first = bounded.runIfDue(INTEGRATION).orElseThrow();

        // chat list, chat A, chat B; stopped before chat C; what it found is published and acknowledged
        assertThat(first).isEqualTo(new BackfillResult(INTEGRATION, Backfiller.CUT_SHORT,
                t0.minus(Duration.ofMinutes(10)), t0, 2, 0, 3, 0));
        assertThat(b.publishedIds()).containsExactly("a", "b");
        BackfillCursor cut = b.cursors.get(INTEGRATION);
        assertThat(cut.listedThrough()).isNull(); // the window is not fully listed: the cursor stays
        assertThat(cut.lastOutcome()).isEqualTo(Backfiller.CUT_SHORT);
        assertThat(cut.consecutiveFailures()).isZero();
        assertThat(b.backfilledAt(gapId)).isEmpty(); // not everything of the gap is published yet
        assertThat(b.counters.of(INTEGRATION).cutShort()).isEqualTo(1);
        assertThat(b.counters.of(INTEGRATION).failures()).isZero();

        b.rig.clock.advance(Duration.ofMinutes(1)); // the next leader round
        assertThat(bounded.due(INTEGRATION)).isTrue(); // continues at once, not after the interval
        BackfillResult second = bounded.runIfDue(INTEGRATION).orElseThrow();

        // the same window; only the chat list and chat C
        assertThat(second).isEqualTo(new BackfillResult(INTEGRATION, Backfiller.OK,
                t0.minus(Duration.ofMinutes(10)), t0, 1, 0, 2, 1));
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/chats/" + CHAT_A + "/messages")).isEqualTo(1);
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/chats/" + CHAT_C + "/messages")).isEqualTo(1);
        // each message exactly once over both runs
        assertThat(b.publishedIds()).containsExactly("a", "b", "c");
        assertThat(b.cursors.get(INTEGRATION).listedThrough()).isEqualTo(t0);
        assertThat(b.backfilledAt(gapId)).contains(t0.plus(Duration.ofMinutes(1)));
        assertThat(b.counters.of(INTEGRATION).runs()).isEqualTo(2);
        assertThat(b.counters.of(INTEGRATION).cutShort()).isEqualTo(1);
        assertThat(b.counters.of(INTEGRATION).published()).isEqualTo(3);
        assertThat(bounded.due(INTEGRATION)).isFalse(); // the window is done: the schedule again
    }

    @Test
    void aRestartedReplicaListsACutWindowAgainFromTheCursor() throws Exception {
        b.message(CHAT_A, "a", t0.minus(Duration.ofMinutes(3)));
        b.message(CHAT_B, "b", t0.minus(Duration.ofMinutes(2)));
        b.message(CHAT_C, "c", t0.minus(Duration.ofMinutes(4)));
        AtomicLong readings = new AtomicLong();
        Backfiller bounded = b.backfiller(b.publisher, b.settings.withMaxRun(Duration.ofSeconds(10)),
                () -> readings.getAndIncrement() * Duration.ofSeconds(6).toNanos());
        assertThat(bounded.run(INTEGRATION).outcome()).isEqualTo(Backfiller.CUT_SHORT);

        // another process (or the new leader) has no in-memory progress: the recorded outcome makes it due at
        // once, and it lists the whole window from the cursor (at-least-once: the job deduplicates a and b)
        Backfiller restarted = b.backfiller(b.publisher);
        assertThat(restarted.due(INTEGRATION)).isTrue();
        BackfillResult again = restarted.runIfDue(INTEGRATION).orElseThrow();
        assertThat(again.outcome()).isEqualTo(Backfiller.OK);
        assertThat(again.published()).isEqualTo(3);
        assertThat(b.publishedIds()).containsExactly("a", "b", "c", "a", "b");
        assertThat(Set.copyOf(b.publishedIds())).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aCutWindowIsNotContinuedAfterAnotherReplicaMovedTheCursor() throws Exception {
        b.message(CHAT_A, "a", t0.minus(Duration.ofMinutes(3)));
        b.message(CHAT_B, "b", t0.minus(Duration.ofMinutes(2)));
        b.message(CHAT_C, "c", t0.minus(Duration.ofMinutes(4)));
        AtomicLong now = new AtomicLong();
        AtomicLong step = new AtomicLong(Duration.ofSeconds(6).toNanos());
        Backfiller bounded = b.backfiller(b.publisher, b.settings.withMaxRun(Duration.ofSeconds(10)),
                () -> now.addAndGet(step.get()));
        assertThat(bounded.run(INTEGRATION).outcome()).isEqualTo(Backfiller.CUT_SHORT);
        step.set(0); // from now on no run is past its budget

        // meanwhile another replica led the integration and listed the whole window
        b.rig.clock.advance(Duration.ofMinutes(1));
        assertThat(b.backfiller(b.publisher).run(INTEGRATION).ok()).isTrue();
        b.rig.clock.advance(Duration.ofMinutes(1));

        // back here, the stale progress is dropped: a fresh window from the moved cursor, which never goes back
        BackfillResult again = bounded.runIfDue(INTEGRATION).orElseThrow();
        assertThat(again).isEqualTo(new BackfillResult(INTEGRATION, Backfiller.OK, t0.minus(Duration.ofMinutes(1)),
                t0.plus(Duration.ofMinutes(2)), 0, 0, 4, 0));
        assertThat(b.cursors.get(INTEGRATION).listedThrough()).isEqualTo(t0.plus(Duration.ofMinutes(2)));
        assertThat(b.publishedIds()).containsExactly("a", "b", "c", "a", "b");
    }
}
