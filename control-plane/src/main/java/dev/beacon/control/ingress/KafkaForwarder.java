package dev.beacon.control.ingress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces an accepted delivery's body, unchanged, to the topic the job reads, with {@code acks=all} and
 * idempotence, and tells the caller whether the broker acknowledged it within the bounded wait. The ingress
 * answers 2xx only when it did; otherwise 503, so the sender retries. A record that times out here may still be
 * written later: the retry then makes a duplicate, which the job drops (it deduplicates by message).
 */
public class KafkaForwarder implements Forwarder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaForwarder.class);

    public static final String HEADER_INTEGRATION = "beacon-integration";
    public static final String HEADER_ROUTE = "beacon-ingress-route";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final long timeoutMillis;

    public KafkaForwarder(String bootstrap, String topic, Duration timeout, int maxBodyBytes) {
        this.topic = topic;
        this.timeoutMillis = timeout.toMillis();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "beacon-ingress");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "5");
        p.put("linger.ms", "0");
        p.put("max.block.ms", Long.toString(timeoutMillis));
        p.put("request.timeout.ms", Long.toString(Math.max(1000, timeoutMillis)));
        p.put("delivery.timeout.ms", Long.toString(Math.max(1000, timeoutMillis) + 1000));
        p.put("max.request.size", Integer.toString(maxBodyBytes + 64 * 1024));
        p.put("reconnect.backoff.max.ms", "1000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** True once the broker acknowledged the record; false when it did not within the timeout, or failed. */
    @Override
    public boolean send(String key, byte[] body, String integration, String route) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), body);
        r.headers().add(new RecordHeader(HEADER_INTEGRATION, integration.getBytes(StandardCharsets.UTF_8)));
        r.headers().add(new RecordHeader(HEADER_ROUTE, route.getBytes(StandardCharsets.UTF_8)));
        try {
            var future = producer.send(r);
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            future.get(left, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("Kafka did not acknowledge within {} ms; answering 503", timeoutMillis);
            return false;
        } catch (ExecutionException e) {
            LOG.warn("Kafka did not take the record ({}); answering 503", e.getCause().getClass().getSimpleName());
            return false;
        } catch (KafkaException e) {
            LOG.warn("Kafka send failed ({}); answering 503", e.getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * All records produced at once (the idempotent producer keeps their order), then waited for within one
     * timeout: true once the broker acknowledged every one.
     */
    @Override
    public boolean sendEach(java.util.List<Keyed> records, String integration, String route) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        java.util.List<java.util.concurrent.Future<?>> pending = new java.util.ArrayList<>();
        try {
            for (Keyed k : records) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null,
                        k.key() == null ? null : k.key().getBytes(StandardCharsets.UTF_8), k.body());
                r.headers().add(new RecordHeader(HEADER_INTEGRATION, integration.getBytes(StandardCharsets.UTF_8)));
                r.headers().add(new RecordHeader(HEADER_ROUTE, route.getBytes(StandardCharsets.UTF_8)));
                pending.add(producer.send(r));
            }
            for (var f : pending) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                f.get(left, TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            LOG.warn("Kafka did not acknowledge {} record(s) within {} ms; answering 503", records.size(),
                    timeoutMillis);
            return false;
        } catch (ExecutionException e) {
            LOG.warn("Kafka did not take the records ({}); answering 503", e.getCause().getClass().getSimpleName());
            return false;
        } catch (KafkaException e) {
            LOG.warn("Kafka send failed ({}); answering 503", e.getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
