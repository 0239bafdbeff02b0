package dev.beacon.job.verify;

import dev.beacon.contracts.crypto.DecryptionException;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.EncryptedContent;
import java.util.Objects;

/**
 * Authenticates and decrypts the {@code encryptedContent} of a Graph rich notification. The crypto itself is the
 * contract's ({@link RichNotificationCrypto.Decryptor}: RSA-OAEP unwrap, HMAC-SHA256 check, then AES-256-CBC), the
 * same code the control plane's encryption is tested against; this class adapts the job's decoded content and maps
 * failures to the job's dead-letter reasons.
 *
 * <p>One per operator instance: the contract's Decryptor reuses its Cipher and Mac objects, so it is not
 * thread-safe.
 */
public final class RichNotificationDecryptor {

    private final RichNotificationCrypto.Decryptor decryptor;

    public RichNotificationDecryptor(DecryptionKeys keys) {
        this.decryptor = new RichNotificationCrypto.Decryptor(Objects.requireNonNull(keys, "keys"));
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
            throw new RichNotificationException(DeadLetterReason.DECRYPTION_FAILED, "no encrypted content");
        }
        try {
            return decryptor.decrypt(new dev.beacon.contracts.crypto.EncryptedContent(content.data(),
                    content.dataSignature(), content.dataKey(), content.encryptionCertificateId(),
                    content.encryptionCertificateThumbprint()));
        } catch (DecryptionException e) {
            throw new RichNotificationException(reason(e.failure()), e.getMessage());
        }
    }

    private static DeadLetterReason reason(DecryptionException.Failure failure) {
        return switch (failure) {
            case UNKNOWN_CERTIFICATE -> DeadLetterReason.UNKNOWN_CERTIFICATE;
            case HMAC_MISMATCH -> DeadLetterReason.HMAC_MISMATCH;
            case DECRYPTION_FAILED -> DeadLetterReason.DECRYPTION_FAILED;
        };
    }
}
