package dev.beacon.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ops.GapView;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ControlPlaneMetricsTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    static StatusReport report(List<IntegrationView> integrations, List<TokenView> tokens,
                               List<SubscriptionView> subs, List<GapView> gaps) {
        return new StatusReport(NOW, "replica-a", integrations, tokens, subs, gaps, List.of());
    }

    static IntegrationView integration(String id, String status, String leader) {
        return new IntegrationView(id, id, "tenant-" + id, "client-" + id, "device-code", status, null, false,
                leader, List.of(), NOW);
    }

    static SubscriptionView subscription(String id, String integration, String state, Instant expires, int renewals,
                                         int failures, Instant lastNotification) {
        return new SubscriptionView(id, integration, "/users/u1/chats/getAllMessages", "created,updated",
                "EventHub:https://ns.servicebus.windows.net/eventhubname/hub?tenantId=t", state, expires,
                NOW.minus(Duration.ofDays(1)), null, renewals, failures, null, null, null, lastNotification);
    }

    @Test
    void seriesAndValuesFollowTheReport() {
        MutableClock clock = new MutableClock(NOW);
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<StatusReport> current = new AtomicReference<>(report(
                List.of(integration("contoso", "active", "replica-a"),
                        integration("fabrikam", "needs-sign-in", "replica-b")),
                List.of(new TokenView("contoso", "home-1", "svc@contoso.com", NOW.plusSeconds(3000), NOW, false,
                        false, null)),
                List.of(subscription("sub-1", "contoso", "active", NOW.plus(Duration.ofHours(35)), 4, 1,
                                NOW.minusSeconds(90)),
                        subscription("sub-2", "contoso", "active", NOW.plusSeconds(600), 0, 0, null),
                        subscription("sub-old", "contoso", "deleted", NOW.minusSeconds(600), 9, 9, null)),
                List.of(new GapView(7, "contoso", "/r", "sub-0", NOW.minusSeconds(60), null, "missed"))));
        var metrics = new ControlPlaneMetrics(() -> {
            calls.incrementAndGet();
            return current.get();
        }, clock, Duration.ofSeconds(5));

        String text = metrics.scrape();
        String sub1 = "integration=\"contoso\",resource=\"/users/u1/chats/getAllMessages\",subscription=\"sub-1\"";
        String sub2 = "integration=\"contoso\",resource=\"/users/u1/chats/getAllMessages\",subscription=\"sub-2\"";
        assertThat(text.lines()).contains(
                "beacon_integration_status{integration=\"contoso\",status=\"active\"} 1.0",
                "beacon_integration_status{integration=\"contoso\",status=\"needs-sign-in\"} 0.0",
                "beacon_integration_status{integration=\"fabrikam\",status=\"needs-sign-in\"} 1.0",
                "beacon_integration_status{integration=\"fabrikam\",status=\"active\"} 0.0",
                "beacon_leader{integration=\"contoso\"} 1.0",
                "beacon_leader{integration=\"fabrikam\"} 0.0",
                "beacon_open_gaps{integration=\"contoso\"} 1.0",
                "beacon_open_gaps{integration=\"fabrikam\"} 0.0",
                "beacon_token_expiry_seconds{account=\"svc@contoso.com\",integration=\"contoso\"} 3000.0",
                "beacon_token_needs_interaction{account=\"svc@contoso.com\",integration=\"contoso\"} 0.0",
                "beacon_subscription_expiry_seconds{" + sub1 + "} 126000.0",
                "beacon_subscription_expiry_seconds{" + sub2 + "} 600.0",
                "beacon_subscription_renewals_total{" + sub1 + "} 4.0",
                "beacon_subscription_failures_total{" + sub1 + "} 1.0",
                "beacon_subscription_renewals_total{" + sub2 + "} 0.0",
                "beacon_subscription_last_notification_seconds{" + sub1 + "} 90.0",
                "# TYPE beacon_subscription_renewals_total counter");
        assertThat(text).doesNotContain("sub-old")
                .doesNotContain("beacon_subscription_last_notification_seconds{" + sub2);
        assertThat(calls).hasValue(1);

        // Within the cache: no new status query, but time-based values move with the clock.
        clock.advance(Duration.ofSeconds(2));
        text = metrics.scrape();
        assertThat(calls).hasValue(1);
        assertThat(text.lines()).contains(
                "beacon_token_expiry_seconds{account=\"svc@contoso.com\",integration=\"contoso\"} 2998.0",
                "beacon_subscription_last_notification_seconds{" + sub1 + "} 92.0");

        // fabrikam and sub-2 disappear, contoso's token needs a person, sub-1 was renewed again.
        current.set(report(
                List.of(integration("contoso", "needs-interaction", null)),
                List.of(new TokenView("contoso", "home-1", null, NOW.minusSeconds(10), NOW, true, true, "reauth")),
                List.of(subscription("sub-1", "contoso", "active", NOW.plus(Duration.ofHours(70)), 5, 1, null)),
                List.of()));
        clock.advance(Duration.ofSeconds(5));
        text = metrics.scrape();
        assertThat(calls).hasValue(2);
        assertThat(text).doesNotContain("fabrikam").doesNotContain("sub-2").doesNotContain("svc@contoso.com");
        assertThat(text.lines()).contains(
                "beacon_integration_status{integration=\"contoso\",status=\"needs-interaction\"} 1.0",
                "beacon_integration_status{integration=\"contoso\",status=\"active\"} 0.0",
                "beacon_leader{integration=\"contoso\"} 0.0",
                "beacon_open_gaps{integration=\"contoso\"} 0.0",
                "beacon_token_needs_interaction{account=\"home-1\",integration=\"contoso\"} 1.0",
                "beacon_token_expiry_seconds{account=\"home-1\",integration=\"contoso\"} -17.0",
                "beacon_subscription_renewals_total{" + sub1 + "} 5.0");
        assertThat(text).doesNotContain("beacon_subscription_last_notification_seconds");
    }

    @Test
    void aFailingStatusQueryKeepsThePreviousValues() {
        MutableClock clock = new MutableClock(NOW);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        var metrics = new ControlPlaneMetrics(() -> {
            if (failure.get() != null) {
                throw failure.get();
            }
            return report(List.of(integration("contoso", "active", "replica-a")), List.of(), List.of(), List.of());
        }, clock, Duration.ofSeconds(5));
        assertThat(metrics.scrape()).contains("beacon_leader{integration=\"contoso\"} 1.0");
        failure.set(new IllegalStateException("database down"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(metrics.scrape()).contains("beacon_leader{integration=\"contoso\"} 1.0");
    }

    @Test
    void lifecycleCountersAreExported() {
        var counters = new dev.beacon.control.lifecycle.LifecycleCounters();
        var metrics = new ControlPlaneMetrics(() -> report(List.of(), List.of(), List.of(), List.of()),
                new MutableClock(NOW), Duration.ofSeconds(5)).bindLifecycle(counters);
        String text = metrics.scrape();
        assertThat(text.lines()).contains(
                "beacon_lifecycle_events_total{event=\"missed\"} 0.0",
                "beacon_lifecycle_events_total{event=\"reauthorizationRequired\"} 0.0",
                "beacon_lifecycle_events_total{event=\"subscriptionRemoved\"} 0.0",
                "beacon_lifecycle_dead_letters_total{reason=\"not-json\"} 0.0",
                "beacon_lifecycle_dead_letters_total{reason=\"unknown-lifecycle-event\"} 0.0",
                "beacon_lifecycle_retries_total 0.0",
                "beacon_lifecycle_waiting_events 0.0",
                "beacon_lifecycle_oldest_waiting_seconds 0.0",
                "beacon_lifecycle_consumer_running 0.0");
    }
}
