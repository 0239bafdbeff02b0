package dev.beacon.job.testing;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.crypto.EncryptedContent;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Encrypts a resource the way Graph does for rich notifications, with the contract's
 * {@link RichNotificationCrypto#encrypt} (the one implementation, shared with the control plane and the emulator),
 * and hands it back in the job's decoded form. Also makes deliberately broken content for negative tests.
 */
public final class GraphEncryption {

    private GraphEncryption() {}

    /** For a bare public key: the thumbprint is a stand-in that matches no certificate (see {@link #thumbprintOf}). */
    public static EncryptedContent encrypt(byte[] plaintextJson, PublicKey key, String certificateId) {
        return job(RichNotificationCrypto.encrypt(plaintextJson, key, certificateId, thumbprintOf(key)));
    }

    /** For {@code keys}' certificate, with its real thumbprint: what Graph sends for that certificate. */
    public static EncryptedContent encrypt(byte[] plaintextJson, TestKeys keys, String certificateId) {
        return job(RichNotificationCrypto.encrypt(plaintextJson, keys.publicKey(), certificateId, keys.thumbprint()));
    }

    /** The same content with one byte of {@code data} flipped and the original signature: a forgery. */
    public static EncryptedContent tamperData(EncryptedContent content) {
        byte[] data = Base64.getDecoder().decode(content.data());
        data[data.length / 2] ^= 0x01;
        return new EncryptedContent(Base64.getEncoder().encodeToString(data), content.dataSignature(),
                content.dataKey(), content.encryptionCertificateId(), content.encryptionCertificateThumbprint());
    }

    private static EncryptedContent job(dev.beacon.contracts.crypto.EncryptedContent c) {
        return new EncryptedContent(c.data(), c.dataSignature(), c.dataKey(), c.encryptionCertificateId(),
                c.encryptionCertificateThumbprint());
    }

    /**
     * Looks like the certificate thumbprint Graph sends (SHA-1, upper-case hex) but hashes the public key, so it
     * matches no certificate: content encrypted for a bare public key is found by its certificate id only.
     */
    private static String thumbprintOf(PublicKey key) {
        try {
            return HexFormat.of().withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
