package dev.beacon.contracts.fetched;

import dev.beacon.contracts.crypto.EncryptedContent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies {@link FetchedMessage}s: HMAC-SHA256 over a canonical, length-prefixed encoding of every field
 * but the signature, so no two different records share an encoding. Keys are 32 random bytes (base64 in the
 * job-secrets file); the verifier accepts any key of the exported list, so a key can be rotated without losing
 * records in flight.
 */
public final class FetchedMessageSignature {

    public static final int KEY_BYTES = 32;

    private FetchedMessageSignature() {}

    public static FetchedMessage sign(FetchedMessage message, byte[] key) {
        return message.withSignature(Base64.getEncoder().encodeToString(mac(key, canonical(message))));
    }

    /** True when the signature is valid under one of {@code keys}; comparison in constant time. */
    public static boolean verify(FetchedMessage message, List<byte[]> keys) {
        if (message.signature() == null || keys.isEmpty()) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(message.signature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] canonical = canonical(message);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(mac(key, canonical), presented);
        }
        return ok;
    }

    /** Decodes the base64 keys of a signing-keys file; a key that is not 32 bytes is an error naming its line. */
    public static List<byte[]> decodeKeys(List<String> base64Keys) {
        return base64Keys.stream().map(k -> {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(k.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a fetch-signing key is not base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("a fetch-signing key has " + key.length + " bytes, not "
                        + KEY_BYTES);
            }
            return key;
        }).toList();
    }

    static byte[] canonical(FetchedMessage m) {
        EncryptedContent c = m.content();
        StringBuilder b = new StringBuilder(FetchedMessage.SCHEMA).append('\n');
        for (String field : new String[] {
                m.origin() == null ? null : m.origin().label(), m.integrationId(), m.tenantId(), m.subscriptionId(),
                m.chatId(), m.messageId(), m.fetchedAt() == null ? null : m.fetchedAt().toString(),
                c == null ? null : c.data(), c == null ? null : c.dataSignature(), c == null ? null : c.dataKey(),
                c == null ? null : c.encryptionCertificateId(),
                c == null ? null : c.encryptionCertificateThumbprint()}) {
            if (field == null) {
                b.append("-\n");
            } else {
                b.append(field.length()).append(':').append(field).append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
