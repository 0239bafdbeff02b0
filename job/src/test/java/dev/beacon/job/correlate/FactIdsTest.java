package dev.beacon.job.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class FactIdsTest {

    @Test
    void isTheRfcVersion5UuidOfTenantCallerAndAnchor() {
        // Expected values computed independently with Python: uuid.uuid5(FactIds.NAMESPACE, "tenant|caller|millis").
        // Pinned because every stored fact id depends on them: a change here breaks idempotent replays.
        assertThat(FactIds.factId("tenant-a", "user-caller-1", 1_740_823_200_000L))
                .isEqualTo("48463d80-2253-5f22-94b6-6019fa054b18");
        assertThat(FactIds.factId("tenant-a", "user-caller-2", 1_740_823_200_000L))
                .isEqualTo("81b30616-4732-51aa-8149-3a3831dc5483");
        assertThat(FactIds.factId("tenant-x", "caller-y", 0)).isEqualTo("ff316a9b-e909-5031-9c67-da6d0b5ae0d2");
    }

    @Test
    void isAVersion5IetfVariantUuid() {
        UUID id = UUID.fromString(FactIds.factId("t", "u", 42));

        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void differsWhenAnyPartDiffers() {
        String base = FactIds.factId("t", "u", 42);

        assertThat(FactIds.factId("t", "u", 42)).isEqualTo(base);
        assertThat(FactIds.factId("t2", "u", 42)).isNotEqualTo(base);
        assertThat(FactIds.factId("t", "u2", 42)).isNotEqualTo(base);
        assertThat(FactIds.factId("t", "u", 43)).isNotEqualTo(base);
    }
}
