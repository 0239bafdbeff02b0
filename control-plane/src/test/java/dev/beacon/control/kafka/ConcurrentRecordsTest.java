package dev.beacon.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Records run with up to N in flight, started in order; a RetryLater or a stop ends the starting, not the running. */
class ConcurrentRecordsTest {

    private static List<ConsumerRecord<byte[], byte[]>> records(int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ConsumerRecord<>("t", 0, i, null, new byte[] {(byte) i}));
        }
        return out;
    }

    @Test
    void concurrencyOneRunsEveryRecordOnTheCallingThreadInOrder() {
        List<Long> seen = new ArrayList<>();
        Thread caller = Thread.currentThread();
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            seen.add(r.offset());
            return r.offset() == 3 ? InOrderCompletionsTest.retry() : new RecordOutcome.Done("ok");
        }, 1, "test")) {
            List<RecordOutcome> out = runner.run(records(6), () -> true);
            assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
            assertThat(out.subList(4, 6)).containsExactly(null, null);
            assertThat(out.get(3)).isInstanceOf(RecordOutcome.RetryLater.class);
        }
    }

    @Test
    void upToNRunAtOnceAndAllAreDone() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch fourIn = new CountDownLatch(4);
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            fourIn.countDown();
            try {
                // the first four wait for each other: proves four run at once (bounded wait, no timing assertion)
                fourIn.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return new RecordOutcome.Done("ok");
        }, 4, "test")) {
            List<RecordOutcome> out = runner.run(records(40), () -> true);
            assertThat(out).hasSize(40).allMatch(o -> o instanceof RecordOutcome.Done);
            assertThat(peak.get()).isEqualTo(4);
        }
    }

    @Test
    void afterARetryLaterNoFurtherRecordStartsAndTheStartedOnesFormAPrefix() {
        Set<Long> started = ConcurrentHashMap.newKeySet();
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            started.add(r.offset());
            return r.offset() == 5 ? InOrderCompletionsTest.retry() : new RecordOutcome.Done("ok");
        }, 3, "test")) {
            List<RecordOutcome> out = runner.run(records(50), () -> true);
            int firstNotStarted = out.indexOf(null);
            assertThat(firstNotStarted).isBetween(6, 8); // 5 failed; at most the two other workers took one more
            assertThat(out.subList(firstNotStarted, 50)).containsOnlyNulls();
            assertThat(started).hasSize(firstNotStarted);
            assertThat(InOrderCompletions.settle(out)).isEqualTo(new InOrderCompletions.Settled(5, true, true));
        }
    }

    @Test
    void aRetriedRecordRunsAloneFirstAndWhileItFailsNothingBehindItStarts() {
        Set<Long> started = ConcurrentHashMap.newKeySet();
        boolean[] fail = {true};
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            started.add(r.offset());
            return r.offset() == 0 && fail[0] ? InOrderCompletionsTest.retry() : new RecordOutcome.Done("ok");
        }, 4, "test")) {
            List<RecordOutcome> out = runner.run(records(20), 1, () -> true);
            assertThat(started).containsExactly(0L);
            assertThat(out.subList(1, 20)).containsOnlyNulls();

            fail[0] = false;
            out = runner.run(records(20), 1, () -> true);
            assertThat(out).allMatch(o -> o instanceof RecordOutcome.Done);
        }
    }

    @Test
    void aStopEndsTheStartingAndWhatWasDoneStays() {
        AtomicInteger calls = new AtomicInteger();
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            calls.incrementAndGet();
            return new RecordOutcome.Done("ok");
        }, 2, "test")) {
            List<RecordOutcome> out = runner.run(records(30), () -> calls.get() < 10);
            long done = out.stream().filter(o -> o != null).count();
            assertThat(done).isEqualTo(calls.get()).isBetween(10L, 11L);
            assertThat(InOrderCompletions.settle(out).done()).isEqualTo((int) done);
        }
    }

    @Test
    void aThrowingHandlerIsRethrownOnTheCallingThreadAfterTheOthersFinished() {
        try (ConcurrentRecords runner = new ConcurrentRecords(r -> {
            if (r.offset() == 2) {
                throw new IllegalStateException("bug");
            }
            return new RecordOutcome.Done("ok");
        }, 3, "test")) {
            assertThatThrownBy(() -> runner.run(records(10), () -> true)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("bug");
        }
        assertThatThrownBy(() -> new ConcurrentRecords(r -> null, 0, "test"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
