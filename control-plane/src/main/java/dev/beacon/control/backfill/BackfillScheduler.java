package dev.beacon.control.backfill;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the backfill rounds of all integrations on a small pool ({@code BEACON_BACKFILL_PARALLELISM} threads), so a
 * slow or throttled integration holds up only its own thread, never the leader loop or another integration's
 * schedule. At most one round per integration is in progress: a trigger that arrives while the integration's round
 * runs is coalesced into exactly one further round after it (however many triggers came), so rounds neither pile up
 * nor run twice at once (two runs of one integration would publish the same window twice and race on its cursor).
 *
 * <p>Scheduling only: whether a round does anything is the {@link Backfiller}'s policy ({@link Backfiller#due}),
 * and a run's length is bounded by its budget ({@link BackfillSettings#maxRun}), which bounds how long a round
 * queued behind busy threads waits.
 */
public final class BackfillScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackfillScheduler.class);

    private final ExecutorService pool;
    /** Integrations with a round in progress or queued: the round to run after it (null: none). */
    private final Map<String, Runnable> active = new HashMap<>();
    private final Map<String, Runnable> again = new HashMap<>();

    public BackfillScheduler(int parallelism) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "backfill-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(parallelism, threads);
    }

    /**
     * Runs {@code round} for the integration on the pool, or, when one of its rounds is in progress or queued, once
     * more after that one (the latest {@code round} given; earlier coalesced ones are dropped).
     *
     * @return true when the round was started (queued) now, false when it was coalesced
     */
    public synchronized boolean trigger(String integrationId, Runnable round) {
        if (active.containsKey(integrationId)) {
            again.put(integrationId, round);
            return false;
        }
        active.put(integrationId, round);
        submit(integrationId, round);
        return true;
    }

    /** Integrations whose round is in progress or queued (status, tests). */
    public synchronized Set<String> inProgress() {
        return new TreeSet<>(active.keySet());
    }

    /** Waits until no round is in progress or queued; false when {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!active.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private void submit(String integrationId, Runnable round) {
        try {
            pool.execute(() -> runThenNext(integrationId, round));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            active.remove(integrationId); // closing: no more rounds
            again.remove(integrationId);
            notifyAll();
        }
    }

    private void runThenNext(String integrationId, Runnable round) {
        try {
            round.run();
        } catch (RuntimeException e) {
            // The Backfiller never throws; anything else must not take the pool thread's next rounds with it.
            log.warn("integration {}: backfill round failed: {}", integrationId, e.getClass().getSimpleName());
        } finally {
            synchronized (this) {
                Runnable next = again.remove(integrationId);
                if (next == null) {
                    active.remove(integrationId);
                    notifyAll();
                } else {
                    active.put(integrationId, next);
                    submit(integrationId, next);
                }
            }
        }
    }

    /** Stops taking rounds and interrupts the ones in progress (they stop at their next request or publish). */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("backfill rounds still running 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
