package dev.beacon.bench.report;

import dev.beacon.bench.results.BenchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Issue 9's targets, each judged from results of the same run: a measured value set against its bound (or a fixed
 * limit), and whether it is met. A target whose inputs are missing is "not measured", never met.
 */
final class Targets {

    /** One target's verdict. {@code ratio} is measured/bound; {@code met} is empty when it was not measured. */
    record Verdict(String target, String measured, String bound, Optional<Double> ratio, String required,
            Optional<Boolean> met) {

        String status() {
            return met.map(m -> m ? "**met**" : "**missed**").orElse("not measured");
        }
    }

    static final double ENCRYPTED_PATH_SHARE = 0.70;
    static final double WHOLE_JOB_SHARE = 0.80;
    static final double P99_LIMIT_MS = 1_000;
    static final double AFTER_DECRYPTION_PER_CORE = 50_000;
    static final String P99_ALO_1000 = "system.latency.alo.1000.postgres.p99";

    private Targets() {}

    static List<Verdict> judge(Results results) {
        int cores = results.machine().cores();
        List<Verdict> out = new ArrayList<>();
        Optional<BenchResult> rsa = results.fastestRsa(2048);
        Optional<Double> triage = results.triagePerCore(2048);
        out.add(shareOf("Encrypted path (triage per core, RSA-2048) vs the fastest RSA-2048 unwrap per core",
                triage, rsa.map(Results::perCore), rsa.map(r -> "fastest RSA-2048 unwrap ("
                        + r.params().getOrDefault("provider", r.name()) + ")").orElse("fastest RSA-2048 unwrap"),
                ENCRYPTED_PATH_SHARE));

        String wholeJob = "system.replay.p" + Math.min(cores, 2);
        Optional<Double> job = results.steady(wholeJob);
        out.add(shareOf("Whole job, steady rate (replay, parallelism " + Math.min(cores, 2)
                        + ") vs cores × triage per core",
                job, triage.map(t -> t * Math.min(cores, 2)), Math.min(cores, 2) + " × triage per core",
                WHOLE_JOB_SHARE));
        Optional<Double> kafka = results.steady("system.kafka.p" + Math.min(cores, 2));
        out.add(shareOf("Whole job, steady rate (Kafka → PostgreSQL + Kafka, parallelism " + Math.min(cores, 2)
                        + ") vs cores × triage per core",
                kafka, triage.map(t -> t * Math.min(cores, 2)), Math.min(cores, 2) + " × triage per core",
                WHOLE_JOB_SHARE));

        Optional<Double> p99 = results.value(P99_ALO_1000);
        out.add(new Verdict("p99 ingest-to-row at 1,000 notifications/s, at-least-once",
                p99.map(v -> Markdown.millis(Optional.of(v)) + " ms").orElse("–"), "1,000 ms",
                p99.map(v -> v / P99_LIMIT_MS), "< 1 s", p99.map(v -> v < P99_LIMIT_MS)));

        Optional<Double> after = results.afterDecryptionPerCore();
        out.add(new Verdict("Everything after decryption, per core",
                after.map(v -> Markdown.count(v) + " n/s").orElse("–"), "50,000 n/s",
                after.map(v -> v / AFTER_DECRYPTION_PER_CORE), "≥ 1.00", after.map(v -> v >= AFTER_DECRYPTION_PER_CORE)));
        return out;
    }

    private static Verdict shareOf(String target, Optional<Double> measured, Optional<Double> bound, String boundName,
            double required) {
        Optional<Double> ratio = measured.flatMap(m -> bound.map(b -> m / b));
        return new Verdict(target, measured.map(v -> Markdown.count(v) + " n/s").orElse("–"),
                bound.map(b -> Markdown.count(b) + "/s, " + boundName).orElse("– (" + boundName + ")"), ratio,
                String.format(Locale.ROOT, "≥ %.2f", required), ratio.map(r -> r >= required));
    }
}
