package dev.beacon.job.e2e;

import dev.beacon.job.ingest.RawRecord;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Injects one failure mid-stream: after the first completed checkpoint and a given number of records, it throws once,
 * so the job restarts from that checkpoint. Also throttles records so checkpoints happen during the stream.
 * The static counters survive the restart because the MiniCluster runs in the test's JVM.
 */
final class FailOnceAfterCheckpoint implements MapFunction<RawRecord, RawRecord>, CheckpointListener {

    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();

    private final int failAfterRecords;
    private final long pauseMillis;
    private int seen;

    FailOnceAfterCheckpoint(int failAfterRecords, long pauseMillis) {
        this.failAfterRecords = failAfterRecords;
        this.pauseMillis = pauseMillis;
    }

    static void reset() {
        FAILURES.set(0);
        COMPLETED_CHECKPOINTS.set(0);
    }

    @Override
    public RawRecord map(RawRecord record) throws Exception {
        Thread.sleep(pauseMillis);
        seen++;
        if (seen >= failAfterRecords && COMPLETED_CHECKPOINTS.get() > 0 && FAILURES.compareAndSet(0, 1)) {
            throw new IllegalStateException("injected failure after " + seen + " records");
        }
        return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        COMPLETED_CHECKPOINTS.incrementAndGet();
    }
}
