package dev.beacon.control.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code BEACON_DIRECTORY_SYNC_*}: defaults, the schedule switched off, errors that name the variable. */
class DirectorySettingsTest {

    @Test
    void defaultsAreHourlyAtFiveRequestsPerSecond() {
        DirectorySettings s = DirectorySettings.fromEnv(Map.of());
        assertThat(s).isEqualTo(new DirectorySettings(Duration.ofHours(1), 5, Duration.ofMinutes(1)));
        assertThat(s.scheduled()).isTrue();
    }

    @Test
    void zeroTurnsTheScheduleOff() {
        assertThat(DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_INTERVAL", "0")).scheduled()).isFalse();
        assertThat(DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_INTERVAL", "0s")).scheduled()).isFalse();
        DirectorySettings s = DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_INTERVAL", "30m",
                "BEACON_DIRECTORY_SYNC_RATE", "2.5"));
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.ratePerSecond()).isEqualTo(2.5);
    }

    @Test
    void backoffDoublesUpToTheInterval() {
        DirectorySettings s = new DirectorySettings(Duration.ofMinutes(5), 5, Duration.ofMinutes(1));
        assertThat(s.retryAfterFailures(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.retryAfterFailures(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.retryAfterFailures(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(s.retryAfterFailures(4)).isEqualTo(Duration.ofMinutes(5));
        assertThat(new DirectorySettings(Duration.ZERO, 5, Duration.ofMinutes(1)).retryAfterFailures(10))
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_INTERVAL", "hourly")))
                .hasMessageStartingWith("BEACON_DIRECTORY_SYNC_INTERVAL");
        assertThatThrownBy(() -> DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_INTERVAL", "-5m")))
                .hasMessageStartingWith("BEACON_DIRECTORY_SYNC_INTERVAL");
        assertThatThrownBy(() -> DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_RATE", "fast")))
                .hasMessageStartingWith("BEACON_DIRECTORY_SYNC_RATE");
        assertThatThrownBy(() -> DirectorySettings.fromEnv(Map.of("BEACON_DIRECTORY_SYNC_RATE", "0")))
                .hasMessageStartingWith("BEACON_DIRECTORY_SYNC_RATE");
    }
}
