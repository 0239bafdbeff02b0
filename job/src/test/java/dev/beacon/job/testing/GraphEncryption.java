package dev.beacon.job.testing;

import dev.beacon.job.decode.EncryptedContent;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a resource the way Graph does for rich notifications: the exact inverse of
 * {@code RichNotificationDecryptor}. A random (or given) 32-byte AES key encrypts the JSON with AES-256-CBC, PKCS#5
 * padding and IV = key[0..16]; HMAC-SHA256 with the same key signs the ciphertext; RSA-OAEP (SHA-1) wraps the key.
 */
public final class GraphEncryption {

    private static final SecureRandom RANDOM = new SecureRandom();

    private GraphEncryption() {}

    public static EncryptedContent encrypt(byte[] plaintextJson, PublicKey key, String certificateId) {
        byte[] aesKey = new byte[32];
        RANDOM.nextBytes(aesKey);
        return encrypt(plaintextJson, key, certificateId, aesKey);
    }

    /** For {@code keys}' certificate, with its real thumbprint: what Graph sends for that certificate. */
    public static EncryptedContent encrypt(byte[] plaintextJson, TestKeys keys, String certificateId) {
        EncryptedContent c = encrypt(plaintextJson, keys.publicKey(), certificateId);
        return new EncryptedContent(c.data(), c.dataSignature(), c.dataKey(), certificateId, keys.thumbprint());
    }

    /** With a fixed AES key, so that {@code data} and {@code dataSignature} are deterministic (known-answer tests). */
    public static EncryptedContent encrypt(byte[] plaintextJson, PublicKey key, String certificateId, byte[] aesKey) {
        if (aesKey.length != 32) {
            throw new IllegalArgumentException("Graph uses a 32-byte AES key");
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"),
                    new IvParameterSpec(Arrays.copyOf(aesKey, 16)));
            byte[] ciphertext = aes.doFinal(plaintextJson);

            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(aesKey, "HmacSHA256"));
            byte[] signature = hmac.doFinal(ciphertext);

            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, key);
            byte[] wrappedKey = rsa.doFinal(aesKey);

            Base64.Encoder b64 = Base64.getEncoder();
            return new EncryptedContent(b64.encodeToString(ciphertext), b64.encodeToString(signature),
                    b64.encodeToString(wrappedKey), certificateId, thumbprintOf(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt test content", e);
        }
    }

    /** The same content with one byte of {@code data} flipped and the original signature: a forgery. */
    public static EncryptedContent tamperData(EncryptedContent content) {
        byte[] data = Base64.getDecoder().decode(content.data());
        data[data.length / 2] ^= 0x01;
        return new EncryptedContent(Base64.getEncoder().encodeToString(data), content.dataSignature(),
                content.dataKey(), content.encryptionCertificateId(), content.encryptionCertificateThumbprint());
    }

    /**
     * Looks like the certificate thumbprint Graph sends (SHA-1, upper-case hex) but hashes the public key, so it
     * matches no certificate: content encrypted for a bare public key is found by its certificate id only.
     */
    private static String thumbprintOf(PublicKey key) throws GeneralSecurityException {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(key.getEncoded()));
    }
}
