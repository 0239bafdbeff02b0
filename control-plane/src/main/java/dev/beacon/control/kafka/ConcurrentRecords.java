package dev.beacon.control.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs one poll's records through a {@link RecordHandler} with up to {@code concurrency} in flight, for handlers
 * whose calls are slow but independent (hydration: a Graph GET each). Records are started strictly in the order
 * given, so the records started always form a prefix of that order (and of each partition's records). Once one
 * record returns {@link RecordOutcome.RetryLater}, or {@code keepStarting} turns false (stop), no further record is
 * started; those in flight finish. {@link InOrderCompletions} then decides what may be committed.
 *
 * <p>With concurrency 1 every record runs on the calling thread, one after another: exactly the sequential loop
 * (the lifecycle consumer's behaviour). Otherwise the calling thread runs one share and a pool of
 * {@code concurrency - 1} daemon threads the others.
 */
public final class ConcurrentRecords implements AutoCloseable {

    private final RecordHandler handler;
    private final int concurrency;
    private final ExecutorService pool;

    /** @param name names the pool's threads ({@code <name>-worker-<n>}) */
    public ConcurrentRecords(RecordHandler handler, int concurrency, String name) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.handler = handler;
        this.concurrency = concurrency;
        AtomicInteger n = new AtomicInteger();
        this.pool = concurrency == 1 ? null : Executors.newFixedThreadPool(concurrency - 1, r -> {
            Thread t = new Thread(r, name + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int concurrency() {
        return concurrency;
    }

    /**
     * Runs {@code records} and returns their outcomes, aligned with them; {@code null} for a record not started.
     * Returns once every started record has finished. A handler that throws (it must not) ends the run after the
     * records in flight and the throwable is rethrown here, as the sequential loop would have.
     */
    public List<RecordOutcome> run(List<ConsumerRecord<byte[], byte[]>> records, BooleanSupplier keepStarting) {
        return run(records, 0, keepStarting);
    }

    /**
     * As {@link #run(List, BooleanSupplier)}, but the first {@code alone} records run one at a time before any
     * other starts (a retry of a record that failed: while it still fails, nothing behind it runs).
     */
    public List<RecordOutcome> run(List<ConsumerRecord<byte[], byte[]>> records, int alone,
                                   BooleanSupplier keepStarting) {
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean halt = new AtomicBoolean();
        int aloneUntil = Math.min(Math.max(alone, 0), records.size());
        Runnable worker = () -> {
            while (!halt.get() && keepStarting.getAsBoolean()) {
                int i = next.getAndIncrement();
                if (i >= outcomes.length) {
                    return;
                }
                RecordOutcome o;
                try {
                    o = handler.process(records.get(i));
                } catch (RuntimeException | Error e) {
                    halt.set(true);
                    throw e;
                }
                outcomes[i] = o;
                if (o instanceof RecordOutcome.RetryLater) {
                    // A dependency is down: likely for the records behind this one too. Do not start them.
                    halt.set(true);
                }
            }
        };
        // The calling thread alone until the first `alone` records are done (a failure halts it all).
        while (!halt.get() && keepStarting.getAsBoolean() && next.get() < aloneUntil) {
            int i = next.getAndIncrement();
            outcomes[i] = handler.process(records.get(i));
            if (outcomes[i] instanceof RecordOutcome.RetryLater) {
                halt.set(true);
            }
        }
        List<Future<?>> helpers = new ArrayList<>();
        int extra = pool == null || halt.get() ? 0 : Math.min(concurrency - 1, records.size() - next.get() - 1);
        for (int i = 0; i < extra; i++) {
            helpers.add(pool.submit(worker));
        }
        Throwable thrown = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            thrown = e;
        }
        for (Future<?> f : helpers) {
            thrown = await(f, thrown);
        }
        if (thrown instanceof RuntimeException re) {
            throw re;
        }
        if (thrown instanceof Error err) {
            throw err;
        }
        // Future.get made the helpers' writes visible to this thread.
        return Arrays.asList(outcomes);
    }

    /** Waits for a helper even when interrupted (its record must finish before anything is committed). */
    private static Throwable await(Future<?> f, Throwable thrown) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return thrown;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return thrown != null ? thrown : e.getCause();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the pool's threads; call after the last {@link #run}. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
