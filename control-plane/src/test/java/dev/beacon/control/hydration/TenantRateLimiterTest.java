package dev.beacon.control.hydration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-tenant token bucket on a fake clock: pacing, independence of tenants, Retry-After. */
class TenantRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> sleeps = new ArrayList<>();
    private final TenantRateLimiter limiter = new TenantRateLimiter(15, nanos::get, d -> {
        sleeps.add(d);
        nanos.addAndGet(d.toNanos());
    });

    @Test
    void callsOfOneTenantArePacedSoNoSecondHoldsMoreThanRatePlusOne() {
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            limiter.acquire("contoso.com");
            sent.add(nanos.get());
        }
        int peak = 0;
        for (int i = 0; i < sent.size(); i++) {
            int inWindow = 0;
            for (int j = i; j < sent.size() && sent.get(j) - sent.get(i) < 1_000_000_000L; j++) {
                inWindow++;
            }
            peak = Math.max(peak, inWindow);
        }
        assertThat(peak).isEqualTo(16); // 15 intervals of 66.67 ms (rounded down) fit in one second: rate + 1
        assertThat(sleeps).hasSize(199).allSatisfy(d -> assertThat(d).isEqualTo(Duration.ofNanos(66_666_666)));
    }

    @Test
    void tenantsHaveTheirOwnBudgetAndCaseDoesNotMatter() {
        limiter.acquire("contoso.com");
        limiter.acquire("fabrikam.com");
        assertThat(sleeps).isEmpty();
        limiter.acquire("CONTOSO.com");
        assertThat(sleeps).containsExactly(Duration.ofNanos(66_666_666));
    }

    @Test
    void aRetryAfterHoldsTheTenantBackAtLeastThatLong() {
        limiter.acquire("contoso.com");
        limiter.holdOff("contoso.com", Duration.ofSeconds(30));
        limiter.acquire("contoso.com");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(30));
        // Shorter than the slot already reserved (66.7 ms ahead): no effect.
        limiter.holdOff("contoso.com", Duration.ofMillis(10));
        limiter.acquire("contoso.com");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(30), Duration.ofNanos(66_666_666));
        limiter.acquire("fabrikam.com");
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aLateWakeUpDoesNotLetTheNextCallCatchUp() {
        List<Long> sent = new ArrayList<>();
        boolean[] late = {true};
        TenantRateLimiter slow = new TenantRateLimiter(15, nanos::get, d -> {
            // the first wait overshoots by 50 ms, as on a busy machine
            nanos.addAndGet(d.toNanos() + (late[0] ? 50_000_000L : 0));
            late[0] = false;
        });
        for (int i = 0; i < 4; i++) {
            slow.acquire("contoso.com");
            sent.add(nanos.get());
        }
        assertThat(List.of(sent.get(1) - sent.get(0), sent.get(2) - sent.get(1), sent.get(3) - sent.get(2)))
                .containsExactly(116_666_666L, 66_666_666L, 66_666_666L);
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> TenantRateLimiter.perSecond(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TenantRateLimiter.perSecond(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
