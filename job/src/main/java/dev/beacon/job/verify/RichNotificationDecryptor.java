package dev.beacon.job.verify;

import static dev.beacon.job.audit.DeadLetterReason.DECRYPTION_FAILED;
import static dev.beacon.job.audit.DeadLetterReason.HMAC_MISMATCH;
import static dev.beacon.job.audit.DeadLetterReason.UNKNOWN_CERTIFICATE;

import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.EncryptedContent;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates and decrypts the {@code encryptedContent} of a Graph rich notification, as Graph documents it:
 * unwrap the symmetric key with our RSA private key (OAEP, SHA-1; any key size, 2048 to 4096 bits are tested), check
 * the HMAC-SHA256 of the ciphertext with that key, and only then decrypt it (AES-256-CBC, PKCS#5 padding, IV = first
 * 16 bytes of the key).
 *
 * <p>One per operator instance: the Cipher and Mac instances are created once and re-initialised per item, so it is
 * not thread-safe.
 */
public final class RichNotificationDecryptor {

    private static final int SYMMETRIC_KEY_BYTES = 32;
    private static final int IV_BYTES = 16;

    private final DecryptionKeys keys;
    private final Cipher rsa;
    private final Cipher aes;
    private final Mac hmac;

    public RichNotificationDecryptor(DecryptionKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
        try {
            this.rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
            this.aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            this.hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks RSA-OAEP, AES-CBC or HMAC-SHA256", e);
        }
    }

    /**
     * The plaintext (UTF-8 JSON of the resource) of an authentic rich notification.
     *
     * @throws RichNotificationException with {@code UNKNOWN_CERTIFICATE} when no key matches the certificate id or
     *     thumbprint, {@code HMAC_MISMATCH} when the signature is missing or wrong, {@code DECRYPTION_FAILED} for
     *     anything else
     */
    public byte[] decrypt(EncryptedContent content) throws RichNotificationException {
        if (content == null) {
            throw new RichNotificationException(DECRYPTION_FAILED, "no encrypted content");
        }
        PrivateKey privateKey = keys.find(content.encryptionCertificateId(), content.encryptionCertificateThumbprint())
                .orElseThrow(() -> new RichNotificationException(UNKNOWN_CERTIFICATE,
                        "no private key for encryptionCertificateId " + clip(content.encryptionCertificateId())
                                + " or encryptionCertificateThumbprint "
                                + clip(content.encryptionCertificateThumbprint())));

        byte[] symmetricKey = unwrapKey(privateKey, content.dataKey());
        try {
            byte[] ciphertext = base64(content.data(), DECRYPTION_FAILED, "data");
            verifySignature(symmetricKey, ciphertext, content.dataSignature());
            return decryptData(symmetricKey, ciphertext);
        } finally {
            Arrays.fill(symmetricKey, (byte) 0);
        }
    }

    private byte[] unwrapKey(PrivateKey privateKey, String dataKey) throws RichNotificationException {
        byte[] wrapped = base64(dataKey, DECRYPTION_FAILED, "dataKey");
        byte[] key;
        try {
            rsa.init(Cipher.DECRYPT_MODE, privateKey);
            key = rsa.doFinal(wrapped);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Typically a key wrapped for another certificate; the cause is not kept, it says nothing useful.
            throw new RichNotificationException(
                    DECRYPTION_FAILED, "dataKey could not be unwrapped with the private key");
        }
        if (key.length != SYMMETRIC_KEY_BYTES) {
            Arrays.fill(key, (byte) 0);
            throw new RichNotificationException(DECRYPTION_FAILED,
                    "unwrapped dataKey has " + key.length + " bytes, not " + SYMMETRIC_KEY_BYTES);
        }
        return key;
    }

    private void verifySignature(byte[] symmetricKey, byte[] ciphertext, String dataSignature)
            throws RichNotificationException {
        if (dataSignature == null || dataSignature.isEmpty()) {
            throw new RichNotificationException(HMAC_MISMATCH, "dataSignature is missing");
        }
        byte[] presented = base64(dataSignature, HMAC_MISMATCH, "dataSignature");
        byte[] expected;
        try {
            hmac.init(new SecretKeySpec(symmetricKey, "HmacSHA256"));
            expected = hmac.doFinal(ciphertext);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RichNotificationException(DECRYPTION_FAILED, "HMAC could not be computed");
        }
        if (!MessageDigest.isEqual(expected, presented)) {
            throw new RichNotificationException(HMAC_MISMATCH, "dataSignature does not match data");
        }
    }

    private byte[] decryptData(byte[] symmetricKey, byte[] ciphertext) throws RichNotificationException {
        try {
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(symmetricKey, "AES"),
                    new IvParameterSpec(symmetricKey, 0, IV_BYTES));
            return aes.doFinal(ciphertext);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RichNotificationException(DECRYPTION_FAILED, "data could not be decrypted");
        }
    }

    private static byte[] base64(String value, DeadLetterReason reason, String field)
            throws RichNotificationException {
        if (value == null || value.isEmpty()) {
            throw new RichNotificationException(reason, field + " is missing");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new RichNotificationException(reason, field + " is not valid base64");
        }
    }

    private static String clip(String id) {
        if (id == null) {
            return "(missing)";
        }
        return id.length() <= 64 ? id : id.substring(0, 64) + "...";
    }
}
