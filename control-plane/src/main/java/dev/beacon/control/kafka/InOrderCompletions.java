package dev.beacon.control.kafka;

import java.util.List;

/**
 * Which of one partition's records (in offset order) may be committed after they ran, possibly concurrently: the
 * contiguous prefix that is done (any outcome but {@link RecordOutcome.RetryLater}). The first record not done is
 * where the partition resumes: a RetryLater (the partition waits there) or a record never started (read again next
 * poll).
 *
 * <p>Records after the first one not done may have finished too (they ran concurrently); they are not committed,
 * so they run again after the retry. That is harmless: handlers are idempotent (the job deduplicates a message
 * published twice).
 */
public final class InOrderCompletions {

    private InOrderCompletions() {
    }

    /**
     * What one partition's records came to.
     *
     * @param done    how many leading records are done (their offsets may be committed)
     * @param failed  whether the record at index {@code done} returned RetryLater (its partition waits on it)
     * @param started whether any record of the partition was started
     */
    public record Settled(int done, boolean failed, boolean started) {

        /** Whether every record is done. */
        public boolean finished(int size) {
            return done == size;
        }
    }

    /**
     * @param outcomes the outcome of each record in offset order; {@code null} for a record never started
     */
    public static Settled settle(List<RecordOutcome> outcomes) {
        int done = 0;
        // Any outcome but RetryLater is done (handlers may have their own kinds of done), as in the sequential loop.
        while (done < outcomes.size() && outcomes.get(done) != null
                && !(outcomes.get(done) instanceof RecordOutcome.RetryLater)) {
            done++;
        }
        boolean failed = done < outcomes.size() && outcomes.get(done) instanceof RecordOutcome.RetryLater;
        boolean started = outcomes.stream().anyMatch(o -> o != null);
        return new Settled(done, failed, started);
    }
}
