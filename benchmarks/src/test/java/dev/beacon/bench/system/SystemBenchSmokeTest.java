package dev.beacon.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bench.report.BenchmarkReport;
import dev.beacon.bench.report.Results;
import dev.beacon.bench.results.BenchResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's small version of the system benchmarks: {@link SystemBenchRunner} {@code --smoke} on the real components,
 * then {@link BenchmarkReport} into a temporary copy of docs/benchmarks.md. It checks that every part runs, writes its
 * results and shows up in the report, and that the webhook ingress section survives verbatim; never how fast anything
 * was. The timeout only stops a hung run.
 */
class SystemBenchSmokeTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySystemBenchmarkRunsAndTheReportHasEverySection() throws Exception {
        Path results = dir.resolve("results");
        SystemBenchRunner.run(SystemBenchRunner.Settings.parse("--smoke", "--out=" + results));

        List<String> expected = new ArrayList<>();
        for (String mode : List.of("replay", "kafka")) {
            expected.add("system." + mode + ".p1");
            expected.add("system." + mode + ".p2");
            expected.add("system." + mode + ".p1.steady");
            expected.add("system." + mode + ".p2.steady");
        }
        expected.add("system.baseline");
        for (String guarantee : List.of("alo", "eo")) {
            for (String where : List.of("postgres", "kafka", "audit")) {
                for (String stat : List.of("p50", "p99", "max")) {
                    expected.add("system.latency." + guarantee + ".50." + where + "." + stat);
                }
            }
        }
        for (String name : expected) {
            assertThat(results.resolve(name + ".json")).as(name).exists();
        }
        // Every emergency became exactly one fact, whatever the parallelism or the way in.
        for (String run : List.of("system.replay.p1", "system.replay.p2", "system.kafka.p1", "system.kafka.p2")) {
            BenchResult r = BenchResult.read(results.resolve(run + ".json"));
            assertThat(r.params()).containsEntry("facts", r.params().get("emergencies")).containsEntry("records", "300")
                    .containsEntry("audit_rows", "300");
            assertThat(r.value()).isPositive();
        }
        assertThat(BenchResult.read(results.resolve("system.baseline.json")).params())
                .containsEntry("emergencies_stored", "3");
        BenchResult p99 = BenchResult.read(results.resolve("system.latency.alo.50.postgres.p99.json"));
        assertThat(p99.params().get("samples")).isEqualTo(p99.params().get("expected")).isEqualTo("10");

        Path docs = Path.of("..", "docs", "benchmarks.md");
        Path report = dir.resolve("benchmarks.md");
        String existing = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
        Files.writeString(report, existing, StandardCharsets.UTF_8);
        BenchmarkReport.write(Results.load(results), BenchmarkReport.COMMAND, report);

        String written = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(written).startsWith("# Benchmarks").contains(
                "## Pipeline: bounds, whole job, latency, backlog, baseline", "### Command", BenchmarkReport.COMMAND,
                "### Machine", "### Targets", "### Bounds and per-record stages", "### Whole job",
                "### Latency ingest-to-fact", "### Backlog", "### Baseline");
        assertThat(written).contains("| replay | 2 |", "| kafka | 1 |", "Event Hubs egress, 1 throughput unit",
                "baseline (1 thread)", "p99 ingest-to-row at 1,000 notifications/s");
        int ingress = existing.indexOf("## Webhook ingress");
        if (ingress >= 0) {
            assertThat(written).endsWith(existing.substring(ingress));
        }
    }
}
