package dev.beacon.job.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps everything it receives in memory, for MiniCluster tests. Sinks are serialized into the job
 * graph, so the sink itself only holds a key; the records go to a static registry in this JVM (the MiniCluster runs
 * in the test's JVM), where the test reads them after the job has finished.
 *
 * <pre>{@code
 * String run = CollectingSink.newRun();
 * BeaconSinks sinks = new BeaconSinks().facts(CollectingSink.to(run, "facts"));
 * ... env.execute() ...
 * List<EmergencyCallFact> facts = CollectingSink.collected(run, "facts");
 * CollectingSink.clear(run);
 * }</pre>
 *
 * Nothing is checkpointed: a job that restarts would collect some records twice, so use it with no restart strategy.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final ConcurrentHashMap<String, ConcurrentLinkedQueue<Object>> COLLECTED = new ConcurrentHashMap<>();
    private static final String SEPARATOR = "/";

    private final String key;

    private CollectingSink(String key) {
        this.key = key;
    }

    /** A fresh, unique run id, so that tests running side by side never see each other's records. */
    public static String newRun() {
        return "run-" + java.util.UUID.randomUUID();
    }

    /** A sink that collects into the output {@code name} of run {@code run}. */
    public static <T> CollectingSink<T> to(String run, String name) {
        String key = run + SEPARATOR + name;
        COLLECTED.putIfAbsent(key, new ConcurrentLinkedQueue<>());
        return new CollectingSink<>(key);
    }

    /** A copy of what the output has received so far, in arrival order per writer. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> collected(String run, String name) {
        ConcurrentLinkedQueue<Object> queue = COLLECTED.get(run + SEPARATOR + name);
        List<T> out = new ArrayList<>();
        if (queue != null) {
            for (Object o : queue) {
                out.add((T) o);
            }
        }
        return out;
    }

    /** Forgets every output of the run. */
    public static void clear(String run) {
        COLLECTED.keySet().removeIf(k -> k.startsWith(run + SEPARATOR));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> queue = COLLECTED.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    @Override
    public String toString() {
        return "CollectingSink{" + key + "}";
    }
}
