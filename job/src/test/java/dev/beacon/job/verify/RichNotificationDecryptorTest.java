package dev.beacon.job.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RichNotificationDecryptorTest {

    private static final String CERT_ID = "beacon-rich-notifications";

    /** Bytes 0x00..0x1f; Graph's IV is the first 16 of them. */
    private static final byte[] FIXED_KEY = new byte[32];

    static {
        for (int i = 0; i < FIXED_KEY.length; i++) {
            FIXED_KEY[i] = (byte) i;
        }
    }

    private static final String PLAINTEXT = "{\"id\":\"1729760713464\",\"messageType\":\"message\","
            + "\"body\":{\"contentType\":\"text\",\"content\":\"Emergency call to 911\"}}";

    /*
     * Known answers, computed independently of Java with OpenSSL 3.0:
     *
     *   KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
     *   IV=000102030405060708090a0b0c0d0e0f
     *   printf '%s' "$PLAINTEXT" | openssl enc -aes-256-cbc -K $KEY -iv $IV | base64 -w0
     *   printf '%s' "$PLAINTEXT" | openssl enc -aes-256-cbc -K $KEY -iv $IV \
     *       | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64 -w0
     *
     * (the HMAC in hex: b73322c749511d0f7c5983f83ea7f502246b2935a8d17926ebcb96e53e7c8646). That the contract's
     * encryption produces them is checked in contracts' RichNotificationCryptoTest.
     */
    private static final String KNOWN_DATA = "JoeKQHn/akftciTVrJbLIyPtUMbzLA5hLSqSxthH4zxjA6x7PzEUG4vjTgEOux7962C08AnKY"
            + "MfrYWYa7uTm08IGiTbm25RowcHy5wRNhe7aoLo/N1MtZ23LnukT1EBuE1O4p9g5dXNrkzMtFpRlEg==";
    private static final String KNOWN_SIGNATURE = "tzMix0lRHQ98WYP4Pqf1AiRrKTWo0Xkm68uW5T58hkY=";

    private static TestKeys keys;
    private static TestKeys otherKeys;
    private static RichNotificationDecryptor decryptor;

    @BeforeAll
    static void generateKeys() {
        keys = TestKeys.generate(CERT_ID);
        otherKeys = TestKeys.generate("someone-else");
        decryptor = new RichNotificationDecryptor(DecryptionKeys.of(Map.of(CERT_ID, keys.privateKey())));
    }

    private static byte[] plaintext() {
        return PLAINTEXT.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decryptsTheKnownAnswerWithAKeyWrappedAtRunTime() throws Exception {
        EncryptedContent known = new EncryptedContent(KNOWN_DATA, KNOWN_SIGNATURE, wrap(FIXED_KEY, keys), CERT_ID,
                null);

        assertThat(new String(decryptor.decrypt(known), StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
    }

    @Test
    void decryptsWhatGraphEncryptionProducesWithARandomKey() throws Exception {
        EncryptedContent content = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);

        assertThat(decryptor.decrypt(content)).isEqualTo(plaintext());
    }

    @Test
    void findsTheKeyWhateverTheCaseOfTheCertificateId() throws Exception {
        EncryptedContent content = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID.toUpperCase());

        assertThat(decryptor.decrypt(content)).isEqualTo(plaintext());
    }

    @Test
    void tamperedDataIsAnHmacMismatch() {
        EncryptedContent forged = GraphEncryption.tamperData(
                GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID));

        assertFails(forged, DeadLetterReason.HMAC_MISMATCH, "dataSignature does not match data");
    }

    @Test
    void aMissingSignatureIsAnHmacMismatch() {
        EncryptedContent signed = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);

        assertFails(withSignature(signed, null), DeadLetterReason.HMAC_MISMATCH, "dataSignature is missing");
        assertFails(withSignature(signed, ""), DeadLetterReason.HMAC_MISMATCH, "dataSignature is missing");
    }

    @Test
    void aSignatureOfOtherDataIsAnHmacMismatch() {
        EncryptedContent signed = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);
        EncryptedContent other = GraphEncryption.encrypt("{}".getBytes(StandardCharsets.UTF_8), keys.publicKey(),
                CERT_ID);

        assertFails(withSignature(signed, other.dataSignature()), DeadLetterReason.HMAC_MISMATCH,
                "dataSignature does not match data");
    }

    @Test
    void anUnknownCertificateIdIsReported() {
        EncryptedContent content = GraphEncryption.encrypt(plaintext(), keys.publicKey(), "retired-cert");

        assertFails(content, DeadLetterReason.UNKNOWN_CERTIFICATE,
                "no private key for encryptionCertificateId retired-cert or encryptionCertificateThumbprint "
                        + content.encryptionCertificateThumbprint());
        assertThat(catchThrowableOfType(RichNotificationException.class,
                        () -> new RichNotificationDecryptor(DecryptionKeys.none()).decrypt(content))
                .reason()).isEqualTo(DeadLetterReason.UNKNOWN_CERTIFICATE);
    }

    @Test
    void aKeyWrappedForAnotherCertificateCannotBeUnwrapped() {
        // Claims our certificate id, but the key was wrapped with someone else's public key.
        EncryptedContent content = GraphEncryption.encrypt(plaintext(), otherKeys.publicKey(), CERT_ID);

        assertFails(content, DeadLetterReason.DECRYPTION_FAILED, "dataKey could not be unwrapped with the private key");
    }

    @Test
    void aWrappedKeyOfTheWrongLengthIsRejected() throws Exception {
        EncryptedContent content = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);
        EncryptedContent shortKey = new EncryptedContent(content.data(), content.dataSignature(),
                wrap(new byte[16], keys), CERT_ID, null);

        assertFails(shortKey, DeadLetterReason.DECRYPTION_FAILED, "unwrapped dataKey has 16 bytes, not 32");
    }

    @Test
    void anAuthenticButUndecryptablePayloadFailsDecryption() throws Exception {
        // 17 bytes are no AES-CBC ciphertext, but the signature over them is right: the HMAC passes, AES fails.
        byte[] notABlockMultiple = new byte[17];
        EncryptedContent content = new EncryptedContent(Base64.getEncoder().encodeToString(notABlockMultiple),
                Base64.getEncoder().encodeToString(hmac(FIXED_KEY, notABlockMultiple)), wrap(FIXED_KEY, keys),
                CERT_ID, null);

        assertFails(content, DeadLetterReason.DECRYPTION_FAILED, "data could not be decrypted");
    }

    @Test
    void garbageBase64NeverEscapesAsAnUncheckedException() throws Exception {
        EncryptedContent good = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);

        assertFails(new EncryptedContent(good.data(), good.dataSignature(), "***not base64***", CERT_ID, null),
                DeadLetterReason.DECRYPTION_FAILED, "dataKey is not valid base64");
        assertFails(new EncryptedContent(good.data(), good.dataSignature(), "AAAA", CERT_ID, null),
                DeadLetterReason.DECRYPTION_FAILED, "dataKey could not be unwrapped with the private key");
        assertFails(new EncryptedContent("%%%", good.dataSignature(), good.dataKey(), CERT_ID, null),
                DeadLetterReason.DECRYPTION_FAILED, "data is not valid base64");
        assertFails(new EncryptedContent(good.data(), "#sig#", good.dataKey(), CERT_ID, null),
                DeadLetterReason.HMAC_MISMATCH, "dataSignature is not valid base64");
        assertFails(new EncryptedContent(good.data(), good.dataSignature(), null, CERT_ID, null),
                DeadLetterReason.DECRYPTION_FAILED, "dataKey is missing");
        assertFails(null, DeadLetterReason.DECRYPTION_FAILED, "no encrypted content");
    }

    @Test
    void staysUsableAfterFailures() throws Exception {
        EncryptedContent good = GraphEncryption.encrypt(plaintext(), keys.publicKey(), CERT_ID);
        assertFails(GraphEncryption.encrypt(plaintext(), otherKeys.publicKey(), CERT_ID),
                DeadLetterReason.DECRYPTION_FAILED, "dataKey could not be unwrapped with the private key");
        assertFails(GraphEncryption.tamperData(good), DeadLetterReason.HMAC_MISMATCH,
                "dataSignature does not match data");

        assertThat(decryptor.decrypt(good)).isEqualTo(plaintext());
    }

    private static void assertFails(EncryptedContent content, DeadLetterReason reason, String detail) {
        RichNotificationException e = catchThrowableOfType(RichNotificationException.class,
                () -> decryptor.decrypt(content));

        assertThat(e).as("expected %s", reason).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.detail()).isEqualTo(detail);
    }

    private static EncryptedContent withSignature(EncryptedContent c, String signature) {
        return new EncryptedContent(c.data(), signature, c.dataKey(), c.encryptionCertificateId(),
                c.encryptionCertificateThumbprint());
    }

    /** Wraps a symmetric key for {@code keys}, as Graph does: RSA-OAEP with SHA-1. */
    private static String wrap(byte[] symmetricKey, TestKeys keys) throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, keys.publicKey());
        return Base64.getEncoder().encodeToString(rsa.doFinal(symmetricKey));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
