package dev.beacon.control.vault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest with AES-256-GCM. Every secret column in the control plane's tables holds one of these.
 *
 * <p>Keys come from the operator (environment or file, base64 of 32 random bytes): one <em>primary</em> key seals,
 * and any number of <em>previous</em> keys still open old values, which is how keys are rotated: add the new key
 * as primary, keep the old one as previous, run {@code vault rekey}, then drop the old key. A key's id is a
 * fingerprint of the key, stored with each box, so a box sealed under a key we do not have fails with a clear
 * {@link VaultKeyException} instead of a cryptic tag mismatch.
 *
 * <p>Each box is bound to its purpose with associated data (for example {@code token_cache/acme/<account>}), so a
 * value copied into another row does not open there.
 *
 * <p>Layout: {@code 0x01 | keyIdLength | keyId (ASCII) | nonce (12) | ciphertext+tag}.
 */
public final class SealedBox {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String primaryId;
    private final Map<String, SecretKey> keys; // id -> key, primary first
    private final SecureRandom random = new SecureRandom();

    private SealedBox(List<byte[]> rawKeys) {
        if (rawKeys.isEmpty()) {
            throw new VaultKeyException("no vault key configured (set BEACON_VAULT_KEY or BEACON_VAULT_KEY_FILE)");
        }
        Map<String, SecretKey> m = new LinkedHashMap<>();
        for (byte[] raw : rawKeys) {
            if (raw.length != 32) {
                throw new VaultKeyException("a vault key must be 32 bytes (base64 of 32 random bytes), got "
                        + raw.length + " bytes");
            }
            m.putIfAbsent(keyId(raw), new SecretKeySpec(raw, "AES"));
        }
        this.keys = m;
        this.primaryId = m.keySet().iterator().next();
    }

    /**
     * @param primaryBase64  the key that seals (base64, 32 bytes)
     * @param previousBase64 keys that only open (may be empty)
     */
    public static SealedBox fromBase64(String primaryBase64, List<String> previousBase64) {
        List<byte[]> raw = new ArrayList<>();
        raw.add(decodeKey(primaryBase64));
        for (String k : previousBase64) {
            if (k != null && !k.isBlank()) {
                raw.add(decodeKey(k));
            }
        }
        return new SealedBox(raw);
    }

    /** A fresh random key, base64: what {@code beaconctl vault new-key} prints. */
    public static String newKeyBase64() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /**
     * A 32-byte key for another purpose (for example signing sign-in links), derived from the primary key with
     * HMAC-SHA256 over {@code purpose}: every replica with the same vault key derives the same key, and the vault
     * key itself never leaves this class. Rotating the vault key changes it.
     */
    public byte[] derivedKey(String purpose) {
        return derive(primaryId, purpose);
    }

    /**
     * {@link #derivedKey} under every configured key, primary first: what a verifier accepts while a vault key
     * rotation is under way (records signed under the previous key are still in flight).
     */
    public List<byte[]> derivedKeys(String purpose) {
        return keyIds().stream().map(id -> derive(id, purpose)).toList();
    }

    private byte[] derive(String keyId, String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(keyId).getEncoded(), "HmacSHA256"));
            return mac.doFinal(("beacon derived key/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The id of the key that seals new values. */
    public String primaryKeyId() {
        return primaryId;
    }

    /** Ids of every configured key, primary first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    public byte[] seal(byte[] plaintext, String purpose) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] id = primaryId.getBytes(StandardCharsets.US_ASCII);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(primaryId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            return ByteBuffer.allocate(2 + id.length + NONCE_BYTES + ct.length)
                    .put(VERSION).put((byte) id.length).put(id).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public byte[] sealString(String plaintext, String purpose) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), purpose);
    }

    public byte[] open(byte[] box, String purpose) {
        String id = keyIdOf(box);
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new VaultKeyException("value for " + purpose + " was sealed with vault key " + id
                    + ", which is not configured (configured: " + String.join(", ", keys.keySet())
                    + "). Set the right BEACON_VAULT_KEY, or add the old key to BEACON_VAULT_PREVIOUS_KEYS.");
        }
        int offset = 2 + id.length();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, offset, NONCE_BYTES));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(box, offset + NONCE_BYTES, box.length - offset - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new VaultKeyException("value for " + purpose + " failed its integrity check under vault key "
                    + id + ": it was altered or belongs to another row", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public String openString(byte[] box, String purpose) {
        return new String(open(box, purpose), StandardCharsets.UTF_8);
    }

    /** True when the box was sealed under an older key and should be resealed (rotation). */
    public boolean needsReseal(byte[] box) {
        return !primaryId.equals(keyIdOf(box));
    }

    /** The key id stored in a box (no key needed). */
    public static String keyIdOf(byte[] box) {
        if (box == null || box.length < 2 + NONCE_BYTES + TAG_BITS / 8 || box[0] != VERSION) {
            throw new VaultKeyException("not a Beacon sealed box (unknown format)");
        }
        int len = box[1];
        if (len <= 0 || 2 + len > box.length) {
            throw new VaultKeyException("not a Beacon sealed box (bad key id)");
        }
        return new String(box, 2, len, StandardCharsets.US_ASCII);
    }

    private static byte[] decodeKey(String base64) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new VaultKeyException("a vault key is not valid base64");
        }
    }

    /** First 8 bytes of SHA-256 over a label and the key: identifies a key without revealing it. */
    static String keyId(byte[] raw) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("beacon-vault-key-id:".getBytes(StandardCharsets.US_ASCII));
            byte[] h = d.digest(raw);
            return "k" + HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SealedBox[primary=" + primaryId + ", keys=" + keys.size() + "]";
    }
}
