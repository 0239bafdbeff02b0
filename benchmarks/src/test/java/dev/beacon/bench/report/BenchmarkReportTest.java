package dev.beacon.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bench.results.BenchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report keeps what it does not own verbatim, replaces its own section, and judges targets from the results. */
class BenchmarkReportTest {

    static final String EXISTING = """
            # Benchmarks

            Intro text.

            ## Webhook ingress

            | a | b |
            |---|---|
            | 1 | 2 |

            ## Pipeline: reading it

            Hand-written notes.
            """;

    @TempDir
    Path dir;

    @Test
    void rewritingKeepsTheIntroductionAndOtherSectionsAndReplacesItsOwn() throws Exception {
        Path file = Files.writeString(dir.resolve("benchmarks.md"), EXISTING);
        Path results = dir.resolve("results");
        BenchResult.of("system.replay.p2", "notifications/s", 1500, Map.of("facts", "3")).write(results);
        BenchResult.of("system.replay.p2.steady", "notifications/s", 1600, Map.of("facts", "3")).write(results);

        BenchmarkReport.write(Results.load(results), "cmd", file);
        BenchmarkReport.write(Results.load(results), "cmd", file);

        String written = Files.readString(file);
        assertThat(written).startsWith("# Benchmarks\n\nIntro text.\n\n" + BenchmarkReport.PIPELINE_HEADING + "\n");
        assertThat(written.split(BenchmarkReport.PIPELINE_HEADING + "\n", -1)).hasSize(2);
        assertThat(written).endsWith("\n## Webhook ingress\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                + "## Pipeline: reading it\n\nHand-written notes.\n");
        assertThat(written).contains("| replay | 2 | 1,500 | 1,600 | 800 |").doesNotContain("\n\n\n");
    }

    @Test
    void targetsAreJudgedAgainstBoundsOfTheSameResults() {
        Results results = new Results(Map.of(
                "jmh.RsaUnwrap.unwrap.2048.SunJCE", result("jmh.RsaUnwrap.unwrap.2048.SunJCE", 1000),
                "jmh.RsaUnwrap.unwrap.2048.ACCP", result("jmh.RsaUnwrap.unwrap.2048.ACCP", 4000),
                "jmh.Triage.operator.2048", result("jmh.Triage.operator.2048", 3000),
                "system.latency.alo.1000.postgres.p99", result("system.latency.alo.1000.postgres.p99", 1200),
                "jmh.AfterDecryption.perNotification", result("jmh.AfterDecryption.perNotification", 60000)),
                java.util.List.of());

        var verdicts = Targets.judge(results);

        assertThat(verdicts).extracting(v -> v.ratio().map(r -> Math.round(r * 100)).orElse(-1L) + " " + v.status())
                .containsExactly("75 **met**", "-1 not measured", "-1 not measured", "120 **missed**", "120 **met**");
    }

    private static BenchResult result(String name, double value) {
        return BenchResult.of(name, "ops/s", value, Map.of());
    }
}
