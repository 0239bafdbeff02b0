package dev.beacon.drill;

import dev.beacon.drill.cluster.CryptoProviderProbe;
import dev.beacon.drill.cluster.FlinkCli;
import dev.beacon.drill.cluster.FlinkRest;
import dev.beacon.drill.cluster.JobObserver;
import dev.beacon.drill.cluster.Poll;
import dev.beacon.drill.cluster.StandaloneCluster;
import dev.beacon.drill.scenario.DrillScenario;
import dev.beacon.drill.scenario.Publisher;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One failure drill of the job on the standalone cluster, in one delivery mode: submit with the CLI, then rounds of
 * "publish, kill -9 the busiest TaskManager, publish while it recovers, start a replacement, wait for recovery and
 * for every call to be a fact", optionally a stop-with-savepoint and restore, and a final snapshot of what the job
 * wrote. The caller checks the invariants on the returned {@link Outcome}.
 */
public final class FailureDrill {

    public static final int INPUT_PARTITIONS = 4;
    public static final int PARALLELISM = 2;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(180);
    /** After the data has settled and a checkpoint passed, how long the contract may take to show (commit lag). */
    private static final Duration CONTRACT_GRACE = Duration.ofSeconds(10);

    /** At-least-once or exactly-once Kafka output (PostgreSQL is idempotent upserts either way). */
    public enum Mode {
        AT_LEAST_ONCE("at-least-once"), EXACTLY_ONCE("exactly-once");

        final String setting;

        Mode(String setting) {
            this.setting = setting;
        }

        boolean readCommitted() {
            return this == EXACTLY_ONCE;
        }

        @Override
        public String toString() {
            return setting;
        }
    }

    /** What happened in one kill round. */
    public record KillRound(int round, String victim, long victimPid, double sinceLastCheckpointSeconds,
            String replacement, JobObserver.Recovery recovery, CryptoProviderProbe.View providers) {}

    /** The stop-with-savepoint and restore step. */
    public record SavepointStep(String stoppedJob, String savepoint, double stopSeconds, String restoredJob,
            double restoreSeconds, CryptoProviderProbe.View providers) {}

    /** Everything a drill produced, for assertions and the summary. */
    public record Outcome(Mode mode, DrillPlan plan, List<String> jobIds, CryptoProviderProbe.View firstStart,
            List<KillRound> kills,
            SavepointStep savepoint, List<DrillScenario.Call> calls, List<Publisher.Position> published,
            Observed observed, DrillAssertions assertions, double seconds, double providerCheckSeconds) {}

    /** Kafka, PostgreSQL, the cluster and the job jar, shared by the drills of one test class. */
    public record Environment(KafkaFixture kafka, PostgresFixture postgres, StandaloneCluster cluster, FlinkCli cli,
            Path jobJar, SampleStream notifications) {}

    private final Environment env;
    private final Mode mode;
    private final DrillPlan plan;
    private final String inputTopic;
    private final String factsTopic;
    /** After the first start, every kill round and a restore: which provider each triage subtask decrypts with. */
    private final CryptoProviderProbe providers;

    public FailureDrill(Environment env, Mode mode, DrillPlan plan) {
        this.env = env;
        this.mode = mode;
        this.plan = plan;
        this.inputTopic = mode + ".teams-events";
        this.factsTopic = mode + ".emergency-call-facts";
        this.providers = new CryptoProviderProbe(env.cluster());
    }

    public Outcome run() {
        long started = System.nanoTime();
        env.postgres().truncateAll();
        env.kafka().createTopic(inputTopic, INPUT_PARTITIONS);
        for (String output : List.of(factsTopic, mode + ".dead-letters", mode + ".graph-lifecycle",
                mode + ".graph-needs-hydration")) {
            env.kafka().createTopic(output, 2);
        }
        // The control plane's reference data (empty here): the job reads it, and its state goes through every kill
        // and the savepoint like the rest.
        for (String reference : referenceTopics()) {
            env.kafka().createCompactedTopic(reference, 1);
        }
        DrillScenario scenario = new DrillScenario(env.notifications(), INPUT_PARTITIONS);
        List<String> jobIds = new ArrayList<>();
        List<KillRound> kills = new ArrayList<>();
        SavepointStep savepoint = null;
        String jobId = null;
        try (Publisher publisher = new Publisher(env.kafka().bootstrapServers(), inputTopic)) {
            jobId = env.cli().runDetached(env.jobJar(), PARALLELISM, null, jobArguments());
            jobIds.add(jobId);
            JobObserver job = new JobObserver(env.cluster(), jobId);
            job.awaitRunningWithCheckpoint(STEP_TIMEOUT);
            // With a full GC: a TaskManager that ran the previous drill's job shows whether that job's class loader
            // (and ACCP's native library copy with it) is still held.
            CryptoProviderProbe.View firstStart = providers.observe(jobId, STEP_TIMEOUT, true);

            for (int round = 1; round <= plan.killRounds(); round++) {
                kills.add(killRound(scenario, scenario.nextRound(round, plan.callsPerRound()), publisher, job));
                if (round == plan.savepointAfterRound()) {
                    savepoint = stopAndRestore(scenario.nextRound(round + 1, plan.callsPerRound()), publisher, job);
                    jobId = savepoint.restoredJob();
                    jobIds.add(jobId);
                    job = new JobObserver(env.cluster(), jobId);
                }
            }

            DrillAssertions assertions = new DrillAssertions(scenario.calls(), publisher.published());
            long settled = awaitEveryCallIsAFact(assertions);
            job.awaitCheckpointTriggeredAfter(settled, STEP_TIMEOUT);
            Observed observed = finalSnapshot(assertions);
            return new Outcome(mode, plan, jobIds, firstStart, kills, savepoint, scenario.calls(), publisher.published(),
                    observed, assertions, (System.nanoTime() - started) / 1e9, providers.observingSeconds());
        } finally {
            if (jobId != null) {
                cancelQuietly(jobId);
            }
        }
    }

    /**
     * Publish the first part of a round and wait until the job has processed it; kill -9 the TaskManager running the
     * most tasks; publish the rest (it arrives during the outage); start a replacement; wait for recovery and for
     * every call so far to be a fact again.
     */
    private KillRound killRound(DrillScenario scenario, DrillScenario.Round round, Publisher publisher,
            JobObserver job) {
        publisher.publish(round.beforeKill());
        DrillAssertions soFar = new DrillAssertions(List.of(), publisher.published());
        Poll.until("the job to process round " + round.number() + "'s first records", STEP_TIMEOUT,
                () -> soFar.inputLost(observe()).isEmpty(), () -> soFar.inputLost(observe()).toString());

        FlinkRest.Checkpoints before = env.cluster().rest().checkpoints(job.jobId());
        String victim = env.cluster().busiestTaskManager();
        long pid = env.cluster().taskManagers().get(victim).pid();
        long killedAt = System.currentTimeMillis();
        env.cluster().killTaskManager(victim);

        publisher.publish(round.afterKill());
        String replacement = env.cluster().startTaskManager();
        JobObserver.Recovery recovery = job.awaitRecovery(killedAt, STEP_TIMEOUT);
        env.cluster().awaitTaskManagers(2, STEP_TIMEOUT);
        awaitEveryCallIsAFact(new DrillAssertions(scenario.calls(), publisher.published()));
        return new KillRound(round.number(), victim, pid, (killedAt - before.latestCompletedAtMillis()) / 1000.0,
                replacement, recovery, providers.observe(job.jobId(), STEP_TIMEOUT));
    }

    /**
     * {@code flink stop --savepointPath}, a whole round published while no job runs (as during an upgrade), then
     * {@code flink run -s <savepoint>}: the restored job must pick up exactly where the savepoint left off.
     */
    private SavepointStep stopAndRestore(DrillScenario.Round round, Publisher publisher, JobObserver job) {
        long t0 = System.nanoTime();
        String savepoint = env.cli().stopWithSavepoint(job.jobId(), env.cluster().savepointDir());
        double stopSeconds = (System.nanoTime() - t0) / 1e9;
        publisher.publish(round.all());
        long t1 = System.nanoTime();
        String restored = env.cli().runDetached(env.jobJar(), PARALLELISM, savepoint, jobArguments());
        FlinkRest.Checkpoints cp = new JobObserver(env.cluster(), restored).awaitRunningWithCheckpoint(STEP_TIMEOUT);
        double restoreSeconds = (System.nanoTime() - t1) / 1e9;
        String savepointName = Path.of(java.net.URI.create(savepoint).getPath()).getFileName().toString();
        if (cp.restoredFrom() == null || !cp.restoredFrom().contains(savepointName)) {
            throw new IllegalStateException("job " + restored + " did not restore from " + savepoint
                    + " but from " + cp.restoredFrom());
        }
        return new SavepointStep(job.jobId(), savepoint, stopSeconds, restored, restoreSeconds,
                providers.observe(restored, STEP_TIMEOUT, true));
    }

    /** Polls until nothing is lost: every position audited, every call a fact in PostgreSQL and on the topic. */
    private long awaitEveryCallIsAFact(DrillAssertions assertions) {
        Poll.until("every input audited and every call a fact", STEP_TIMEOUT,
                () -> assertions.inputLost(observe()).isEmpty(), () -> assertions.inputLost(observe()).toString());
        return System.currentTimeMillis();
    }

    /**
     * The snapshot the invariants are checked on: the first one in which they all hold, or the last one after a short
     * grace period (Kafka transactions commit just after the checkpoint completes; superseded rows may trail by a
     * batch), so a failure reports a settled state rather than a moment in flux.
     */
    private Observed finalSnapshot(DrillAssertions assertions) {
        Observed[] last = new Observed[1];
        return Poll.within(CONTRACT_GRACE, () -> {
            Observed o = observe();
            last[0] = o;
            boolean holds = assertions.inputLost(o).isEmpty() && assertions.postgresContract(o).isEmpty()
                    && assertions.kafkaContract(o).isEmpty()
                    && (mode != Mode.EXACTLY_ONCE || assertions.duplicateRevisions(o).isEmpty());
            return holds ? Optional.of(o) : Optional.empty();
        }).orElseGet(() -> last[0]);
    }

    private Observed observe() {
        return Observed.read(env.postgres(), env.kafka(), factsTopic, mode.readCommitted());
    }

    /** Directory, sites and security lines, per mode (both modes share one broker). */
    private List<String> referenceTopics() {
        return List.of(mode + ".beacon-directory", mode + ".beacon-sites", mode + ".beacon-security-lines");
    }

    /** The job's settings, as an operator passes them to {@code flink run}; no secrets (those are in the env). */
    private List<String> jobArguments() {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", env.kafka().bootstrapServers(),
                "--kafka.topics", inputTopic,
                "--kafka.group-id", "beacon-drill-" + mode,
                "--kafka.starting-offsets", "earliest",
                "--sink.facts-topic", factsTopic,
                "--sink.dead-letter-topic", mode + ".dead-letters",
                "--sink.lifecycle-topic", mode + ".graph-lifecycle",
                "--sink.needs-hydration-topic", mode + ".graph-needs-hydration",
                "--sink.delivery-guarantee", mode.setting,
                "--reference.directory-topic", referenceTopics().get(0),
                "--reference.sites-topic", referenceTopics().get(1),
                "--reference.security-lines-topic", referenceTopics().get(2),
                "--jdbc.url", env.postgres().jdbcUrl(),
                "--jdbc.user", env.postgres().user(),
                "--checkpoint.interval", "1s",
                "--checkpoint.dir", env.cluster().checkpointDir().toUri().toString()));
        if (mode == Mode.EXACTLY_ONCE) {
            args.addAll(List.of("--sink.transactional-id-prefix", "beacon-drill"));
        }
        return args;
    }

    private void cancelQuietly(String jobId) {
        try {
            if (env.cluster().rest().jobs().contains(jobId + ":RUNNING")) {
                env.cli().cancel(jobId);
            }
            Poll.until("all slots free after cancelling " + jobId, Duration.ofSeconds(60),
                    () -> env.cluster().rest().taskManagers().stream().allMatch(tm -> tm.usedSlots() == 0),
                    () -> env.cluster().rest().taskManagers().toString());
        } catch (RuntimeException e) {
            System.err.println("Could not cancel " + jobId + ": " + e);
        }
    }
}
