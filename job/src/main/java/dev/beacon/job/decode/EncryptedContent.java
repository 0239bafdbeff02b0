package dev.beacon.job.decode;

/**
 * The {@code encryptedContent} of a Graph rich notification, exactly as received (all values still base64 or ids).
 * Nothing here is secret in itself, but it is bulky, so {@link #toString()} prints only the certificate id.
 *
 * @param data                            base64 AES-256-CBC ciphertext of the resource (a chatMessage as JSON)
 * @param dataSignature                   base64 HMAC-SHA256 of the decoded {@code data}; null when Graph's item
 *                                        lacked it (the decryptor then rejects the item)
 * @param dataKey                         base64 RSA-OAEP-wrapped 32-byte symmetric key
 * @param encryptionCertificateId         which of our certificates wrapped the key: selects the private key
 * @param encryptionCertificateThumbprint the certificate's thumbprint; informational, may be null
 */
public record EncryptedContent(
        String data,
        String dataSignature,
        String dataKey,
        String encryptionCertificateId,
        String encryptionCertificateThumbprint) {

    @Override
    public String toString() {
        return "EncryptedContent{certificateId=" + encryptionCertificateId + ", signed=" + (dataSignature != null)
                + "}";
    }
}
