package dev.beacon.job.launch;

import dev.beacon.job.config.BeaconOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How the job reacts to failures. Flink's default for a checkpointed job is to restart forever, which turns a
 * broken setting into a silent loop. Beacon instead:
 *
 * <ul>
 *   <li>never restarts a replay: it is a bounded, local run, and the data engineer needs the cause now;
 *   <li>on a cluster, restarts with exponential backoff (1 s, 2 s, 4 s ... up to {@code restart.max-backoff}) at
 *       most {@code restart.max-attempts} times, the count starting over after {@code restart.reset-after} without
 *       a failure. That rides out a broker or database restart, yet gives up on a lasting fault;
 *   <li>never restarts on a configuration error, whatever the strategy (see {@code TriageResources}).
 * </ul>
 */
public final class RestartPolicy {

    private RestartPolicy() {}

    /** Flink settings for the job's restart strategy, from Beacon's settings. */
    public static Configuration settings(Configuration conf) {
        Configuration flink = new Configuration();
        if (conf.get(BeaconOptions.REPLAY_FILE) != null) {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return flink;
        }
        int attempts = conf.get(BeaconOptions.RESTART_MAX_ATTEMPTS);
        if (attempts < 0) {
            throw new IllegalArgumentException(BeaconOptions.RESTART_MAX_ATTEMPTS.key() + " must be 0 or more, not "
                    + attempts);
        }
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                conf.get(BeaconOptions.RESTART_INITIAL_BACKOFF));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                conf.get(BeaconOptions.RESTART_MAX_BACKOFF));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                conf.get(BeaconOptions.RESTART_RESET_AFTER));
        // Several jobs failing together (a shared database restarting) should not all come back at the same instant.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        return flink;
    }
}
