package dev.beacon.control.ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * The webhook ingress's Prometheus metrics. Served by {@link MetricsListener} on a separate, localhost-bound
 * listener: the internet-facing port never exposes them.
 *
 * <p>Series (labels are fixed vocabularies; never an integration id chosen by a request that was refused as
 * unknown, never a secret):
 * <ul>
 *   <li>{@code beacon_ingress_requests_total{route,status}}: every answered request; {@code route} is
 *       {@code graph}, {@code graph-lifecycle}, {@code eventgrid}, {@code acs}, {@code healthz} or {@code other}</li>
 *   <li>{@code beacon_ingress_notifications_accepted_total{route}}: notifications (Graph items, or CloudEvents)
 *       in deliveries Kafka acknowledged</li>
 *   <li>{@code beacon_ingress_rejected_total{reason}}: refused deliveries, by {@link Rejection}</li>
 *   <li>{@code beacon_ingress_handshakes_total{route}}: validation handshakes answered</li>
 *   <li>{@code beacon_ingress_unavailable_total{cause}}: 503 answers, {@code kafka} (not acknowledged in time)
 *       or {@code jwks} (signing keys could not be fetched)</li>
 *   <li>{@code beacon_ingress_kafka_send_seconds{outcome}}: time from send to acknowledgement (or giving up),
 *       a histogram with buckets from 1 ms to 2.5 s; {@code outcome} is {@code acked} or {@code failed}</li>
 * </ul>
 */
public final class IngressMetrics {

    /** Why a delivery was refused: the {@code reason} label of {@code beacon_ingress_rejected_total}. */
    public enum Rejection {
        /** A {@code clientState} that is not among the accepted values (403). */
        CLIENT_STATE,
        /** A validation token missing, invalid, or a rich notification without a tenant (403). */
        VALIDATION_TOKEN,
        /** A body over {@code BEACON_INGRESS_MAX_BODY} (413). */
        TOO_LARGE,
        /** Not JSON, not a notification collection or event, an unreadable body, an oversized handshake (400). */
        MALFORMED,
        /** An integration id that is not a slug or not among {@code BEACON_INGRESS_INTEGRATIONS} (404). */
        UNKNOWN_INTEGRATION,
        /** The ACS route's {@code ?key=} missing or not {@code BEACON_ACS_WEBHOOK_KEY} (401). */
        KEY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Content type of {@link #scrape()}: the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration[] SEND_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2500)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public IngressMetrics() {
        // Series that alerts use exist at 0 from the start, so "increase(...) > 0" needs no prior sample.
        for (Rejection r : Rejection.values()) {
            rejectedCounter(r);
        }
        for (String cause : new String[] {"kafka", "jwks"}) {
            unavailableCounter(cause);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    void request(String route, int status) {
        Counter.builder("beacon_ingress_requests").description("Requests answered by the webhook ingress")
                .tag("route", route).tag("status", Integer.toString(status)).register(registry).increment();
    }

    void accepted(String route, int notifications) {
        Counter.builder("beacon_ingress_notifications_accepted")
                .description("Notifications in deliveries that Kafka acknowledged")
                .tag("route", route).register(registry).increment(notifications);
    }

    void rejected(Rejection reason) {
        rejectedCounter(reason).increment();
    }

    void handshake(String route) {
        Counter.builder("beacon_ingress_handshakes").description("Validation handshakes answered")
                .tag("route", route).register(registry).increment();
    }

    void unavailable(String cause) {
        unavailableCounter(cause).increment();
    }

    void kafkaSend(Duration took, boolean acked) {
        Timer.builder("beacon_ingress_kafka_send")
                .description("Time from producing a delivery to Kafka's acknowledgement (or giving up)")
                .tag("outcome", acked ? "acked" : "failed")
                .serviceLevelObjectives(SEND_BUCKETS)
                .register(registry).record(took);
    }

    private Counter rejectedCounter(Rejection reason) {
        return Counter.builder("beacon_ingress_rejected").description("Deliveries refused, by reason")
                .tag("reason", reason.label()).register(registry);
    }

    private Counter unavailableCounter(String cause) {
        return Counter.builder("beacon_ingress_unavailable")
                .description("Deliveries answered 503 (the sender retries), by cause")
                .tag("cause", cause).register(registry);
    }
}
