package dev.beacon.control.ingress;

/**
 * Where the ingress hands an accepted delivery: {@link KafkaForwarder} in production. The ingress answers 2xx only
 * when {@link #send} returned true, so an implementation returns true only once the delivery is durable.
 */
@FunctionalInterface
public interface Forwarder {

    /** One record to forward: its key (may be null) and its body. */
    record Keyed(String key, byte[] body) {}

    /** True once the delivery is durably stored; false when it was not within the bounded wait (answer 503). */
    boolean send(String key, byte[] body, String integration, String route);

    /**
     * Forwards several records (one per event); true once all of them are durably stored. False when any was not:
     * the sender retries the whole delivery, so records stored before the failure come again (at least once).
     */
    default boolean sendEach(java.util.List<Keyed> records, String integration, String route) {
        for (Keyed r : records) {
            if (!send(r.key(), r.body(), integration, route)) {
                return false;
            }
        }
        return true;
    }
}
