package dev.beacon.control.ops;

import java.time.Instant;
import java.util.List;

/**
 * The hydration consumer of the replica that answered {@code /api/status} (each replica runs one in the shared
 * group; counts are since that replica started). {@code null} in the report when hydration does not run there.
 *
 * @param running         whether the consumer thread runs (false: stopped or died; see the replica's log)
 * @param concurrency     requests it may have in flight ({@code BEACON_HYDRATION_CONCURRENCY})
 * @param partitions      the partitions of the hydration topic it owns
 * @param done            requests finished for good: published, deleted or dead-lettered (replays count again)
 * @param published       fetched messages the events topic acknowledged
 * @param deleted         messages Graph no longer had (404)
 * @param deadLettered    requests written to the dead-letter topic (poison, unknown subscription, 403)
 * @param retries         failed attempts that were retried (a dependency was down)
 * @param lag             requests not yet read from its partitions, as of its last poll
 * @param inFlight        requests being hydrated now
 * @param waiting         requests waiting for a retry now (their partitions wait with them)
 * @param lastFailure     why the last failed attempt failed (kind and status, never tokens or content); null if none
 * @param lastFailureAt   when it failed; null if none
 */
public record HydrationView(boolean running, int concurrency, List<Integer> partitions, long done, long published,
                            long deleted, long deadLettered, long retries, long lag, int inFlight, int waiting,
                            String lastFailure, Instant lastFailureAt) {

    public HydrationView {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
}
