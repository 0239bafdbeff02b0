package dev.beacon.job.corpus;

import dev.beacon.job.ingest.RawRecord;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * A bounded source of the corpus's records that behaves like a partitioned topic: a sequence source with one
 * number per partition, spread over the source subtasks, each of which emits its partition's records in order. Like
 * a Kafka source, it is chained to triage, so the records of one partition are triaged in order, and records of
 * different partitions interleave freely.
 *
 * <p>The records stay in a static registry in this JVM (the MiniCluster's), keyed by run: the job graph carries only
 * the run id, not megabytes of records.
 */
final class CorpusSource implements FlatMapFunction<Long, RawRecord> {

    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, List<List<RawRecord>>> PARTITIONS = new ConcurrentHashMap<>();

    private final String run;

    private CorpusSource(String run) {
        this.run = run;
    }

    static DataStream<RawRecord> stream(StreamExecutionEnvironment env, String run, List<List<RawRecord>> partitions) {
        PARTITIONS.put(run, partitions);
        return env.fromSequence(0, partitions.size() - 1).name("partitions").uid("corpus-partitions")
                .flatMap(new CorpusSource(run)).returns(TypeInformation.of(RawRecord.class))
                .name("hostile-corpus").uid("hostile-corpus");
    }

    static void clear(String run) {
        PARTITIONS.remove(run);
    }

    @Override
    public void flatMap(Long partition, Collector<RawRecord> out) {
        for (RawRecord r : PARTITIONS.get(run).get(partition.intValue())) {
            out.collect(r);
        }
    }
}
