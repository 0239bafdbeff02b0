package dev.beacon.job.replay;

import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.RawRecord;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Counts what a replay read and produced, as Flink accumulators, so the summary at the end
 * ({@link ReplaySummary}) exists whether or not any output file was asked for. The counts ride on the streams as
 * sinks that write nothing: a counting step in front of them ({@link SupportsPreWriteTopology}) adds to the
 * accumulators, which Flink merges across subtasks and hands to the client with the job's result.
 */
public final class ReplayTally {

    static final String RECORDS = "replay.records";
    static final String AUDIT_PREFIX = "replay.audit.";
    static final String DEAD_LETTER_PREFIX = "replay.dead-letters.";
    static final String FACTS = "replay.facts";
    static final String FACT_REVISIONS = "replay.fact-revisions";

    private ReplayTally() {}

    /** Counts the records read from the capture file, passing them on unchanged. */
    public static DataStream<RawRecord> countRecords(DataStream<RawRecord> records) {
        return records.map(new Count<RawRecord>(r -> null, RECORDS)).returns(records.getType())
                .name("count-records").uid("count-records");
    }

    /** Audit rows by outcome. */
    public static Sink<AuditRecord> audit() {
        return new CountingSink<>("count-audit",
                a -> AUDIT_PREFIX + (a.outcome() == null ? "none" : a.outcome().label()), null);
    }

    /** Dead letters by reason. */
    public static Sink<DeadLetter> deadLetters() {
        return new CountingSink<>("count-dead-letters",
                d -> DEAD_LETTER_PREFIX + (d.reason() == null ? "none" : d.reason().label()), null);
    }

    /** Fact revisions; revision 1 opens a fact, so those count the facts. */
    public static Sink<EmergencyCallFact> facts() {
        return new CountingSink<>("count-facts", f -> f.revision == 1 ? FACTS : null, FACT_REVISIONS);
    }

    /** Which counter an element adds to; null: only the counter of all elements, if there is one. */
    @FunctionalInterface
    interface Counter<T> extends Serializable {
        String counterFor(T element);
    }

    /** Passes elements on, adding one to their counter and to the counter of all elements (when named). */
    private static final class Count<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final Counter<T> counter;
        private final String everyElement;

        Count(Counter<T> counter, String everyElement) {
            this.counter = counter;
            this.everyElement = everyElement;
        }

        @Override
        public void open(OpenContext openContext) {
            // Present in the result even when nothing arrives, so the summary can say 0.
            if (everyElement != null) {
                getRuntimeContext().getLongCounter(everyElement);
            }
        }

        @Override
        public T map(T element) {
            String name = counter.counterFor(element);
            if (name != null) {
                getRuntimeContext().getLongCounter(name).add(1L);
            }
            if (everyElement != null) {
                getRuntimeContext().getLongCounter(everyElement).add(1L);
            }
            return element;
        }
    }

    /** A sink that only counts (in its pre-write step) and writes nothing. */
    private static final class CountingSink<T> implements Sink<T>, SupportsPreWriteTopology<T> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Counter<T> counter;
        private final String everyElement;

        CountingSink(String name, Counter<T> counter, String everyElement) {
            this.name = name;
            this.counter = counter;
            this.everyElement = everyElement;
        }

        @Override
        public DataStream<T> addPreWriteTopology(DataStream<T> in) {
            return in.map(new Count<>(counter, everyElement)).returns(in.getType()).name(name).uid(name);
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
