package dev.beacon.drill;

import dev.beacon.drill.FailureDrill.KillRound;
import dev.beacon.drill.cluster.CryptoProviderProbe;
import dev.beacon.drill.FailureDrill.Mode;
import dev.beacon.drill.FailureDrill.Outcome;
import dev.beacon.drill.scenario.DrillScenario.Call;
import java.util.List;

/** The few lines a drill prints (and appends to target/drill/summary.txt), fit for an issue note. */
final class DrillSummary {

    private DrillSummary() {}

    static String of(Outcome outcome) {
        DrillAssertions a = outcome.assertions();
        Observed o = outcome.observed();
        StringBuilder s = new StringBuilder();
        s.append(String.format("%n=== Beacon failure drill: %s, plan %s%n", outcome.mode(), outcome.plan()));
        s.append(String.format("cluster: JobManager + 2 TaskManagers (separate JVMs, 2 slots each), parallelism %d, "
                + "input %d partitions; jobs %s%n", FailureDrill.PARALLELISM, FailureDrill.INPUT_PARTITIONS,
                outcome.jobIds()));
        s.append("crypto provider at first start: ").append(providers(outcome.firstStart()));
        for (KillRound k : outcome.kills()) {
            s.append(String.format("round %d: kill -9 %s (pid %d) %.1f s after a checkpoint; %s; %d restart(s); "
                    + "replacement %s%n    failure seen: %s%n", k.round(), k.victim(), k.victimPid(),
                    k.sinceLastCheckpointSeconds(), k.recovery(), k.recovery().restarts(), k.replacement(),
                    abbreviate(k.recovery().failure(), 140)));
            s.append("    crypto provider after recovery: ").append(providers(k.providers()));
        }
        if (!outcome.kills().isEmpty()) {
            s.append(String.format("recovery (kill → every task running / → checkpoint): max %.1f s / %.1f s, "
                    + "mean %.1f s / %.1f s%n",
                    outcome.kills().stream().mapToDouble(k -> k.recovery().tasksRunningSeconds()).max().orElse(0),
                    outcome.kills().stream().mapToDouble(k -> k.recovery().checkpointSeconds()).max().orElse(0),
                    outcome.kills().stream().mapToDouble(k -> k.recovery().tasksRunningSeconds()).average().orElse(0),
                    outcome.kills().stream().mapToDouble(k -> k.recovery().checkpointSeconds()).average()
                            .orElse(0)));
        }
        if (outcome.savepoint() != null) {
            FailureDrill.SavepointStep sp = outcome.savepoint();
            s.append(String.format("savepoint: flink stop --savepointPath → %s (%.1f s); a round published while "
                    + "stopped; flink run -s → job %s running with a checkpoint after %.1f s%n", sp.savepoint(),
                    sp.stopSeconds(), sp.restoredJob(), sp.restoreSeconds()));
            s.append("    crypto provider after restore: ").append(providers(sp.providers()));
        }
        s.append("result: ").append(a.counts(o)).append('\n');
        List<Call> calls = outcome.calls();
        long pgRight = calls.stream().filter(c -> o.rows().stream()
                .anyMatch(r -> r.factId().equals(c.expectedFactId()))).count();
        long kafkaLive = calls.stream().filter(c -> o.facts().stream()
                .anyMatch(r -> r.isFact() && c.expectedFactId().equals(r.key()))).count();
        s.append(String.format("ids: %d/%d calls have their deterministic fact_id in PostgreSQL, %d/%d on the topic%n",
                pgRight, calls.size(), kafkaLive, calls.size()));
        s.append(String.format("invariants: no input lost %s, PostgreSQL one row per call %s, Kafka live keys %s%s%n",
                verdict(a.inputLost(o)), verdict(a.postgresContract(o)), verdict(a.kafkaContract(o)),
                outcome.mode() == Mode.EXACTLY_ONCE ? ", exactly-once " + verdict(a.duplicateRevisions(o)) : ""));
        s.append(String.format("took %.0f s (of which %.1f s reading the crypto provider gauges)", outcome.seconds(),
                outcome.providerCheckSeconds()));
        return s.toString();
    }

    /** Triage subtasks as {@code subtask#attempt@taskmanager=native|JDK}, then each TaskManager's JVM. */
    private static String providers(CryptoProviderProbe.View view) {
        StringBuilder s = new StringBuilder(view.subtasks().toString()).append('\n');
        for (CryptoProviderProbe.TaskManagerJvm tm : view.taskManagers()) {
            s.append("      ").append(tm).append('\n');
        }
        return s.toString();
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    private static String verdict(List<String> violations) {
        return violations.isEmpty() ? "OK" : "FAILED (" + violations.size() + ")";
    }
}
