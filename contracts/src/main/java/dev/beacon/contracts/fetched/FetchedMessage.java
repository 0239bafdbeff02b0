package dev.beacon.contracts.fetched;

import dev.beacon.contracts.crypto.EncryptedContent;
import java.time.Instant;

/**
 * A chat message the control plane fetched from Graph (hydration or backfill), on its way into the job's input topic
 * ({@code teams-events}) so the job detects, deduplicates and correlates it like any notification.
 *
 * <p>The job holds no Graph credential and must not believe a plaintext emergency from whoever can write to its
 * input, so the record is <b>authenticated</b>: {@code signature} is an HMAC ({@link FetchedMessageSignature}) with a
 * key the control plane exports into the job-secrets directory, never written to Kafka. The message itself is
 * <b>encrypted</b> exactly like a Graph rich notification, for the integration's current encryption certificate:
 * ordinary chat content never sits in plaintext on the topic.
 *
 * @param origin         hydration or backfill
 * @param integrationId  the control plane's integration whose token fetched it
 * @param tenantId       the tenant (Entra directory) of the chat
 * @param subscriptionId the subscription whose notification asked for it (hydration), or null
 * @param chatId         {@code chatMessage.chatId}
 * @param messageId      {@code chatMessage.id}
 * @param fetchedAt      when Graph answered
 * @param content        the chatMessage JSON as Graph returned it, encrypted
 * @param signature      base64 HMAC-SHA256 over {@link FetchedMessageSignature#canonical}; null while unsigned
 */
public record FetchedMessage(
        Origin origin, String integrationId, String tenantId, String subscriptionId, String chatId,
        String messageId, Instant fetchedAt, EncryptedContent content, String signature) {

    /** The {@code schema} field that marks this record among Graph's own JSON on the same topic. */
    public static final String SCHEMA = "dev.beacon.fetched-message.v1";

    public FetchedMessage withSignature(String signature) {
        return new FetchedMessage(origin, integrationId, tenantId, subscriptionId, chatId, messageId, fetchedAt,
                content, signature);
    }

    /** The Graph-style resource path of the message, as a rich notification would name it. */
    public String resource() {
        return "chats('" + chatId + "')/messages('" + messageId + "')";
    }

    @Override
    public String toString() {
        return "FetchedMessage[" + origin.label() + " " + integrationId + " " + chatId + "/" + messageId + "]";
    }
}
