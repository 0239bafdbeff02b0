package dev.beacon.bench.system;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest-to-fact latency of the running job (unbounded Kafka input, production sinks) under an open-loop load: record
 * {@code i} is due at {@code start + i/rate} and carries that instant as its Kafka timestamp (the ingest time), so a
 * stall of the producer or the job shows in the latencies instead of lowering the offered load. A fact's latency is
 * when its row appeared in PostgreSQL ({@code clock_timestamp()} of the insert, a column added for the benchmark) or
 * when a consumer of the facts topic first saw it (read_committed), minus its first notification's ingest time.
 */
public final class LatencyBench {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyBench.class);

    private final BenchStack stack;
    private final ResultFiles results;

    public LatencyBench(BenchStack stack, ResultFiles results) {
        this.stack = stack;
        this.results = results;
    }

    /**
     * @param guarantee       at-least-once or exactly-once ({@code sink.delivery-guarantee})
     * @param rate            notifications per second offered
     * @param seconds         how long the load runs
     * @param emergencyShare  share of emergencies (each one fact, so one latency sample)
     */
    public void run(String guarantee, int rate, int seconds, double emergencyShare, int parallelism,
            Duration checkpointInterval) throws Exception {
        String mode = guarantee.equals("exactly-once") ? "eo" : "alo";
        String runId = stack.nextRunId("latency-" + mode + "-" + rate);
        String topic = "bench-in-" + runId;
        int warmup = Math.max(rate, 20);
        Workload workload = Workload.generate(stack.stream, runId, warmup + rate * seconds, emergencyShare, 0.05);
        stack.local.kafka.createTopic(topic, 2);
        stack.local.postgres.truncateAll();
        stack.local.postgres.execute("ALTER TABLE emergency_call ADD COLUMN IF NOT EXISTS bench_inserted_at "
                + "timestamptz DEFAULT clock_timestamp()");

        Configuration conf = stack.jobConfiguration(runId, topic, false, guarantee, checkpointInterval);
        StreamExecutionEnvironment env = stack.environment(conf, parallelism);
        BeaconJob.defineWorkflow(
                env.fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications"),
                BeaconJob.productionSinks(conf), conf);
        JobClient job = env.executeAsync("bench-" + runId);
        FactsWatcher watcher = new FactsWatcher(stack.local.kafka.bootstrapServers());
        try {
            awaitRunning(job);
            Map<String, Long> ingestOf = new HashMap<>();
            long started = openLoop(topic, workload, rate, warmup, ingestOf);
            long achievedMillis = System.currentTimeMillis() - started;
            List<String> facts = new ArrayList<>(ingestOf.keySet());
            Map<String, Long> rows = awaitRows(facts, Duration.ofSeconds(60).plus(checkpointInterval.multipliedBy(3)));
            Map<String, Long> published = watcher.awaitAll(facts, Duration.ofSeconds(30));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("guarantee", guarantee);
            params.put("rate", rate);
            params.put("seconds", seconds);
            params.put("achieved_rate", String.format("%.1f", rate * seconds * 1000.0 / Math.max(1, achievedMillis)));
            params.put("emergency_share", emergencyShare);
            params.put("parallelism", parallelism);
            params.put("input_partitions", 2);
            params.put("checkpoint_interval_ms", checkpointInterval.toMillis());
            write("system.latency." + mode + "." + rate + ".postgres", latencies(rows, ingestOf), facts.size(), params);
            write("system.latency." + mode + "." + rate + ".kafka", latencies(published, ingestOf), facts.size(), params);
            auditLatency("system.latency." + mode + "." + rate + ".audit", topic, params);
        } finally {
            watcher.close();
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job not running after 120 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Sends the first {@code warmup} records at the rate (not measured: they start the sources and sinks), then the
     * rest; returns when the measured part started. Facts of measured records land in {@code ingestOf}.
     */
    private long openLoop(String topic, Workload workload, int rate, int warmup, Map<String, Long> ingestOf) {
        List<Workload.Item> items = workload.items();
        long measuredStart = 0;
        try (KafkaProducer<byte[], byte[]> producer = stack.producer(0)) {
            long start = System.currentTimeMillis() + 200;
            for (int i = 0; i < items.size(); i++) {
                long due = start + (long) i * 1000 / rate;
                if (i == warmup) {
                    // A pause after the warm-up, so its backlog (sources starting) does not spill into the measurement.
                    sleepUntil(due + 2000);
                    start = System.currentTimeMillis() - (long) i * 1000 / rate;
                    due = start + (long) i * 1000 / rate;
                    measuredStart = due;
                }
                sleepUntil(due);
                Workload.Item item = items.get(i);
                producer.send(new ProducerRecord<>(topic, null, due, item.key().getBytes(StandardCharsets.UTF_8),
                        item.value()));
                if (i >= warmup && item.factId() != null) {
                    ingestOf.put(item.factId(), due);
                }
            }
            producer.flush();
        }
        return measuredStart;
    }

    private static void sleepUntil(long epochMillis) {
        long wait;
        while ((wait = epochMillis - System.currentTimeMillis()) > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(wait, 5)));
        }
    }

    /** fact id → when its row was inserted (epoch ms), once all are there or at the deadline. */
    private Map<String, Long> awaitRows(List<String> facts, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> rows = new HashMap<>();
        while (true) {
            rows.clear();
            for (Map<String, Object> r : stack.local.postgres.query("SELECT fact_id::text AS id, "
                    + "(extract(epoch FROM bench_inserted_at) * 1000)::bigint AS at FROM emergency_call")) {
                rows.put((String) r.get("id"), ((Number) r.get("at")).longValue());
            }
            if (rows.keySet().containsAll(facts) || System.nanoTime() > deadline) {
                return rows;
            }
            Thread.sleep(200);
        }
    }

    private static List<Long> latencies(Map<String, Long> seen, Map<String, Long> ingestOf) {
        List<Long> out = new ArrayList<>();
        ingestOf.forEach((fact, ingest) -> {
            Long at = seen.get(fact);
            if (at != null) {
                out.add(at - ingest);
            }
        });
        out.sort(null);
        return out;
    }

    private void write(String name, List<Long> sorted, int expected, Map<String, Object> params) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put("samples", sorted.size());
        p.put("expected", expected);
        if (sorted.isEmpty()) {
            LOG.warn("{}: no fact seen", name);
            return;
        }
        p.put("p50_ms", percentile(sorted, 0.50));
        p.put("max_ms", sorted.get(sorted.size() - 1));
        results.write(name + ".p50", "ms", percentile(sorted, 0.50), p);
        results.write(name + ".p99", "ms", percentile(sorted, 0.99), p);
        results.write(name + ".max", "ms", sorted.get(sorted.size() - 1), p);
    }

    /** The job's own audit column: triage time minus the record's timestamp, for every notification. */
    private void auditLatency(String name, String topic, Map<String, Object> params) {
        List<Long> sorted = new ArrayList<>();
        for (Map<String, Object> r : stack.local.postgres.query(
                "SELECT ingest_latency_ms AS l FROM notification_audit WHERE source = ? AND ingest_latency_ms IS NOT "
                        + "NULL ORDER BY 1", topic)) {
            sorted.add(((Number) r.get("l")).longValue());
        }
        // The warm-up's rows are included: they are few (one second's worth) and not slower once running.
        write(name, sorted, sorted.size(), params);
    }

    static long percentile(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** Reads the facts topic (read_committed) from its current end and notes when each fact id was first seen. */
    private static final class FactsWatcher implements AutoCloseable {
        private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        FactsWatcher(String bootstrap) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("isolation.level", "read_committed");
            p.put("enable.auto.commit", "false");
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition tp = new TopicPartition(LocalStack.FACTS_TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.currentTimeMillis();
                            if (r.key() != null) {
                                firstSeen.putIfAbsent(new String(r.key(), StandardCharsets.UTF_8), now);
                            }
                        }
                    }
                }
            }, "facts-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Long> awaitAll(List<String> facts, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!firstSeen.keySet().containsAll(facts) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            return new HashMap<>(firstSeen);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
