package dev.beacon.drill.cluster;

import java.time.Duration;
import java.util.List;

/**
 * Watches one job through the REST API: running with all tasks, checkpoints, and recovery after a kill, measured
 * from the kill to (1) the JobManager noticing the failure, (2) every task running again, (3) the first checkpoint
 * completed after the kill, i.e. the job is making durable progress again.
 */
public final class JobObserver {

    /**
     * Seconds from the kill; {@code restarts} is how often the job failed over for it (more than once when the first
     * restart still counted on the dead TaskManager's slots); {@code failure} is the first thing the JobManager saw.
     */
    public record Recovery(double failureNoticedSeconds, double tasksRunningSeconds, double checkpointSeconds,
            long checkpointId, long restarts, String failure) {
        @Override
        public String toString() {
            return String.format("failure noticed %.1f s, all tasks running %.1f s, checkpoint %d completed %.1f s",
                    failureNoticedSeconds, tasksRunningSeconds, checkpointId, checkpointSeconds);
        }
    }

    private final StandaloneCluster cluster;
    private final FlinkRest rest;
    private final String jobId;

    public JobObserver(StandaloneCluster cluster, String jobId) {
        this.cluster = cluster;
        this.rest = cluster.rest();
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    /** Every task running and at least one checkpoint completed (so sources read and sinks commit). */
    public FlinkRest.Checkpoints awaitRunningWithCheckpoint(Duration timeout) {
        return Poll.until("job " + jobId + " running with a completed checkpoint", timeout, () -> {
            FlinkRest.JobState state = observeLiveJob();
            FlinkRest.Checkpoints cp = rest.checkpoints(jobId);
            return state.allTasksRunning() && cp.completed() > 0 ? Poll.Probe.done(cp)
                    : Poll.Probe.notYet(state + ", " + cp.completed() + " checkpoints");
        });
    }

    /** A checkpoint triggered after {@code millis} has completed: everything before it is in the sinks. */
    public FlinkRest.Checkpoints awaitCheckpointTriggeredAfter(long millis, Duration timeout) {
        return Poll.until("a checkpoint of " + jobId + " triggered after " + millis, timeout, () -> {
            observeLiveJob();
            FlinkRest.Checkpoints cp = rest.checkpoints(jobId);
            return cp.latestTriggeredAtMillis() > millis ? Poll.Probe.done(cp)
                    : Poll.Probe.notYet("latest completed checkpoint " + cp.latestId() + " triggered at "
                            + cp.latestTriggeredAtMillis());
        });
    }

    /** Waits until the job has failed over after a kill at {@code killedAtMillis} and completed a checkpoint. */
    public Recovery awaitRecovery(long killedAtMillis, Duration timeout) {
        Poll.until("job " + jobId + " to notice the kill", timeout, () -> {
            observeLiveJob();
            return rest.failuresSince(jobId, killedAtMillis).isEmpty() ? Poll.Probe.notYet("no failure recorded yet")
                    : Poll.Probe.done(Boolean.TRUE);
        });
        long running = Poll.until("every task of " + jobId + " running again", timeout, () -> {
            FlinkRest.JobState state = observeLiveJob();
            return state.allTasksRunning() ? Poll.Probe.done(System.currentTimeMillis())
                    : Poll.Probe.notYet(state.toString());
        });
        FlinkRest.Checkpoints cp = Poll.until("a checkpoint of " + jobId + " after the kill", timeout, () -> {
            observeLiveJob();
            FlinkRest.Checkpoints c = rest.checkpoints(jobId);
            return c.latestTriggeredAtMillis() > killedAtMillis ? Poll.Probe.done(c)
                    : Poll.Probe.notYet("latest checkpoint " + c.latestId() + ", " + c.failed() + " failed");
        });
        // Every failover the kill caused: the first is usually a peer's broken network connection, a later one
        // the JobManager declaring the TaskManager lost while the first restart still counted on its slots.
        List<FlinkRest.Failure> failures = rest.failuresSince(jobId, killedAtMillis);
        FlinkRest.Failure first = failures.get(failures.size() - 1);
        return new Recovery(seconds(first.timestampMillis() - killedAtMillis), seconds(running - killedAtMillis),
                seconds(cp.latestCompletedAtMillis() - killedAtMillis), cp.latestId(), failures.size(),
                first.taskManagerId() + ": " + first.summary());
    }

    /** The job's state; fails at once (instead of at a timeout) if it or the cluster is beyond recovery. */
    private FlinkRest.JobState observeLiveJob() {
        cluster.assertAlive();
        FlinkRest.JobState state = rest.job(jobId);
        if (state.state().equals("FAILED") || state.state().equals("CANCELED")
                || state.state().equals("FINISHED")) {
            throw new Poll.GiveUp("job " + jobId + " is " + state.state() + "; its failures: "
                    + rest.failuresSince(jobId, 0));
        }
        return state;
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
