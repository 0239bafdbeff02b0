package dev.beacon.bench.report;

import dev.beacon.bench.results.BenchResult;
import dev.beacon.bench.results.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The one report writer of the benchmarks: reads every result of a run ({@code benchmarks/target/results/*.json}:
 * the JMH bounds and stages, the system runs) and rewrites {@code docs/benchmarks.md}: its own section ("## Pipeline
 * ...", replaced), after the file's introduction, before every other "## " section, kept verbatim (the webhook
 * ingress's, written by {@code bench/ingress.sh}; hand-written readings of the results). Every figure is set against a
 * bound measured in the same run; missing results show as "–".
 *
 * <pre>
 *   BenchmarkReport [--results=DIR] [--out=FILE] [--command=TEXT]
 * </pre>
 */
public final class BenchmarkReport {

    /** The README's benchmark command, printed in the report. */
    public static final String COMMAND = "./mvnw -B -Pbench -pl benchmarks -am -DskipTests clean package";

    static final String PIPELINE_HEADING = "## Pipeline: bounds, whole job, latency, backlog, baseline";

    private final Results results;
    private final String command;

    BenchmarkReport(Results results, String command) {
        this.results = results;
        this.command = command;
    }

    public static void main(String[] args) throws IOException {
        Path resultsDir = BenchResult.DEFAULT_DIRECTORY;
        Path out = Path.of("docs", "benchmarks.md");
        String command = COMMAND;
        for (String arg : args) {
            if (arg.startsWith("--results=")) {
                resultsDir = Path.of(arg.substring("--results=".length()));
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else if (arg.startsWith("--command=")) {
                command = arg.substring("--command=".length());
            } else if (!arg.isBlank()) {
                System.err.println("usage: BenchmarkReport [--results=DIR] [--out=FILE] [--command=TEXT]");
                System.exit(2);
            }
        }
        Results results = Results.load(resultsDir);
        write(results, command, out);
        System.out.println("Wrote " + out.toAbsolutePath() + " from " + results.size() + " results in "
                + resultsDir.toAbsolutePath());
    }

    /** Rewrites {@code file}: its introduction, the pipeline section from {@code results}, its other sections. */
    public static void write(Results results, String command, Path file) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String others = ExistingSections.allExcept(existing, PIPELINE_HEADING);
        String report = ExistingSections.introduction(existing)
                + new BenchmarkReport(results, command).pipeline()
                + others;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, report, StandardCharsets.UTF_8);
    }

    String pipeline() {
        Markdown md = new Markdown();
        md.line(PIPELINE_HEADING).blank();
        md.line("Issue 9: what Beacon does with encrypted chatMessage notifications, set against the bounds of the same "
                + "run (RSA-OAEP unwraps per core, Jackson, triage per core). Written by `BenchmarkReport` from "
                + results.size() + " results" + span() + ".").blank();
        command(md);
        machine(md);
        targets(md);
        bounds(md);
        wholeJob(md);
        latency(md);
        backlog(md);
        baseline(md);
        return md.toString();
    }

    private String span() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
        return results.earliest().map(e -> ", measured " + f.format(e) + "–"
                + DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(results.latest().orElse(e))
                + " UTC").orElse(" (none found: run the command below)");
    }

    private void command(Markdown md) {
        md.line("### Command").blank();
        md.line("```bash");
        md.line(command + "   # bounds (JMH), then SystemBenchRunner, then this report");
        md.line("```").blank();
        md.line("`SystemBenchRunner` (package `dev.beacon.bench.system`) runs everything on real components in one "
                + "JVM: an in-process KRaft Kafka broker, embedded PostgreSQL with Beacon's schema, and a Flink "
                + "MiniCluster (one slot per core, at least two) with Beacon's runtime settings (RocksDB, incremental "
                + "checkpoints). Its input: " + param("system.replay.p1", "records", "N")
                + " Graph collections of one `created` rich chatMessage notification each, encrypted for the job's "
                + "RSA-2048 certificate; 1 % emergency calls (each a new call, so one fact), 5 % redeliveries. Sizes: "
                + "`-Dbeacon.bench.system.args=\"--records=30000 --rates=100,1000 --latency-seconds=30\"` (the "
                + "defaults; `--throughput-only` stops after the whole-job runs, `--profile=false` skips the "
                + "profiled one); `--smoke` is the CI version (300 records, 2 s at 50/s), which measures nothing "
                + "worth reporting.").blank();
    }

    private void machine(Markdown md) {
        Machine m = results.machine();
        md.line("### Machine").blank();
        md.line("- CPU: " + m.cpu() + ", " + m.cores() + " cores available to the JVM");
        md.line("- JDK: " + m.jdk());
        md.line("- OS: " + m.os());
        memory().ifPresent(mem -> md.line("- Memory: " + mem));
        var loads = results.withPrefix("system.").stream().map(r -> r.params().get("load_average"))
                .filter(l -> l != null && !l.isBlank()).mapToDouble(l -> Double.parseDouble(l.split(" ")[0]))
                .summaryStatistics();
        md.line("- Load average (1 min) when the system results were written: " + (loads.getCount() == 0 ? "–"
                        : String.format(java.util.Locale.ROOT, "%.1f–%.1f", loads.getMin(), loads.getMax()))
                + " (the machine may be shared: compare ratios, not absolute figures)");
        md.line("- Report written " + DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS))).blank();
    }

    private void targets(Markdown md) {
        md.line("### Targets").blank();
        md.header(List.of("target", "measured", "bound", "ratio", "required", "status"), 3);
        for (Targets.Verdict v : Targets.judge(results)) {
            md.row(v.target(), v.measured(), v.bound(), Markdown.ratio(v.ratio()), v.required(), v.status());
        }
        md.blank();
    }

    private void bounds(Markdown md) {
        md.line("### Bounds and per-record stages (JMH, one thread: per core)").blank();
        Optional<Double> rsa2048 = results.fastestRsa(2048).map(Results::perCore);
        String iterations = results.withPrefix("jmh.").stream().map(r -> r.params().get("iterations"))
                .filter(i -> i != null).findFirst().orElse("the");
        md.line("Each a JMH throughput score in one thread, one fork after its warm-up, the mean of " + iterations
                + " measurement iterations; ± is JMH's error, the half-width of the 99.9 % confidence interval of "
                + "that mean (Student's t), as a share of the score. The score counts operations per wall second, so "
                + "it falls when other work on a shared machine takes the core; **cores** is how much CPU the "
                + "benchmark's JVM got meanwhile (its CPU time over the wall time, `CpuTimeProfiler`) and **per "
                + "CPU-second** each iteration's score over it (mean, and its 99.9 % error): per core, what the "
                + "targets use. `perNotification` is derived from the three stages above it, per CPU-second (see "
                + "`BoundsRunner`).").blank();
        md.header(List.of("measurement", "score", "unit", "± %", "cores", "per CPU-second", "± %",
                "ratio to fastest RSA-2048 unwrap"), 1);
        List<BenchResult> jmh = results.withPrefix("jmh.");
        for (BenchResult r : jmh) {
            String perCpu = r.params().getOrDefault("per_cpu_s", "");
            md.row("`" + r.name() + "`", Markdown.count(r.value()), r.unit(),
                    r.params().getOrDefault("error_pct", "").replace("n/a", ""),
                    r.params().getOrDefault("cpu_cores", ""),
                    perCpu.isBlank() ? "" : Markdown.count(Double.parseDouble(perCpu)),
                    r.params().getOrDefault("per_cpu_s_error_pct", "").replace("n/a", ""),
                    Markdown.ratio(rsa2048.map(b -> Results.perCore(r) / b)));
        }
        if (jmh.isEmpty()) {
            md.row("(no JMH results: run the command)", "–", "", "", "", "", "", "–");
        }
        md.blank();
    }

    private void wholeJob(Markdown md) {
        md.line("### Whole job").blank();
        md.line("Bounded input of " + param("system.kafka.p1", "records", "N") + " notifications; checkpoints every "
                + param("system.kafka.p1", "checkpoint_interval_s", "10") + " s (the job's default). Replay: "
                + "capture file in, JSON Lines facts and audit out. Kafka: a "
                + param("system.kafka.p1", "input_partitions", "2") + "-partition topic in, PostgreSQL (facts, "
                + "audit, dead letters) and Kafka (facts, dead letters, lifecycle, hydration) out, at-least-once. "
                + "Each run is timed two ways. **wall**: notifications over the time from submitting the job to its "
                + "end, which holds a fixed cost a long-running job does not pay (deploying the tasks before the "
                + "first notification; at the end of a bounded input, the final checkpoint the sinks commit on and "
                + "the shutdown). **steady**: from the job's own audit rows (`processed_at`, one per notification), "
                + "the notifications between the 10th and the 90th percentile of their processing instants over that "
                + "time; the targets are judged on it. startup: submission to the first notification processed; "
                + "processing: first to last; ramp: what the processing took beyond the steady rate (warm-up, "
                + "stragglers); tail: last to the end of the job; fixed cost: wall time minus notifications at the "
                + "steady rate (startup + ramp + tail). CPU: seconds of CPU used during the run by this JVM (job, "
                + "in-process Kafka broker, benchmark), by PostgreSQL (postmaster and backends, Kafka runs only) and "
                + "by everything else on the machine, against cores × wall seconds available; the next column divides "
                + "the notifications by the CPU-seconds the run's own processes used, start-up included, and sets "
                + "that against triage per core: how much of the CPU it got the job spends beyond triage.").blank();
        Optional<Double> triage = results.triagePerCore(2048);
        md.header(List.of("run", "parallelism", "wall n/s", "steady n/s", "steady per slot",
                "steady / (p × triage per core)", "startup ms", "processing ms", "ramp ms", "tail ms", "fixed cost ms",
                "CPU s: JVM / PostgreSQL / other / available", "n per CPU-s used / triage per core", "facts"), 1);
        for (String mode : List.of("replay", "kafka")) {
            for (int p : List.of(1, 2)) {
                String name = "system." + mode + ".p" + p;
                Optional<Double> v = results.value(name);
                Optional<Double> steady = results.steady(name);
                md.row(mode, p, Markdown.count(v), Markdown.count(steady), Markdown.count(steady.map(x -> x / p)),
                        Markdown.ratio(steady.flatMap(x -> triage.map(t -> x / (p * t)))),
                        results.param(name, "startup_ms"), results.param(name, "processing_ms"),
                        results.param(name, "ramp_ms"), results.param(name, "tail_ms"),
                        results.param(name, "fixed_cost_ms"), cpu(name),
                        Markdown.ratio(perCpuSecondUsed(name).flatMap(x -> triage.map(t -> x / t))),
                        results.param(name, "facts"));
            }
        }
        md.blank();
        results.kafkaProfile().ifPresent(profile -> {
            String name = "system.kafka.p2.profiled";
            md.line("#### Profile of the Kafka run at parallelism 2").blank();
            md.line("The same Kafka run at parallelism 2 once more under Flight Recorder (settings `profile`, "
                    + "sampling every 5 ms; recording in `benchmarks/target/profiles/system.kafka.p2.jfr`): wall "
                    + Markdown.count(results.value(name)) + " n/s, steady " + Markdown.count(results.steady(name))
                    + " n/s, CPU s " + cpu(name) + ". Shares are of the samples of the kind named; \"A ← B\" is "
                    + "a top frame A outside Beacon called from Beacon's B. Inspect it with `jfr print --events "
                    + "jdk.ExecutionSample` or `jfr summary`.").blank();
            md.line(profile.strip()).blank();
        });
    }

    /**
     * Notifications per CPU-second the run's own processes used (the JVM, and PostgreSQL for Kafka runs), start-up
     * included: what the job does with the CPU it got, whatever the others' load left it.
     */
    private Optional<Double> perCpuSecondUsed(String name) {
        try {
            double jvm = Double.parseDouble(results.param(name, "cpu_jvm_s"));
            String pgText = results.param(name, "cpu_postgres_s");
            double pg = pgText.isBlank() ? 0 : Math.max(0, Double.parseDouble(pgText));
            double records = Double.parseDouble(results.param(name, "records"));
            return jvm + pg > 0 ? Optional.of(records / (jvm + pg)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String cpu(String name) {
        List<String> keys = List.of("cpu_jvm_s", "cpu_postgres_s", "cpu_other_s", "cpu_available_s");
        List<String> values = keys.stream().map(k -> results.param(name, k))
                .map(v -> v.isBlank() || v.startsWith("-") ? "–" : v).toList();
        return values.stream().allMatch(v -> v.equals("–")) ? "–" : String.join(" / ", values);
    }

    private void latency(Markdown md) {
        md.line("### Latency ingest-to-fact").blank();
        md.line("Open-loop load: record i is due at start + i/rate and carries that instant as its Kafka timestamp "
                + "(ingest), so stalls show as latency. Parallelism 2, 2 input partitions, " + percent(
                        param(firstLatency(), "emergency_share", "0.1")) + " emergencies (one fact each, one sample "
                + "each), after a warm-up. **postgres**: the fact's row inserted (`clock_timestamp()` of the insert); "
                + "**kafka**: first seen on the facts topic by a `read_committed` consumer; **audit**: the job's own "
                + "`ingest_latency_ms` of every notification (triage time, not the fact's). With exactly-once, Kafka "
                + "facts become visible when the checkpoint commits, so their latency follows the checkpoint "
                + "interval shown.").blank();
        md.header(List.of("guarantee", "rate /s", "achieved /s", "where", "p50 ms", "p99 ms", "max ms", "samples",
                "checkpoint interval ms"), 1);
        for (BenchResult p99 : results.withPrefix("system.latency.")) {
            if (!p99.name().endsWith(".p99")) {
                continue;
            }
            String base = p99.name().substring(0, p99.name().length() - ".p99".length());
            String[] parts = base.split("\\.");
            md.row(p99.params().getOrDefault("guarantee", parts[2]), parts[3],
                    p99.params().getOrDefault("achieved_rate", ""), parts[4],
                    Markdown.millis(results.value(base + ".p50")), Markdown.millis(Optional.of(p99.value())),
                    Markdown.millis(results.value(base + ".max")), p99.params().getOrDefault("samples", "") + " / "
                            + p99.params().getOrDefault("expected", ""),
                    p99.params().getOrDefault("checkpoint_interval_ms", ""));
        }
        md.blank();
    }

    private void backlog(Markdown md) {
        new BacklogSection(results).write(md);
    }

    private void baseline(Markdown md) {
        md.line("### Baseline: what a user might write instead").blank();
        Optional<Double> base = results.value("system.baseline");
        md.line("One thread: a plain `KafkaConsumer` loop over the same 2-partition topic that checks clientState, "
                + "decrypts with the JDK provider, detects with the job's `EmergencyDetector` and INSERTs each "
                + "emergency into PostgreSQL with JDBC (idempotent on the message), committing offsets after each "
                + "poll. It keeps no dedup or correlation state, no audit trail and no dead letters: less work than "
                + "Beacon.").blank();
        md.header(List.of("run", "wall n/s", "ratio to baseline", "steady n/s", "ratio to baseline"), 1);
        md.row("baseline (1 thread)", Markdown.count(base), base.isPresent() ? "1.00" : "–", "", "");
        for (String name : List.of("system.kafka.p1", "system.kafka.p2", "system.replay.p1", "system.replay.p2")) {
            Optional<Double> v = results.value(name);
            Optional<Double> steady = results.steady(name);
            md.row("Beacon " + name.substring("system.".length()), Markdown.count(v),
                    Markdown.ratio(v.flatMap(x -> base.map(b -> x / b))), Markdown.count(steady),
                    Markdown.ratio(steady.flatMap(x -> base.map(b -> x / b))));
        }
        md.blank();
    }

    /** Total memory from /proc/meminfo (Linux), e.g. "23.4 GB". */
    private static Optional<String> memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Optional.of(String.format(java.util.Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: leave it out.
        }
        return Optional.empty();
    }

    private String firstLatency() {
        return results.withPrefix("system.latency.").stream().map(BenchResult::name).findFirst().orElse("");
    }

    private String param(String name, String key, String fallback) {
        String v = results.param(name, key);
        return v.isBlank() ? fallback : v;
    }

    private static String percent(String share) {
        try {
            return Math.round(Double.parseDouble(share) * 100) + " %";
        } catch (NumberFormatException e) {
            return share;
        }
    }
}
