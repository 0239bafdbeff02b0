package dev.beacon.control.ingress;

/**
 * Where the ingress hands an accepted delivery: {@link KafkaForwarder} in production. The ingress answers 2xx only
 * when {@link #send} returned true, so an implementation returns true only once the delivery is durable.
 */
@FunctionalInterface
public interface Forwarder {

    /** True once the delivery is durably stored; false when it was not within the bounded wait (answer 503). */
    boolean send(String key, byte[] body, String integration, String route);
}
