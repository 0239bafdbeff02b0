package dev.beacon.control.ingress;

import dev.beacon.control.LogGuards;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook ingress process ({@code beaconctl ingress}): the clientState values, the validation-token verifier, a
 * Kafka producer and the HTTP receiver, and nothing else of the control plane (no database, no vault, no tokens).
 */
public final class IngressService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngressService.class);

    private final KafkaForwarder forwarder;
    private final WebhookIngress http;
    private final MetricsListener metricsListener;

    private IngressService(KafkaForwarder forwarder, WebhookIngress http, MetricsListener metricsListener) {
        this.forwarder = forwarder;
        this.http = http;
        this.metricsListener = metricsListener;
    }

    /**
     * Jetty's I/O, HTTP and server loggers print the first and last bytes of every buffer at DEBUG: on the ingress
     * that is a request body, which may end with a clientState or a validation token. They stay at INFO here even
     * when an operator turns everything to DEBUG (found by {@code IngressWebhookTest}, which captures DEBUG).
     */
    static final List<String> BODY_BEARING = List.of("org.eclipse.jetty.io", "org.eclipse.jetty.http",
            "org.eclipse.jetty.server", "org.eclipse.jetty.ee10", "io.javalin");

    static void applyLogGuards() {
        LogGuards.apply();
        for (String name : BODY_BEARING) {
            if (LogManager.getLogger(name).isDebugEnabled()) {
                Configurator.setLevel(name, Level.INFO);
            }
        }
    }

    public static IngressService start(IngressSettings settings) {
        applyLogGuards();
        AcceptedClientStates states = AcceptedClientStates.from(settings);
        ValidationTokenVerifier verifier = new ValidationTokenVerifier(settings.jwksUrl(), settings.appIds(),
                settings.jwksMinRefresh());
        KafkaForwarder forwarder = new KafkaForwarder(settings.kafkaBootstrap(), settings.topic(),
                settings.sendTimeout(), settings.maxBodyBytes());
        IngressMetrics metrics = new IngressMetrics();
        MetricsListener metricsListener = null;
        try {
            if (settings.metricsPort() != IngressSettings.METRICS_OFF) {
                metricsListener = MetricsListener.start(settings.metricsHost(), settings.metricsPort(), metrics);
            }
            WebhookIngress http = new WebhookIngress(settings, states, verifier, forwarder, metrics).start();
            return new IngressService(forwarder, http, metricsListener);
        } catch (RuntimeException e) {
            if (metricsListener != null) {
                metricsListener.close();
            }
            forwarder.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The metrics listener's port; -1 when {@code BEACON_INGRESS_METRICS_PORT=off}. */
    public int metricsPort() {
        return metricsListener == null ? -1 : metricsListener.port();
    }

    /** Runs until the JVM is asked to stop. */
    public static void runUntilStopped(IngressSettings settings) throws InterruptedException {
        IngressService s = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("webhook ingress stopping");
            s.close();
            stopped.countDown();
        }, "ingress-shutdown"));
        stopped.await();
    }

    @Override
    public void close() {
        http.close();
        if (metricsListener != null) {
            metricsListener.close();
        }
        forwarder.close();
    }
}
