package dev.beacon.contracts.crypto;

/**
 * Graph's {@code encryptedContent} of a rich notification, field for field.
 *
 * @param data                            base64 AES-256-CBC ciphertext of the resource's JSON
 * @param dataSignature                   base64 HMAC-SHA256 of the (decoded) ciphertext, keyed with the data key
 * @param dataKey                         base64 RSA-OAEP (SHA-1) wrapped 32-byte data key
 * @param encryptionCertificateId         the id given to Graph with the certificate when subscribing
 * @param encryptionCertificateThumbprint SHA-1 thumbprint of that certificate, hex
 */
public record EncryptedContent(String data, String dataSignature, String dataKey, String encryptionCertificateId,
                               String encryptionCertificateThumbprint) {

    /** Names the certificate only: the ciphertext and wrapped key are noise in a log line. */
    @Override
    public String toString() {
        return "EncryptedContent{certificateId=" + encryptionCertificateId + ", signed=" + (dataSignature != null)
                + "}";
    }
}
