package dev.beacon.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bench.results.BenchResult;
import dev.beacon.bench.results.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JMH bounds and stages in their smoke version, as CI runs them in {@code ./mvnw -B verify}: every benchmark
 * runs (each checks in its setup that it measures the right path, e.g. that triage finds exactly the emergencies)
 * and writes its result. No timing is asserted: the numbers only have to exist and be positive.
 */
class BoundsSmokeTest {

    /** Apart from target/results, so that a smoke run never passes for a measurement in the report. */
    private static final Path RESULTS = BenchResult.DEFAULT_DIRECTORY.resolveSibling("results-smoke");

    @Test
    void everyBenchmarkRunsAndWritesAPositiveResult() throws Exception {
        List<BenchResult> written = new BoundsRunner(true, null, null, RESULTS).run();

        List<String> expected = BoundsRunner.expectedNames(RsaProviders.available(), true);
        assertThat(written).extracting(BenchResult::name).containsExactlyInAnyOrderElementsOf(expected);
        for (String name : expected) {
            Path file = RESULTS.resolve(name + ".json");
            assertThat(file).exists();
            BenchResult result = BenchResult.read(file);
            assertThat(result.name()).isEqualTo(name);
            assertThat(result.value()).as(name).isPositive();
            assertThat(result.unit()).as(name).isNotBlank();
            assertThat(result.machine()).isEqualTo(Machine.current());
        }
    }

    @Test
    void resultsRoundTripThroughTheirJsonFile() throws Exception {
        Path dir = Files.createTempDirectory("bench-results");
        BenchResult result = BenchResult.of("jmh.Example.op.2048", "ops/s", 1234.5,
                java.util.Map.of("provider", "SunJCE", "keyBits", "2048"));

        assertThat(BenchResult.read(result.write(dir))).isEqualTo(result);
    }
}
