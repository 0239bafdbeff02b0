package dev.beacon.control.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer's slots on a test clock: waits are recorded, not slept. */
class RequestPacerTest {

    final AtomicLong nanos = new AtomicLong();
    final List<Duration> waits = new ArrayList<>();

    @Test
    void spacesRequestsOfATenantAndKeepsTenantsApart() throws Exception {
        RequestPacer pacer = new RequestPacer(4, nanos::get, waits::add); // one request per 250 ms

        pacer.acquire("contoso");
        pacer.acquire("contoso");
        pacer.acquire("fabrikam"); // another tenant: its own budget
        pacer.acquire("contoso");
        assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));

        nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // idle time is not saved up for a burst
        pacer.acquire("contoso");
        pacer.acquire("contoso");
        assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(250));
    }

    @Test
    void settingsReadTheEnvironmentAndNameTheVariableOnErrors() {
        BackfillSettings s = BackfillSettings.fromEnv(java.util.Map.of("BEACON_BACKFILL_INTERVAL", "10m",
                "BEACON_BACKFILL_RATE", "2.5", "BEACON_BACKFILL_LOOK_BACK", "PT3H", "BEACON_INGRESS_TOPIC", "in"));
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.ratePerSecond()).isEqualTo(2.5);
        assertThat(s.lookBack()).isEqualTo(Duration.ofHours(3));
        assertThat(s.overlap()).isEqualTo(BackfillSettings.DEFAULT_OVERLAP);
        assertThat(s.topic()).isEqualTo("in");
        assertThat(s.retryAfterFailures(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.retryAfterFailures(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.retryAfterFailures(9)).isEqualTo(Duration.ofMinutes(10)); // never longer than the interval
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BackfillSettings.fromEnv(
                java.util.Map.of("BEACON_BACKFILL_RATE", "fast"))).hasMessageContaining("BEACON_BACKFILL_RATE");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BackfillSettings.fromEnv(
                java.util.Map.of("BEACON_BACKFILL_INTERVAL", "soon"))).hasMessageContaining("BEACON_BACKFILL_INTERVAL");
    }
}
