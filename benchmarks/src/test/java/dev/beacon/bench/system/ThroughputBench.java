package dev.beacon.bench.system;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.KafkaIngest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole job over a bounded input, timed from submission to the end of the job (Flink's net runtime, which
 * includes deploying the tasks): replay mode (capture file in, JSON Lines facts out), and Kafka in with the production
 * sinks (PostgreSQL and Kafka) out. Each run checks it ended with one fact per emergency call.
 */
public final class ThroughputBench {

    private final BenchStack stack;
    private final ResultFiles results;

    public ThroughputBench(BenchStack stack, ResultFiles results) {
        this.stack = stack;
        this.results = results;
    }

    /** Replay of a capture file of the workload (bare record values, one per line). */
    public double replay(Workload workload, int parallelism) throws Exception {
        String runId = stack.nextRunId("replay-p" + parallelism);
        Path dir = Files.createDirectories(stack.local.dir.resolve(runId));
        Path capture = dir.resolve("capture.jsonl");
        Files.write(capture, workload.items().stream()
                .map(i -> new String(i.value(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        Path facts = dir.resolve("facts.jsonl");
        Configuration conf = stack.jobConfiguration(runId, "unused", true, "at-least-once", Duration.ofSeconds(10));
        conf.set(BeaconOptions.REPLAY_FILE, capture.toString());
        conf.set(BeaconOptions.FACTS_OUT, facts.toString());
        StreamExecutionEnvironment env = stack.environment(conf, parallelism);
        BeaconJob.defineWorkflow(BeaconJob.replaySource(env, capture.toString()), BeaconJob.replaySinks(conf), conf);
        JobExecutionResult result = env.execute("bench-" + runId);
        long factLines = Files.readAllLines(facts).size();
        return record("system.replay.p" + parallelism, workload, parallelism, result, Map.of(
                "mode", "replay (capture file in, JSON Lines out)", "facts", factLines,
                "checkpoint_interval_s", 10));
    }

    /** Bounded Kafka input ({@code topic}, holding the workload) to PostgreSQL and Kafka, at-least-once. */
    public double kafka(String topic, int partitions, Workload workload, int parallelism) throws Exception {
        String runId = stack.nextRunId("kafka-p" + parallelism);
        stack.local.postgres.truncateAll();
        Configuration conf = stack.jobConfiguration(runId, topic, true, "at-least-once", Duration.ofSeconds(10));
        StreamExecutionEnvironment env = stack.environment(conf, parallelism);
        BeaconJob.defineWorkflow(
                env.fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications"),
                BeaconJob.productionSinks(conf), conf);
        JobExecutionResult result = env.execute("bench-" + runId);
        Object facts = stack.local.postgres.queryValue("SELECT count(*) FROM emergency_call");
        Object audit = stack.local.postgres.queryValue("SELECT count(*) FROM notification_audit");
        return record("system.kafka.p" + parallelism, workload, parallelism, result, Map.of(
                "mode", "Kafka (bounded) to PostgreSQL + Kafka, at-least-once", "input_partitions", partitions,
                "facts", facts, "audit_rows", audit, "checkpoint_interval_s", 10));
    }

    private double record(String name, Workload workload, int parallelism, JobExecutionResult result,
            Map<String, ?> extra) {
        long millis = result.getNetRuntime();
        double rate = workload.items().size() * 1000.0 / millis;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("records", workload.items().size());
        params.put("emergencies", workload.emergencies());
        params.put("parallelism", parallelism);
        params.put("net_runtime_ms", millis);
        params.putAll(extra);
        results.write(name, "notifications/s", rate, params);
        return rate;
    }
}
