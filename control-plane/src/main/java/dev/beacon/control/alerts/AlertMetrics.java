package dev.beacon.control.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * The notifier's meters: {@code beacon_alerts_sent_total{channel}}, {@code beacon_alerts_failed_total{channel}}
 * (failed attempts), {@code beacon_alerts_dead_total{channel}} (given up), and
 * {@code beacon_alert_latency_seconds} (fact detected_at → delivered; a histogram with p50/p99).
 */
public final class AlertMetrics {

    private final MeterRegistry registry;
    private final Timer latency;

    public AlertMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("beacon.alert.latency")
                .description("From the fact's detected_at to the alert's delivery")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** Meters kept in memory only (tests, no metrics endpoint). */
    public static AlertMetrics standalone() {
        return new AlertMetrics(new SimpleMeterRegistry());
    }

    void sent(AlertChannel channel, Duration sinceDetected) {
        counter("beacon.alerts.sent", channel).increment();
        if (sinceDetected != null && !sinceDetected.isNegative()) {
            latency.record(sinceDetected);
        }
    }

    void failed(AlertChannel channel) {
        counter("beacon.alerts.failed", channel).increment();
    }

    void dead(AlertChannel channel) {
        counter("beacon.alerts.dead", channel).increment();
    }

    public double count(String name, AlertChannel channel) {
        return counter(name, channel).count();
    }

    public Timer latency() {
        return latency;
    }

    private Counter counter(String name, AlertChannel channel) {
        return Counter.builder(name).tag("channel", channel.dbValue()).register(registry);
    }
}
