package dev.beacon.control.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backfill's settings from the environment: defaults, and errors that name the setting, never the value. */
class BackfillSettingsTest {

    @Test
    void parallelismDefaultsToFourAndTheRunBudgetToTwiceTheInterval() {
        BackfillSettings d = BackfillSettings.fromEnv(Map.of());
        assertThat(d.parallelism()).isEqualTo(4);
        assertThat(d.maxRun()).isEqualTo(Duration.ofMinutes(10));

        BackfillSettings s = BackfillSettings.fromEnv(Map.of("BEACON_BACKFILL_INTERVAL", "20s",
                "BEACON_BACKFILL_PARALLELISM", "2"));
        assertThat(s.parallelism()).isEqualTo(2);
        assertThat(s.maxRun()).isEqualTo(Duration.ofSeconds(40));
        assertThat(BackfillSettings.fromEnv(Map.of("BEACON_BACKFILL_MAX_RUN", "90s")).maxRun())
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void badValuesAreRefusedAtStartUpNamingTheSetting() {
        for (String bad : new String[] {"0", "-1", "65", "four", "2.5"}) {
            assertThatThrownBy(() -> BackfillSettings.fromEnv(Map.of("BEACON_BACKFILL_PARALLELISM", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("BEACON_BACKFILL_PARALLELISM must be a whole number from 1 to 64");
        }
        assertThatThrownBy(() -> BackfillSettings.fromEnv(Map.of("BEACON_BACKFILL_MAX_RUN", "0s")))
                .hasMessage("BEACON_BACKFILL_MAX_RUN must be positive");
        assertThatThrownBy(() -> BackfillSettings.fromEnv(Map.of("BEACON_BACKFILL_MAX_RUN", "soon")))
                .hasMessageStartingWith("BEACON_BACKFILL_MAX_RUN must be a duration");
    }
}
