package dev.beacon.bench.system;

import dev.beacon.bench.results.BenchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the system benchmarks of issue 9 on real components and writes each result as JSON under
 * {@code benchmarks/target/results} (or {@code --out=DIR}), for {@code BenchmarkReport}:
 *
 * <ul>
 *   <li>the whole job in replay mode and from Kafka to PostgreSQL and Kafka, at parallelism 1 and 2
 *       ({@code system.replay.p1} ...), over {@code --records} encrypted notifications (RSA-2048, 1 % emergencies,
 *       5 % redeliveries);
 *   <li>ingest-to-fact latency at fixed rates ({@code --rates}, each for {@code --latency-seconds}) in at-least-once
 *       and exactly-once modes ({@code system.latency.alo.1000.postgres.p99} ...);
 *   <li>the baseline: a plain consumer loop over the same Kafka input ({@code system.baseline}).
 * </ul>
 *
 * {@code --smoke}: 300 records, 2 s at 50/s: checks that everything works, measures nothing worth reporting.
 */
public final class SystemBenchRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SystemBenchRunner.class);

    public static final Path DEFAULT_OUT = BenchResult.DEFAULT_DIRECTORY;

    /** The run's settings; see the class comment. */
    public record Settings(int records, List<Integer> rates, int latencySeconds, double latencyEmergencyShare,
            Duration checkpointInterval, Duration throughputCheckpointInterval, boolean profile,
            boolean throughputOnly, Path out) {

        public static Settings parse(String... args) {
            Map<String, String> a = new HashMap<>();
            // Maven's exec plugin passes -Dbeacon.bench.system.args as one argument: split it as a shell would.
            for (String arg : Arrays.stream(args).flatMap(x -> Arrays.stream(x.trim().split("\\s+"))).toList()) {
                if (arg.isBlank()) {
                    continue;
                }
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + arg + " (use --name=value)");
                }
                int eq = arg.indexOf('=');
                a.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
            }
            boolean smoke = Boolean.parseBoolean(a.getOrDefault("smoke", "false"));
            return new Settings(
                    Integer.parseInt(a.getOrDefault("records", smoke ? "300" : "30000")),
                    Arrays.stream(a.getOrDefault("rates", smoke ? "50" : "100,1000").split(","))
                            .map(String::trim).map(Integer::parseInt).toList(),
                    Integer.parseInt(a.getOrDefault("latency-seconds", smoke ? "2" : "30")),
                    Double.parseDouble(a.getOrDefault("latency-emergency-share", "0.1")),
                    Duration.ofMillis(Long.parseLong(a.getOrDefault("checkpoint-interval-ms", "1000"))),
                    Duration.ofMillis(Long.parseLong(a.getOrDefault("throughput-checkpoint-interval-ms", "10000"))),
                    Boolean.parseBoolean(a.getOrDefault("profile", smoke ? "false" : "true")),
                    Boolean.parseBoolean(a.getOrDefault("throughput-only", "false")),
                    Path.of(a.getOrDefault("out", DEFAULT_OUT.toString())));
        }
    }

    public static void main(String[] args) throws Exception {
        run(Settings.parse(args));
        // Kafka's and Flink's non-daemon threads may linger after close.
        System.exit(0);
    }

    /** Runs every system benchmark; results land in {@code settings.out()}. */
    public static void run(Settings settings) throws Exception {
        ResultFiles results = new ResultFiles(settings.out());
        Path dir = Files.createTempDirectory("beacon-bench-");
        LOG.info("system benchmarks: {}", settings);
        try (BenchStack stack = BenchStack.start(dir)) {
            ThroughputBench throughput = new ThroughputBench(stack, results,
                    settings.throughputCheckpointInterval());
            Workload workload = Workload.generate(stack.stream, "throughput", settings.records(), 0.01, 0.05);
            String topic = "bench-in-throughput";
            int partitions = 2;
            stack.publish(topic, partitions, workload);
            for (int parallelism : List.of(1, 2)) {
                throughput.replay(workload, parallelism);
                throughput.kafka(topic, partitions, workload, parallelism, Optional.empty());
            }
            if (settings.profile()) {
                profileKafka(throughput, topic, partitions, workload, settings.out());
            }
            if (settings.throughputOnly()) {
                return;
            }
            BaselineConsumer.measure(stack, results, topic, workload);

            LatencyBench latency = new LatencyBench(stack, results);
            for (String guarantee : List.of("at-least-once", "exactly-once")) {
                for (int rate : settings.rates()) {
                    latency.run(guarantee, rate, settings.latencySeconds(), settings.latencyEmergencyShare(), 2,
                            settings.checkpointInterval());
                }
            }
        } finally {
            // Capture files, checkpoints and secrets of the run: nothing to keep.
            org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile());
        }
        LOG.info("system benchmark results in {}", settings.out().toAbsolutePath());
    }

    /**
     * The Kafka run at parallelism 2 once more, under Flight Recorder (its figures are not the measured ones):
     * the recording in {@code target/profiles/}, its summary ({@link JfrProfile#summarize}) as
     * {@link #KAFKA_PROFILE} in the results for the report.
     */
    private static void profileKafka(ThroughputBench throughput, String topic, int partitions, Workload workload,
            Path out) throws Exception {
        Path jfr = out.toAbsolutePath().resolveSibling("profiles").resolve("system.kafka.p2.jfr");
        throughput.kafka(topic, partitions, workload, 2, Optional.of(jfr));
        Files.createDirectories(out);
        Files.writeString(out.resolve(KAFKA_PROFILE), JfrProfile.summarize(jfr, 8, 5));
        LOG.info("profile of the Kafka run at parallelism 2: {}, summary in {}", jfr, out.resolve(KAFKA_PROFILE));
    }

    /** The profile summary of the Kafka run at parallelism 2, next to the JSON results. */
    public static final String KAFKA_PROFILE = "profile.system.kafka.p2.md";
}
