package dev.beacon.bench.jmh;

import dev.beacon.bench.results.BenchResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH bounds and per-record stages in one go and writes one {@link BenchResult} per benchmark to
 * {@code benchmarks/target/results/} (names in {@link #expectedNames}). Everything runs in one thread: the numbers
 * are per core.
 *
 * <pre>
 *   BoundsRunner [--full | --smoke] [--only=CLASS_REGEX] [--profile=jfr|stack] [--results=DIR]
 * </pre>
 *
 * {@code --full} (default): one fork, 4 x 1 s warm-up, 10 x 1 s measurement. JMH's error is the half-width of a
 * 99.9 % confidence interval (Student's t over the measurement iterations): with the 3 iterations used before, t is
 * 31.6 and the error was often larger than the score; with 10 it is 4.8, so the same time budget gives a bound that
 * means something. {@code --smoke}: in-process, one 200 ms iteration each, fewer distinct notifications: it checks
 * that every benchmark works, its numbers mean little. Triage runs with RSA-2048 keys only (the targets' key size;
 * RSA-4096's cost shows in the unwrap bounds). {@code --profile=jfr} records each benchmark with Flight Recorder (settings "profile")
 * into {@code target/profiles/<benchmark>/profile.jfr}; {@code --profile=stack} uses JMH's stack sampler.
 */
public final class BoundsRunner {

    /** Key sizes of the RSA bounds. */
    static final List<String> KEY_BITS = List.of("2048", "4096");

    /** Key size of triage: the targets'. */
    static final List<String> TRIAGE_KEY_BITS = List.of("2048");

    /** The share of notifications that reach the keyed stages (emergencies, as in the stream). */
    static final double KEYED_SHARE = 0.01;

    private final boolean smoke;
    private final String only;
    private final String profiler;
    private final Path results;

    BoundsRunner(boolean smoke, String only, String profiler, Path results) {
        this.smoke = smoke;
        this.only = only;
        this.profiler = profiler;
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        String only = null;
        String profiler = null;
        Path results = BenchResult.DEFAULT_DIRECTORY;
        // Maven's exec plugin passes -Dbeacon.bench.bounds.args as one argument: split it as a shell would.
        for (String arg : java.util.Arrays.stream(args).flatMap(a -> java.util.Arrays.stream(a.trim().split("\\s+")))
                .toList()) {
            if (arg.equals("--smoke")) {
                smoke = true;
            } else if (arg.equals("--full") || arg.isBlank()) {
                smoke = false;
            } else if (arg.startsWith("--only=")) {
                only = arg.substring("--only=".length());
            } else if (arg.startsWith("--profile=")) {
                profiler = arg.substring("--profile=".length());
            } else if (arg.startsWith("--results=")) {
                results = Path.of(arg.substring("--results=".length()));
            } else {
                System.err.println("usage: BoundsRunner [--full | --smoke] [--only=CLASS_REGEX] [--profile=jfr|stack] "
                        + "[--results=DIR]");
                System.exit(2);
            }
        }
        List<BenchResult> written = new BoundsRunner(smoke, only, profiler, results).run();
        System.out.println("Wrote " + written.size() + " results to " + results.toAbsolutePath());
    }

    /** Runs every benchmark and writes its result; returns what was written. */
    public List<BenchResult> run() throws RunnerException {
        List<String> providers = RsaProviders.available();
        List<RunResult> runs = new ArrayList<>();
        runs.addAll(run(RsaUnwrapBenchmark.class, Map.of("provider", providers, "keyBits", KEY_BITS)));
        runs.addAll(run(JacksonBenchmark.class, Map.of()));
        runs.addAll(run(TriageBenchmark.class, Map.of("keyBits", TRIAGE_KEY_BITS,
                "records", List.of(smoke ? "100" : "400"))));
        runs.addAll(run(AfterDecryptionBenchmark.class, Map.of("records", List.of(smoke ? "100" : "400"))));

        List<BenchResult> written = new ArrayList<>();
        Map<String, Double> scores = new TreeMap<>();
        for (RunResult run : runs) {
            BenchResult result = toResult(run);
            result.write(results);
            written.add(result);
            scores.put(result.name(), perCpuSecondOrScore(result));
        }
        BenchResult perNotification = afterDecryptionPerNotification(scores);
        if (perNotification != null) {
            perNotification.write(results);
            written.add(perNotification);
        }
        return written;
    }

    private Collection<RunResult> run(Class<?> benchmark, Map<String, List<String>> params) throws RunnerException {
        if (only != null && !benchmark.getSimpleName().matches(".*(" + only + ").*")) {
            return List.of();
        }
        String include = "\\." + benchmark.getSimpleName() + "\\.";
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .threads(1)
                .shouldFailOnError(true)
                .timeUnit(TimeUnit.SECONDS)
                .jvmArgsAppend("-Xmx1g");
        params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        options.addProfiler(CpuTimeProfiler.class);
        if (smoke) {
            options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200));
        } else {
            options.forks(1).warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(10).measurementTime(TimeValue.seconds(1));
        }
        if (profiler != null) {
            options.addProfiler(profiler, profiler.equals("jfr")
                    ? "dir=" + results.resolveSibling("profiles").toAbsolutePath() + ";configName=profile"
                    : "");
        }
        return new Runner(options.build()).run();
    }

    /** {@code jmh.<Class without "Benchmark">.<method>[.<param value>...]}, params in name order, without "records". */
    static String resultName(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        String[] parts = benchmark.split("\\.");
        String type = parts[parts.length - 2].replace("Benchmark", "");
        StringBuilder name = new StringBuilder("jmh.").append(type).append('.').append(parts[parts.length - 1]);
        for (String key : new TreeMap<>(paramsOf(params)).keySet()) {
            if (!key.equals("records")) {
                name.append('.').append(params.getParam(key));
            }
        }
        return name.toString();
    }

    /** The names a run writes, for the smoke test and the report. */
    public static List<String> expectedNames(List<String> providers, boolean smoke) {
        List<String> names = new ArrayList<>();
        for (String bits : KEY_BITS) {
            for (String provider : providers) {
                names.add("jmh.RsaUnwrap.unwrap." + bits + "." + provider);
            }
        }
        names.add("jmh.Jackson.readNotification");
        names.add("jmh.Jackson.readChatMessage");
        for (String bits : TRIAGE_KEY_BITS) {
            names.add("jmh.Triage.operator." + bits);
            names.add("jmh.Triage.classes." + bits);
        }
        names.add("jmh.AfterDecryption.triage");
        names.add("jmh.AfterDecryption.dedup");
        names.add("jmh.AfterDecryption.dedupNew");
        names.add("jmh.AfterDecryption.callerCalls");
        names.add(PER_NOTIFICATION);
        return names;
    }

    static final String PER_NOTIFICATION = "jmh.AfterDecryption.perNotification";

    private BenchResult toResult(RunResult run) {
        BenchmarkParams params = run.getParams();
        Map<String, String> described = new LinkedHashMap<>(paramsOf(params));
        described.put("benchmark", params.getBenchmark());
        described.put("threads", Integer.toString(params.getThreads()));
        described.put("run", smoke ? "smoke" : "full");
        double error = run.getPrimaryResult().getScoreError();
        double score = run.getPrimaryResult().getScore();
        described.put("error", Double.isNaN(error) ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", error));
        described.put("error_pct", Double.isNaN(error) || score <= 0 ? "n/a"
                : String.format(java.util.Locale.ROOT, "%.1f", 100 * error / score));
        described.put("iterations", params.getMeasurement().getCount() + " x " + params.getMeasurement().getTime());
        perCpuSecond(run, described);
        return BenchResult.of(resultName(params), run.getPrimaryResult().getScoreUnit(),
                run.getPrimaryResult().getScore(), described);
    }

    /**
     * Operations per CPU-second: each measurement iteration's score over the cores the JVM got in it
     * ({@link CpuTimeProfiler}), their mean ({@code per_cpu_s}), its 99.9 % error as a share, and the mean cores
     * ({@code cpu_cores}). Absent when the profiler did not run (in-process smoke runs measure it too).
     */
    private static void perCpuSecond(RunResult run, Map<String, String> described) {
        org.openjdk.jmh.util.ListStatistics perCpu = new org.openjdk.jmh.util.ListStatistics();
        org.openjdk.jmh.util.ListStatistics cores = new org.openjdk.jmh.util.ListStatistics();
        for (var benchmark : run.getBenchmarkResults()) {
            for (var iteration : benchmark.getIterationResults()) {
                var c = iteration.getSecondaryResults().get(CpuTimeProfiler.CORES);
                if (c != null && c.getScore() > 0.01) {
                    cores.addValue(c.getScore());
                    perCpu.addValue(iteration.getPrimaryResult().getScore() / c.getScore());
                }
            }
        }
        if (perCpu.getN() == 0) {
            return;
        }
        described.put("cpu_cores", String.format(java.util.Locale.ROOT, "%.2f", cores.getMean()));
        described.put("per_cpu_s", String.format(java.util.Locale.ROOT, "%.1f", perCpu.getMean()));
        double error = perCpu.getN() > 1 ? perCpu.getMeanErrorAt(0.999) : Double.NaN;
        described.put("per_cpu_s_error_pct", Double.isNaN(error) ? "n/a"
                : String.format(java.util.Locale.ROOT, "%.1f", 100 * error / perCpu.getMean()));
    }

    /**
     * Everything after decryption per notification, per CPU-second: all of them go through triage (decryption
     * excluded), the emergencies ({@link #KEYED_SHARE}) also through deduplication and the correlator's decision.
     */
    private static BenchResult afterDecryptionPerNotification(Map<String, Double> scores) {
        Double triage = scores.get("jmh.AfterDecryption.triage");
        Double dedup = scores.get("jmh.AfterDecryption.dedupNew");
        Double calls = scores.get("jmh.AfterDecryption.callerCalls");
        if (triage == null || dedup == null || calls == null) {
            return null;
        }
        double secondsPerNotification = 1 / triage + KEYED_SHARE * (1 / dedup + 1 / calls);
        return BenchResult.of(PER_NOTIFICATION, "notifications/s", 1 / secondsPerNotification, Map.of(
                "derived", "1 / (1/triage + " + KEYED_SHARE + " x (1/dedupNew + 1/callerCalls)), each per CPU-second",
                "per_cpu_s", String.format(java.util.Locale.ROOT, "%.1f", 1 / secondsPerNotification),
                "threads", "1"));
    }

    /** A result's operations per CPU-second when measured, else its score. */
    static double perCpuSecondOrScore(BenchResult result) {
        String perCpu = result.params().get("per_cpu_s");
        return perCpu == null ? result.value() : Double.parseDouble(perCpu);
    }

    private static Map<String, String> paramsOf(BenchmarkParams params) {
        Map<String, String> out = new TreeMap<>();
        for (String key : params.getParamsKeys()) {
            out.put(key, params.getParam(key));
        }
        return out;
    }
}
