package dev.beacon.bench.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.ingest.KafkaIngest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole job over a bounded input: replay mode (capture file in, JSON Lines facts and audit out), and Kafka in
 * with the production sinks (PostgreSQL and Kafka) out. Each run is timed twice: by the wall clock from submission
 * to the end of the job ({@code system.<mode>.p<n>}: deployment and the end of a bounded job included), and at its
 * steady rate from the job's own audit rows ({@code system.<mode>.p<n>.steady}, see {@link ProcessingSpan}), with
 * the fixed cost between the two and where the machine's CPU went ({@link CpuShares}). Each run checks it ended with
 * one audit row per notification.
 */
public final class ThroughputBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchStack stack;
    private final ResultFiles results;
    private final Duration checkpointInterval;

    public ThroughputBench(BenchStack stack, ResultFiles results, Duration checkpointInterval) {
        this.stack = stack;
        this.results = results;
        this.checkpointInterval = checkpointInterval;
    }

    /** Replay of a capture file of the workload (bare record values, one per line). */
    public double replay(Workload workload, int parallelism) throws Exception {
        String runId = stack.nextRunId("replay-p" + parallelism);
        Path dir = Files.createDirectories(stack.local.dir.resolve(runId));
        Path capture = dir.resolve("capture.jsonl");
        Files.write(capture, workload.items().stream()
                .map(i -> new String(i.value(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        Path facts = dir.resolve("facts.jsonl");
        Path audit = dir.resolve("audit.jsonl");
        Configuration conf = stack.jobConfiguration(runId, "unused", true, "at-least-once", checkpointInterval);
        conf.set(BeaconOptions.REPLAY_FILE, capture.toString());
        conf.set(BeaconOptions.FACTS_OUT, facts.toString());
        conf.set(BeaconOptions.AUDIT_OUT, audit.toString());
        StreamExecutionEnvironment env = stack.environment(conf, parallelism);
        BeaconJob.defineWorkflow(BeaconJob.replaySource(env, capture.toString()), BeaconJob.replaySinks(conf), conf);
        CpuShares cpu = CpuShares.start(-1);
        long submitted = System.currentTimeMillis();
        JobExecutionResult result = env.execute("bench-" + runId);
        long ended = System.currentTimeMillis();
        Map<String, Object> cpuParams = cpu.params();
        List<Long> processedAt = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            processedAt.add(Instant.parse(JSON.readTree(line).path("processed_at").asText()).toEpochMilli());
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("mode", "replay (capture file in, JSON Lines out)");
        extra.put("facts", Files.readAllLines(facts).size());
        extra.put("audit_rows", processedAt.size());
        extra.putAll(cpuParams);
        return record("system.replay.p" + parallelism, workload, parallelism, result,
                ProcessingSpan.of(processedAt, submitted, ended), extra);
    }

    /**
     * Bounded Kafka input ({@code topic}, holding the workload) to PostgreSQL and Kafka, at-least-once; with
     * {@code profile}, under a Flight Recorder recording written there.
     */
    public double kafka(String topic, int partitions, Workload workload, int parallelism, Optional<Path> profile)
            throws Exception {
        String runId = stack.nextRunId("kafka-p" + parallelism);
        stack.local.postgres.truncateAll();
        Configuration conf = stack.jobConfiguration(runId, topic, true, "at-least-once", checkpointInterval);
        StreamExecutionEnvironment env = stack.environment(conf, parallelism);
        BeaconJob.defineWorkflow(
                env.fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications"),
                BeaconJob.productionSinks(conf), conf);
        CpuShares cpu = CpuShares.start(postmaster());
        JfrProfile jfr = profile.isPresent() ? JfrProfile.start(profile.get()) : null;
        long submitted = System.currentTimeMillis();
        JobExecutionResult result;
        try {
            result = env.execute("bench-" + runId);
        } finally {
            if (jfr != null) {
                jfr.close();
            }
        }
        long ended = System.currentTimeMillis();
        Map<String, Object> cpuParams = cpu.params();
        List<Long> processedAt = stack.local.postgres.query(
                        "SELECT (extract(epoch FROM processed_at) * 1000)::bigint AS t FROM notification_audit")
                .stream().map(r -> ((Number) r.get("t")).longValue()).toList();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("mode", "Kafka (bounded) to PostgreSQL + Kafka, at-least-once");
        extra.put("input_partitions", partitions);
        extra.put("facts", stack.local.postgres.queryValue("SELECT count(*) FROM emergency_call"));
        extra.put("audit_rows", processedAt.size());
        extra.putAll(cpuParams);
        String name = "system.kafka.p" + parallelism + (jfr != null ? ".profiled" : "");
        return record(name, workload, parallelism, result, ProcessingSpan.of(processedAt, submitted, ended), extra);
    }

    /** The PostgreSQL server's postmaster: the parent of a backend, asked while its connection is open. */
    private long postmaster() throws java.sql.SQLException {
        try (java.sql.Connection c = stack.local.postgres.connect();
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return CpuShares.postmasterOf(rs.getLong(1));
        }
    }

    private double record(String name, Workload workload, int parallelism, JobExecutionResult result,
            ProcessingSpan span, Map<String, ?> extra) {
        if (span.notifications() != workload.items().size()) {
            throw new IllegalStateException(name + ": " + span.notifications() + " audit rows for "
                    + workload.items().size() + " notifications");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("records", workload.items().size());
        params.put("emergencies", workload.emergencies());
        params.put("parallelism", parallelism);
        params.put("net_runtime_ms", result.getNetRuntime());
        params.put("checkpoint_interval_s", checkpointInterval.toSeconds());
        params.putAll(span.params());
        params.putAll(extra);
        results.write(name, "notifications/s", span.wallRate(), params);
        results.write(name + ".steady", "notifications/s", span.steadyRate(), params);
        return span.steadyRate();
    }
}
