package dev.beacon.job.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.testing.MicrosoftGraphTestVector;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Microsoft's own rich-notification test vector (msgraph-sdk-java-core, MIT; see the NOTICE next to it), decrypted
 * with the keystore exactly as Microsoft ships it. Its key sits under the alias {@code richnotificationsapp.com} while
 * the notification says {@code encryptionCertificateId} {@code custom-id-for-testing}: only the certificate
 * thumbprint connects them, which is why a lookup by alias alone dead-lettered it as {@code unknown_certificate}.
 */
class MicrosoftGraphVectorTest {

    /*
     * The plaintext, decrypted independently of Java with OpenSSL 3.0 from the same literals:
     *
     *   openssl pkcs12 -legacy -in vector.p12 -passin pass:rich -nocerts -nodes > key   (deleted afterwards)
     *   openssl pkeyutl -decrypt -inkey key -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 \
     *       -in dataKey.bin -out aes.bin
     *   openssl dgst -sha256 -mac HMAC -macopt hexkey:$AES -binary data.bin | base64     (= dataSignature)
     *   openssl enc -d -aes-256-cbc -K $AES -iv ${AES:0:32} -in data.bin | sha256sum
     */
    private static final String PLAINTEXT_SHA256 = "e1a9e5a8030d2df677b075feebf1e02dca4080b36990cc4d1b0391c98d0b0930";
    private static final int PLAINTEXT_BYTES = 1297;

    private static MicrosoftGraphTestVector vector;

    @TempDir
    Path dir;

    @BeforeAll
    static void readVector() {
        vector = MicrosoftGraphTestVector.load();
    }

    @Test
    void theVectorIsReadAsMicrosoftWroteIt() {
        assertThat(vector.alias()).isEqualTo("richnotificationsapp.com");
        assertThat(vector.password()).isEqualTo("rich");
        assertThat(vector.etag()).isEqualTo("1625126194597");
        EncryptedContent c = vector.content();
        assertThat(c.encryptionCertificateId()).isEqualTo("custom-id-for-testing");
        assertThat(c.encryptionCertificateThumbprint()).isEqualTo("4B95353E086AD37196606ACF834A14532F03E6DB");
        assertThat(c.dataSignature()).isEqualTo("wAtDAqtryLgLo4zhy8BOpqTjf6BYlGv1I9acDpKQo5w=");
        assertThat(c.data()).hasSize(1752).startsWith("FFYlP1Bgb/fWW2kHMZiq4Y98E").endsWith("TKnJI5xPbjjtZZxjA==");
        assertThat(c.dataKey()).hasSize(684).startsWith("PfUrKAM9G3k7Bx3XUAQ7j").endsWith("ZkNweDxDQXdHOvvfmU=");
        assertThat(vector.pkcs12()).hasSize(4206);
    }

    @Test
    void decryptsMicrosoftsNotificationWithTheKeystoreAsShipped() throws Exception {
        DecryptionKeys keys = DecryptionKeys.load(vector.writeKeystore(dir), vector.password().toCharArray());

        byte[] plaintext = new RichNotificationDecryptor(keys).decrypt(vector.content());

        assertThat(plaintext).hasSize(PLAINTEXT_BYTES);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext)))
                .isEqualTo(PLAINTEXT_SHA256);
        JsonNode message = new ObjectMapper().readTree(plaintext);
        // What Microsoft's own tests assert (Java: etag; .NET: also the body).
        assertThat(message.path("etag").asText()).isEqualTo(vector.etag());
        assertThat(message.path("body").path("content").asText()).isEqualTo("Hello World");
        assertThat(message.path("body").path("contentType").asText()).isEqualTo("text");
        assertThat(message.path("id").asText()).isEqualTo("1625126194597");
        assertThat(message.path("from").path("user").path("displayName").asText()).isEqualTo("MOD Administrator");
    }

    @Test
    void decryptsMicrosoftsNotificationWithTheNativeProviderAndWithTheJdks() throws Exception {
        DecryptionKeys keys = DecryptionKeys.load(vector.writeKeystore(dir), vector.password().toCharArray());
        String arch = System.getProperty("os.arch");
        boolean shipsNative = System.getProperty("os.name").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
        CryptoProviders nativeChoice = CryptoProviders.select(CryptoProviders::loadAccp);
        assertThat(nativeChoice.isNative()).isEqualTo(shipsNative);

        for (CryptoProviders choice : new CryptoProviders[] {nativeChoice, CryptoProviders.jdk("test")}) {
            RichNotificationDecryptor decryptor = new RichNotificationDecryptor(keys, choice,
                    dev.beacon.contracts.crypto.DataKeyCache.disabled());
            byte[] plaintext = decryptor.decrypt(vector.content());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext)))
                    .as(decryptor.providerNames()).isEqualTo(PLAINTEXT_SHA256);
        }
    }

    @Test
    void theKeyIsFoundByThumbprintBecauseTheAliasIsNotTheCertificateId() {
        DecryptionKeys keys = DecryptionKeys.load(vector.writeKeystore(dir), vector.password().toCharArray());
        EncryptedContent c = vector.content();

        assertThat(keys.certificateIds()).containsExactly("richnotificationsapp.com");
        assertThat(keys.forCertificateId(c.encryptionCertificateId())).isEmpty();
        assertThat(keys.forThumbprint(c.encryptionCertificateThumbprint())).isPresent();
        assertThat(keys.find(c.encryptionCertificateId(), c.encryptionCertificateThumbprint()))
                .isEqualTo(keys.forCertificateId("richnotificationsapp.com"));
    }

    @Test
    void theCertificateIsAnExpiredRsa4096OneWhoseSha1IsTheThumbprint() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(vector.pkcs12()), vector.password().toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate(vector.alias());

        assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength()).isEqualTo(4096);
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("2023-02-20T14:55:36Z"));
        assertThatThrownBy(certificate::checkValidity).isInstanceOf(CertificateExpiredException.class);
        assertThat(HexFormat.of().withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())))
                .isEqualTo(vector.content().encryptionCertificateThumbprint());
    }

    @Test
    void withoutTheThumbprintTheVectorIsAnUnknownCertificate() {
        DecryptionKeys keys = DecryptionKeys.load(vector.writeKeystore(dir), vector.password().toCharArray());
        EncryptedContent c = vector.content();
        EncryptedContent idOnly = new EncryptedContent(c.data(), c.dataSignature(), c.dataKey(),
                c.encryptionCertificateId(), null);

        RichNotificationException e = catchThrowableOfType(RichNotificationException.class,
                () -> new RichNotificationDecryptor(keys).decrypt(idOnly));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_CERTIFICATE);
        assertThat(e.detail()).isEqualTo("no private key for encryptionCertificateId custom-id-for-testing"
                + " or encryptionCertificateThumbprint (missing)");
    }

    @Test
    void aTamperedVectorFailsTheSignatureCheck() {
        DecryptionKeys keys = DecryptionKeys.load(vector.writeKeystore(dir), vector.password().toCharArray());
        EncryptedContent c = vector.content();
        // One base64 character changed in the middle of the ciphertext: a different byte, the same length.
        int middle = c.data().length() / 2;
        char flipped = c.data().charAt(middle) == 'A' ? 'B' : 'A';
        EncryptedContent tampered = new EncryptedContent(
                c.data().substring(0, middle) + flipped + c.data().substring(middle + 1), c.dataSignature(),
                c.dataKey(), c.encryptionCertificateId(), c.encryptionCertificateThumbprint());

        RichNotificationException e = catchThrowableOfType(RichNotificationException.class,
                () -> new RichNotificationDecryptor(keys).decrypt(tampered));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.HMAC_MISMATCH);
        assertThat(e.detail()).isEqualTo("dataSignature does not match data");
    }
}
