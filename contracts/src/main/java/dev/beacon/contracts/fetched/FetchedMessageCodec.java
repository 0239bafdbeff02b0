package dev.beacon.contracts.fetched;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.contracts.records.Fields;
import java.io.IOException;

/**
 * JSON of a {@link FetchedMessage} on {@code teams-events}: snake_case like Beacon's other records, with Graph's own
 * field names inside {@code encrypted_content} so it reads like a rich notification's {@code encryptedContent}.
 * <pre>
 * {"schema": "dev.beacon.fetched-message.v1", "origin": "backfill", "integration_id": "…", "tenant_id": "…",
 *  "subscription_id": null, "chat_id": "19:…", "message_id": "1700…", "fetched_at": "2026-…Z",
 *  "encrypted_content": {"data": "…", "dataSignature": "…", "dataKey": "…", "encryptionCertificateId": "…",
 *                        "encryptionCertificateThumbprint": "…"},
 *  "signature": "…"}
 * </pre>
 */
public final class FetchedMessageCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FetchedMessageCodec() {}

    /** True when {@code root} claims to be a fetched message (whether or not it is a valid one). */
    public static boolean claims(JsonNode root) {
        return root != null && root.isObject() && root.has("schema")
                && FetchedMessage.SCHEMA.equals(root.get("schema").asText(null));
    }

    public static byte[] toBytes(FetchedMessage m) {
        try {
            return MAPPER.writeValueAsBytes(toJson(m));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a fetched message", e);
        }
    }

    public static ObjectNode toJson(FetchedMessage m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", FetchedMessage.SCHEMA);
        n.put("origin", m.origin().label());
        n.put("integration_id", m.integrationId());
        n.put("tenant_id", m.tenantId());
        n.put("subscription_id", m.subscriptionId());
        n.put("chat_id", m.chatId());
        n.put("message_id", m.messageId());
        n.put("fetched_at", m.fetchedAt().toString());
        ObjectNode c = n.putObject("encrypted_content");
        EncryptedContent e = m.content();
        c.put("data", e.data());
        c.put("dataSignature", e.dataSignature());
        c.put("dataKey", e.dataKey());
        c.put("encryptionCertificateId", e.encryptionCertificateId());
        c.put("encryptionCertificateThumbprint", e.encryptionCertificateThumbprint());
        n.put("signature", m.signature());
        return n;
    }

    /** Parses a record that {@link #claims} to be a fetched message; the signature is not checked here. */
    public static FetchedMessage fromJson(JsonNode n) throws ContractFormatException {
        if (!claims(n)) {
            throw new ContractFormatException("schema is not " + FetchedMessage.SCHEMA);
        }
        Origin origin;
        try {
            origin = Origin.fromLabel(Fields.requiredText(n, "origin"));
        } catch (IllegalArgumentException e) {
            throw new ContractFormatException("origin is neither hydration nor backfill");
        }
        JsonNode c = Fields.requiredObject(n, "encrypted_content");
        EncryptedContent content = new EncryptedContent(
                Fields.requiredText(c, "data"), Fields.requiredText(c, "dataSignature"),
                Fields.requiredText(c, "dataKey"), Fields.optionalText(c, "encryptionCertificateId"),
                Fields.optionalText(c, "encryptionCertificateThumbprint"));
        return new FetchedMessage(origin,
                Fields.requiredText(n, "integration_id"),
                Fields.requiredText(n, "tenant_id"),
                Fields.optionalText(n, "subscription_id"),
                Fields.requiredText(n, "chat_id"),
                Fields.requiredText(n, "message_id"),
                Fields.requiredInstant(n, "fetched_at"),
                content,
                Fields.requiredText(n, "signature"));
    }
}
