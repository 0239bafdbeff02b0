package dev.beacon.job.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.job.BeaconJob;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The Flink restart settings Beacon submits: none for a replay, bounded exponential backoff on a cluster. */
class RestartPolicyTest {

    @Test
    void aReplayNeverRestarts() throws Exception {
        Configuration replay = BeaconJob.parseArguments(new String[] {"--replay", "capture.jsonl"});

        assertThat(RestartPolicy.settings(replay).toMap()).containsExactlyEntriesOf(
                Map.of("restart-strategy.type", "none"));
        assertThat(BeaconJob.runtimeSettings(replay).toMap()).containsEntry("restart-strategy.type", "none");
    }

    @Test
    void aClusterJobBacksOffAndGivesUpByDefaultAfterThirtyAttempts() throws Exception {
        Configuration cluster = BeaconJob.parseArguments(new String[] {});

        assertThat(RestartPolicy.settings(cluster).toMap()).containsOnly(
                Map.entry("restart-strategy.type", "exponential-delay"),
                Map.entry("restart-strategy.exponential-delay.attempts-before-reset-backoff", "30"),
                Map.entry("restart-strategy.exponential-delay.initial-backoff", "1 s"),
                Map.entry("restart-strategy.exponential-delay.max-backoff", "1 min"),
                Map.entry("restart-strategy.exponential-delay.backoff-multiplier", "2.0"),
                Map.entry("restart-strategy.exponential-delay.reset-backoff-threshold", "1 h"),
                Map.entry("restart-strategy.exponential-delay.jitter-factor", "0.1"));
    }

    @Test
    void beaconSettingsTuneIt() throws Exception {
        Configuration cluster = BeaconJob.parseArguments(new String[] {"--restart.max-attempts", "3",
            "--restart.initial-backoff", "5 s", "--restart.max-backoff", "2 min", "--restart.reset-after", "10 min"});

        assertThat(RestartPolicy.settings(cluster).toMap())
                .containsEntry("restart-strategy.exponential-delay.attempts-before-reset-backoff", "3")
                .containsEntry("restart-strategy.exponential-delay.initial-backoff", "5 s")
                .containsEntry("restart-strategy.exponential-delay.max-backoff", "2 min")
                .containsEntry("restart-strategy.exponential-delay.reset-backoff-threshold", "10 min");
        assertThatThrownBy(() -> RestartPolicy.settings(
                BeaconJob.parseArguments(new String[] {"--restart.max-attempts", "-1"})))
                .hasMessage("restart.max-attempts must be 0 or more, not -1");
    }
}
