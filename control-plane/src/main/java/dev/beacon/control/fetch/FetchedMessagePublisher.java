package dev.beacon.control.fetch;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.certs.EncryptionCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Puts a message fetched from Graph (hydration or backfill) into the job's input topic as a signed, encrypted
 * {@link FetchedMessage}: encrypted for the integration's current encryption certificate (so chat content is never in
 * plaintext on the topic), signed with the fetch-signing key the job gets in its secrets directory. {@link #publish}
 * returns only once the broker acknowledged the record ({@code acks=all}); callers commit their own progress (a
 * consumer offset, a backfill cursor) after that, never before.
 */
public final class FetchedMessagePublisher implements AutoCloseable {

    /** What the fetch-signing key is derived for from the vault key ({@code SealedBox#derivedKey}). */
    public static final String SIGNING_KEY_PURPOSE = "fetched-message-signing";

    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final String topic;
    private final EncryptionCertificates certificates;
    private final Supplier<byte[]> signingKey;
    private final Clock clock;
    private final Duration timeout;

    public FetchedMessagePublisher(Producer<byte[], byte[]> producer, String topic,
                                   EncryptionCertificates certificates, Supplier<byte[]> signingKey, Clock clock,
                                   Duration timeout) {
        this(producer, false, topic, certificates, signingKey, clock, timeout);
    }

    private FetchedMessagePublisher(Producer<byte[], byte[]> producer, boolean ownsProducer, String topic,
                                    EncryptionCertificates certificates, Supplier<byte[]> signingKey, Clock clock,
                                    Duration timeout) {
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.topic = topic;
        this.certificates = certificates;
        this.signingKey = signingKey;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** A publisher with its own idempotent {@code acks=all} producer, closed with it. */
    public static FetchedMessagePublisher create(String bootstrap, String topic, EncryptionCertificates certificates,
                                                 Supplier<byte[]> signingKey, Clock clock) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "beacon-fetched-messages");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        return new FetchedMessagePublisher(new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer()), true, topic, certificates, signingKey, clock, Duration.ofSeconds(30));
    }

    /**
     * Encrypts, signs and publishes one message, waiting for the broker.
     *
     * @param chatMessageJson the chatMessage exactly as Graph returned it
     * @throws PublishFailedException when the broker did not acknowledge it in time (nothing may be committed)
     */
    public FetchedMessage publish(Origin origin, String integrationId, String tenantId, String subscriptionId,
                                  String chatId, String messageId, byte[] chatMessageJson)
            throws PublishFailedException {
        var certificate = certificates.current(integrationId);
        FetchedMessage message = FetchedMessageSignature.sign(new FetchedMessage(origin, integrationId, tenantId,
                subscriptionId, chatId, messageId, clock.instant(),
                RichNotificationCrypto.encrypt(chatMessageJson, certificate.certificate(), certificate.id()), null),
                signingKey.get());
        byte[] key = (chatId + "/" + messageId).getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topic, key, FetchedMessageCodec.toBytes(message)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("Kafka did not acknowledge the fetched message on " + topic + ": "
                    + cause.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The broker did not take the record; the caller keeps its work uncommitted and retries. */
    public static final class PublishFailedException extends Exception {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
