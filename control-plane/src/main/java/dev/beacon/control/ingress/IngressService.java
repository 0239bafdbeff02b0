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

    private IngressService(KafkaForwarder forwarder, WebhookIngress http) {
        this.forwarder = forwarder;
        this.http = http;
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
        try {
            WebhookIngress http = new WebhookIngress(settings, states, verifier, forwarder).start();
            return new IngressService(forwarder, http);
        } catch (RuntimeException e) {
            forwarder.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
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
        forwarder.close();
    }
}
