package dev.beacon.job.testing;

import dev.beacon.job.BeaconJob;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster the job's integration tests run on: one task manager with two slots, as on a 2-core CI. */
public final class MiniClusters {

    private MiniClusters() {}

    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }

    /**
     * An environment for recovery tests: Beacon's runtime settings (RocksDB, checkpoints) for this job
     * configuration, parallelism 2, and a few quick fixed-delay restarts so an injected failure recovers.
     */
    public static StreamExecutionEnvironment restartingEnvironment(Configuration jobConf, int restarts) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration runtime = BeaconJob.runtimeSettings(jobConf);
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(runtime);
        env.setParallelism(2);
        return env;
    }
}
