package dev.beacon.contracts.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract's crypto against answers computed outside this code: Microsoft's own rich-notification vector
 * (msgraph-sdk-java-core, MIT; see the NOTICE beside it in the test resources) and OpenSSL's AES/HMAC output.
 */
class RichNotificationCryptoTest {

    private static final String VECTOR = "/vectors/msgraph-sdk-java-core/DecryptableContentTests.java";
    private static final Pattern LITERAL = Pattern.compile("\"([^\"\\\\\\n]*)\"");

    /** SHA-256 and length of the vector's plaintext, decrypted independently with OpenSSL 3.0. */
    private static final String VECTOR_PLAINTEXT_SHA256 =
            "e1a9e5a8030d2df677b075feebf1e02dca4080b36990cc4d1b0391c98d0b0930";
    private static final int VECTOR_PLAINTEXT_BYTES = 1297;

    /*
     * Known answers, computed with OpenSSL 3.0 (KEY = bytes 0x00..0x1f, IV = its first 16 bytes):
     *   printf '%s' "$PLAINTEXT" | openssl enc -aes-256-cbc -K $KEY -iv $IV | base64 -w0
     *   ... | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64 -w0
     */
    private static final byte[] FIXED_KEY = new byte[32];
    private static final String PLAINTEXT = "{\"id\":\"1729760713464\",\"messageType\":\"message\","
            + "\"body\":{\"contentType\":\"text\",\"content\":\"Emergency call to 911\"}}";
    private static final String KNOWN_DATA = "JoeKQHn/akftciTVrJbLIyPtUMbzLA5hLSqSxthH4zxjA6x7PzEUG4vjTgEOux7962C08AnKY"
            + "MfrYWYa7uTm08IGiTbm25RowcHy5wRNhe7aoLo/N1MtZ23LnukT1EBuE1O4p9g5dXNrkzMtFpRlEg==";
    private static final String KNOWN_SIGNATURE = "tzMix0lRHQ98WYP4Pqf1AiRrKTWo0Xkm68uW5T58hkY=";

    private static KeyPair rsa;

    static {
        for (int i = 0; i < FIXED_KEY.length; i++) {
            FIXED_KEY[i] = (byte) i;
        }
    }

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    @Test
    void decryptsMicrosoftsVectorFoundByThumbprint() throws Exception {
        String source = resource(VECTOR);
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] password = literal(source, "String caPassword =").toCharArray();
        store.load(new ByteArrayInputStream(Base64.getDecoder().decode(literal(source, "var certificateString ="))),
                password);
        String alias = literal(source, "ks.getKey(");
        PrivateKey key = (PrivateKey) store.getKey(alias, password);
        String thumbprint = RichNotificationCrypto.thumbprint((X509Certificate) store.getCertificate(alias));
        EncryptedContent content = new EncryptedContent(literal(source, "setData("),
                literal(source, "setDataSignature("), literal(source, "setDataKey("),
                literal(source, "setEncryptionCertificateId("), literal(source, "setEncryptionCertificateThumbprint("));
        // The vector's certificate id is not the alias: only the thumbprint connects the key.
        KeyLookup byThumbprint = (id, tp) -> thumbprint.equalsIgnoreCase(tp) ? Optional.of(key) : Optional.empty();

        byte[] plaintext = new RichNotificationCrypto.Decryptor(byThumbprint).decrypt(content);

        assertThat(content.encryptionCertificateThumbprint()).isEqualTo("4B95353E086AD37196606ACF834A14532F03E6DB");
        assertThat(plaintext).hasSize(VECTOR_PLAINTEXT_BYTES);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext)))
                .isEqualTo(VECTOR_PLAINTEXT_SHA256);
        JsonNode message = new ObjectMapper().readTree(plaintext);
        assertThat(message.path("etag").asText()).isEqualTo(literal(source, "assertEquals("));
        assertThat(message.path("body").path("content").asText()).isEqualTo("Hello World");
    }

    @Test
    void encryptionWithAFixedKeyMatchesOpenSsl() {
        EncryptedContent c = RichNotificationCrypto.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8),
                rsa.getPublic(), "cert-1", "AB12", FIXED_KEY.clone());

        assertThat(c.data()).isEqualTo(KNOWN_DATA);
        assertThat(c.dataSignature()).isEqualTo(KNOWN_SIGNATURE);
        assertThat(c.encryptionCertificateId()).isEqualTo("cert-1");
        assertThat(c.encryptionCertificateThumbprint()).isEqualTo("AB12");
    }

    @Test
    void decryptsWhatItEncryptsWithAFreshKeyEachTime() throws Exception {
        byte[] plaintext = PLAINTEXT.getBytes(StandardCharsets.UTF_8);
        EncryptedContent a = RichNotificationCrypto.encrypt(plaintext, rsa.getPublic(), "cert-1", "AB12");
        EncryptedContent b = RichNotificationCrypto.encrypt(plaintext, rsa.getPublic(), "cert-1", "AB12");

        assertThat(a.data()).isNotEqualTo(b.data());
        assertThat(decryptor().decrypt(a)).isEqualTo(plaintext);
        assertThat(decryptor().decrypt(b)).isEqualTo(plaintext);
    }

    @Test
    void classifiesFailures() {
        EncryptedContent good = RichNotificationCrypto.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8),
                rsa.getPublic(), "cert-1", "AB12");

        assertFailure(new EncryptedContent(good.data(), good.dataSignature(), good.dataKey(), "cert-2", null),
                DecryptionException.Failure.UNKNOWN_CERTIFICATE);
        assertFailure(new EncryptedContent(good.data(), null, good.dataKey(), "cert-1", null),
                DecryptionException.Failure.HMAC_MISMATCH);
        assertFailure(new EncryptedContent(KNOWN_DATA, good.dataSignature(), good.dataKey(), "cert-1", null),
                DecryptionException.Failure.HMAC_MISMATCH);
        assertFailure(new EncryptedContent(good.data(), good.dataSignature(), "AAAA", "cert-1", null),
                DecryptionException.Failure.DECRYPTION_FAILED);
    }

    private static RichNotificationCrypto.Decryptor decryptor() {
        return new RichNotificationCrypto.Decryptor(
                (id, tp) -> "cert-1".equals(id) ? Optional.of(rsa.getPrivate()) : Optional.empty());
    }

    private static void assertFailure(EncryptedContent content, DecryptionException.Failure failure) {
        DecryptionException e = catchThrowableOfType(DecryptionException.class, () -> decryptor().decrypt(content));
        assertThat(e).as("expected %s", failure).isNotNull();
        assertThat(e.failure()).isEqualTo(failure);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RichNotificationCryptoTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The concatenated string literals of the statement starting at the one {@code marker} (to the next ';'). */
    private static String literal(String source, String marker) {
        int start = source.indexOf(marker);
        assertThat(start).as(marker).isNotNegative();
        assertThat(source.indexOf(marker, start + 1)).as("one " + marker).isNegative();
        Matcher m = LITERAL.matcher(source.substring(start, source.indexOf(';', start)));
        StringBuilder value = new StringBuilder();
        while (m.find()) {
            value.append(m.group(1));
        }
        return value.toString();
    }
}
