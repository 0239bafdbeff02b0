package dev.beacon.job.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Builds the records the control plane publishes for the job ({@code FetchedMessagePublisher}'s side of the
 * contract): a chatMessage encrypted like a rich notification for a {@link TestKeys} certificate, then signed with a
 * fetch-signing key. Everything goes through the contracts module, so the job is tested against the real format.
 */
public final class FetchedMessages {

    public static final String INTEGRATION = "contoso-teams";
    public static final Instant FETCHED_AT = Instant.parse("2026-11-22T09:10:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private FetchedMessages() {}

    /** A fresh fetch-signing key ({@value FetchedMessageSignature#KEY_BYTES} random bytes). */
    public static byte[] newKey() {
        byte[] key = new byte[FetchedMessageSignature.KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    public static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /** Not yet signed: {@code chatMessage} (its {@code chatId} and {@code id} name it) encrypted for {@code keys}. */
    public static FetchedMessage unsigned(Origin origin, String tenantId, String subscriptionId, ObjectNode chatMessage,
            TestKeys keys) {
        return new FetchedMessage(origin, INTEGRATION, tenantId, subscriptionId, chatMessage.path("chatId").asText(),
                chatMessage.path("id").asText(), FETCHED_AT,
                RichNotificationCrypto.encrypt(bytes(chatMessage), keys.certificate(), keys.certificateId()), null);
    }

    /** What the control plane publishes. */
    public static FetchedMessage signed(Origin origin, String tenantId, String subscriptionId, ObjectNode chatMessage,
            TestKeys keys, byte[] signingKey) {
        return FetchedMessageSignature.sign(unsigned(origin, tenantId, subscriptionId, chatMessage, keys), signingKey);
    }

    /** The record value on the topic. */
    public static byte[] value(FetchedMessage m) {
        return FetchedMessageCodec.toBytes(m);
    }

    /** The record as JSON, to tamper with. */
    public static ObjectNode json(FetchedMessage m) {
        return FetchedMessageCodec.toJson(m);
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
