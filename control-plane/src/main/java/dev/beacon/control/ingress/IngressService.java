package dev.beacon.control.ingress;

import dev.beacon.control.LogGuards;
import java.util.concurrent.CountDownLatch;
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

    public static IngressService start(IngressSettings settings) {
        LogGuards.apply();
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
