package dev.beacon.control.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A consumer's live state for status and metrics: the partitions it owns, the record each waits on while it fails
 * (at most one per partition), and whether its thread runs. Written on the consumer thread, read by any.
 *
 * @param <W> what a consumer tells about a waiting record (lifecycle event, hydration request)
 */
public final class PartitionStatus<W> {

    private final Clock clock;
    private final Function<W, Instant> failingSince;
    private final Map<String, W> waiting = new ConcurrentHashMap<>();
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    /** @param failingSince when the waiting record first failed (wall clock), for ordering and the oldest wait */
    public PartitionStatus(Clock clock, Function<W, Instant> failingSince) {
        this.clock = clock;
        this.failingSince = failingSince;
    }

    /** The partition now waits on {@code w} (replacing what it waited on before). */
    public void waiting(String topic, int partition, W w) {
        waiting.put(topic + "-" + partition, w);
    }

    public void notWaiting(String topic, int partition) {
        waiting.remove(topic + "-" + partition);
    }

    /** The records waiting for a retry now, oldest failure first. */
    public List<W> waiting() {
        return waiting.values().stream().sorted(Comparator.comparing(failingSince)).toList();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** How long the oldest waiting record has been failing; zero when none waits. */
    public Duration oldestWaiting() {
        return waiting().stream().findFirst()
                .map(w -> Duration.between(failingSince.apply(w), clock.instant()))
                .filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }

    public void assigned(Collection<Integer> partitions) {
        assigned.addAll(partitions);
    }

    public void unassigned(Collection<Integer> partitions) {
        assigned.removeAll(partitions);
    }

    /** The partitions this consumer owns now (the group's assignment), in order. */
    public List<Integer> assignedPartitions() {
        return assigned.stream().sorted().toList();
    }

    public void running(boolean running) {
        this.running = running;
    }

    /** True while the consumer thread runs (false before start, after close, or if it died). */
    public boolean running() {
        return running;
    }
}
