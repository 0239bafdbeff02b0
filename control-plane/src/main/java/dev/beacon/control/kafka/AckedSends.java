package dev.beacon.control.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the control plane puts records on Kafka when the caller may only go on once the broker has them (move a delta
 * link, commit an offset, answer an API call): an idempotent {@code acks=all} producer, and a wait for every
 * acknowledgement that ends in one {@link NotAcknowledged} naming the topic and the cause's class (never a value).
 * Shared by the directory, fetched-message and reference-data publishers.
 */
public final class AckedSends {

    private AckedSends() {
    }

    /** Producer settings for publishers that wait for each send: {@code acks=all}, idempotent, bounded blocking. */
    public static Properties producerConfig(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", clientId);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    /**
     * Waits until the broker acknowledged every send, all within {@code timeout}.
     *
     * @param what what was sent, for the message ("the fetched message", "the directory records")
     */
    public static void awaitAll(List<? extends Future<?>> sent, Duration timeout, String topic, String what)
            throws NotAcknowledged {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<?> f : sent) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledged("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw failed(e, topic, what);
        }
    }

    /** The failure of a send (thrown by {@code send} itself or by its future) as a {@link NotAcknowledged}. */
    public static NotAcknowledged failed(Exception e, String topic, String what) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new NotAcknowledged("Kafka did not acknowledge " + what + " on " + topic + ": "
                + cause.getClass().getSimpleName(), e);
    }

    /** The broker did not take every record in time; nothing that depends on them may be committed. */
    public static final class NotAcknowledged extends Exception {
        public NotAcknowledged(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
