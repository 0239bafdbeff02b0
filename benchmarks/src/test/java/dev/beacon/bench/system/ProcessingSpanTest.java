package dev.beacon.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The split of a bounded run into fixed cost and steady rate, and the profile's thread groups. */
class ProcessingSpanTest {

    @Test
    void steadyRateIgnoresTheRampAndFixedCostIsWhatTheRateDoesNotExplain() {
        // Submitted at 0; 100 notifications: the first 10 slowly (one per 100 ms from 2,000 ms), then one per 10 ms.
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            at.add(2_000L + 100L * i);
        }
        for (int i = 0; i < 90; i++) {
            at.add(3_000L + 10L * i);
        }
        ProcessingSpan span = ProcessingSpan.of(at, 0, 4_000);

        assertThat(span.notifications()).isEqualTo(100);
        assertThat(span.startupMillis()).isEqualTo(2_000);
        assertThat(span.processingMillis()).isEqualTo(1_890);
        assertThat(span.tailMillis()).isEqualTo(110);
        // The 10th to the 89th instant (index 10 to 89): 79 notifications in 790 ms.
        assertThat(span.steadyRate()).isEqualTo(100.0);
        assertThat(span.fixedCostMillis()).isEqualTo(3_000);
        assertThat(span.wallRate()).isEqualTo(25.0);
        assertThat(span.params()).containsEntry("ramp_ms", 890L);
    }

    @Test
    void threadsGroupWithoutTheirNumbersAndChainsByTheirHead() {
        assertThat(JfrProfile.group("triage -> (lifecycle-sink-1-kafkasink: Writer) (2/2)#0")).isEqualTo("triage → …");
        assertThat(JfrProfile.group("data-plane-kafka-request-handler-1")).isEqualTo("data-plane-kafka-request-handler-N");
        assertThat(JfrProfile.group("correlate-calls (1/2)#0")).isEqualTo("correlate-calls");
    }
}
