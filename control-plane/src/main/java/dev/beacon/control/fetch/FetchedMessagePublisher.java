package dev.beacon.control.fetch;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.kafka.AckedSends;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
        Properties p = AckedSends.producerConfig(bootstrap, "beacon-fetched-messages");
        return new FetchedMessagePublisher(new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer()), true, topic, certificates, signingKey, clock, Duration.ofSeconds(30));
    }

    /**
     * Encrypts, signs and publishes one message, waiting for the broker.
     *
     * @param chatMessageJson the chatMessage exactly as Graph returned it
     * @throws AckedSends.NotAcknowledged when the broker did not acknowledge it in time (nothing may be committed)
     */
    public FetchedMessage publish(Origin origin, String integrationId, String tenantId, String subscriptionId,
                                  String chatId, String messageId, byte[] chatMessageJson)
            throws AckedSends.NotAcknowledged {
        var certificate = certificates.current(integrationId);
        FetchedMessage message = FetchedMessageSignature.sign(new FetchedMessage(origin, integrationId, tenantId,
                subscriptionId, chatId, messageId, clock.instant(),
                RichNotificationCrypto.encrypt(chatMessageJson, certificate.certificate(), certificate.id()), null),
                signingKey.get());
        byte[] key = (chatId + "/" + messageId).getBytes(StandardCharsets.UTF_8);
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(topic, key, FetchedMessageCodec.toBytes(message)));
        } catch (RuntimeException e) {
            throw AckedSends.failed(e, topic, "the fetched message");
        }
        AckedSends.awaitAll(List.of(sent), timeout, topic, "the fetched message");
        return message;
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
