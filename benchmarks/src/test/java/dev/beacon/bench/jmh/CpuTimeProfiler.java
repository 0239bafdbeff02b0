package dev.beacon.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * How many cores the benchmark's JVM got in each iteration: its CPU time over the wall time
 * ({@value #CORES}). On a quiet machine a one-thread benchmark gets about one; on a machine shared with other work it
 * gets less, and its score (operations per wall second) falls with it. {@code BoundsRunner} divides each iteration's
 * score by it: operations per CPU-second, what "per core" means, and much less sensitive to the others' load.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    public static final String CORES = "cpu.cores";

    private long wallStart;
    private long cpuStart;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark JVM over wall time, per iteration";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        wallStart = System.nanoTime();
        cpuStart = cpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        double cores = (cpuNanos() - cpuStart) / (double) Math.max(1, System.nanoTime() - wallStart);
        return List.of(new ScalarResult(CORES, cores, "cores", AggregationPolicy.AVG));
    }

    private static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}
