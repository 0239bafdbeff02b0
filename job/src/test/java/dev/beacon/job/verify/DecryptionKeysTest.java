package dev.beacon.job.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.TestKeys;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecryptionKeysTest {

    private static final char[] PASSWORD = "p12-Passw0rd!".toCharArray();

    private static TestKeys current;
    private static TestKeys previous;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() {
        current = TestKeys.generate("Beacon-Cert-2025");
        previous = TestKeys.generate("beacon-cert-2024");
    }

    @Test
    void loadsEveryPrivateKeyOfAPkcs12FileByItsAlias() {
        Path file = TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current, previous);

        DecryptionKeys keys = DecryptionKeys.load(file, PASSWORD);

        assertThat(keys.certificateIds()).hasSize(2);
        assertThat(keys.certificateIds()).allSatisfy(id -> assertThat(id)
                .isIn("Beacon-Cert-2025", "beacon-cert-2025", "beacon-cert-2024"));
        assertThat(encoded(keys, "Beacon-Cert-2025")).isEqualTo(current.privateKey().getEncoded());
        assertThat(encoded(keys, "beacon-cert-2024")).isEqualTo(previous.privateKey().getEncoded());
    }

    @Test
    void matchesCertificateIdsIgnoringCase() {
        DecryptionKeys keys = DecryptionKeys.load(
                TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current), PASSWORD);

        assertThat(encoded(keys, "BEACON-CERT-2025")).isEqualTo(current.privateKey().getEncoded());
        assertThat(encoded(keys, "beacon-cert-2025")).isEqualTo(current.privateKey().getEncoded());
        assertThat(keys.forCertificateId("beacon-cert-2026")).isEmpty();
        assertThat(keys.forCertificateId(null)).isEmpty();
    }

    @Test
    void twoKeysCoexistDuringRotation() throws Exception {
        DecryptionKeys keys = DecryptionKeys.load(
                TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current, previous), PASSWORD);
        RichNotificationDecryptor decryptor = new RichNotificationDecryptor(keys);
        byte[] oldJson = "{\"id\":\"old\"}".getBytes(StandardCharsets.UTF_8);
        byte[] newJson = "{\"id\":\"new\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(decryptor.decrypt(GraphEncryption.encrypt(oldJson, previous.publicKey(),
                previous.certificateId()))).isEqualTo(oldJson);
        assertThat(decryptor.decrypt(GraphEncryption.encrypt(newJson, current.publicKey(),
                current.certificateId()))).isEqualTo(newJson);
    }

    @Test
    void aWrongPasswordNamesTheFileButNotThePassword() {
        Path file = TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current);

        assertThatThrownBy(() -> DecryptionKeys.load(file, "guess-Passw0rd".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot open PKCS12 key store " + file + ": wrong password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guess-Passw0rd")
                        .doesNotContain(new String(PASSWORD)));
    }

    @Test
    void aMissingOrUnreadableFileNamesTheFile() throws Exception {
        Path missing = dir.resolve("missing.p12");
        Path notPkcs12 = Files.writeString(dir.resolve("keys.pem"), "-----BEGIN " + "PRIVATE KEY-----\nAAAA\n" /* not a key: a file that is not PKCS12 */);

        assertThatThrownBy(() -> DecryptionKeys.load(missing, PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PKCS12 key store " + missing + " does not exist");
        assertThatThrownBy(() -> DecryptionKeys.load(notPkcs12, PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot open PKCS12 key store " + notPkcs12 + ": ");
    }

    @Test
    void aStoreWithoutPrivateKeysIsAConfigurationError() throws Exception {
        Path file = dir.resolve("certs-only.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("just-a-cert", current.certificate());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }

        assertThatThrownBy(() -> DecryptionKeys.load(file, PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PKCS12 key store " + file + " holds no private key");
    }

    @Test
    void buildsFromAMapAndRejectsAmbiguousIds() {
        Map<String, PrivateKey> map = new LinkedHashMap<>();
        map.put("Cert-A", current.privateKey());
        map.put("cert-b", previous.privateKey());

        DecryptionKeys keys = DecryptionKeys.of(map);

        assertThat(keys.certificateIds()).containsExactly("Cert-A", "cert-b");
        assertThat(keys.forCertificateId("cert-a")).contains(current.privateKey());
        assertThat(keys.toString()).isEqualTo("DecryptionKeys[Cert-A, cert-b]");

        map.put("CERT-B", current.privateKey());
        assertThatThrownBy(() -> DecryptionKeys.of(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("certificate id CERT-B is given twice (ids ignore case)");
    }

    @Test
    void findsAKeyByItsCertificatesThumbprintInAnyCase() {
        DecryptionKeys keys = DecryptionKeys.load(
                TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current, previous), PASSWORD);
        String thumbprint = previous.thumbprint();

        assertThat(thumbprint).hasSize(40).isUpperCase();
        assertThat(keys.forThumbprint(thumbprint)).contains(previous.privateKey());
        assertThat(keys.forThumbprint(thumbprint.toLowerCase(Locale.ROOT)))
                .contains(previous.privateKey());
        assertThat(keys.find("renamed-in-the-keystore", thumbprint)).contains(previous.privateKey());
        assertThat(keys.find(null, thumbprint)).contains(previous.privateKey());
        assertThat(keys.forThumbprint("0000000000000000000000000000000000000000")).isEmpty();
        assertThat(keys.forThumbprint(null)).isEmpty();
        assertThat(keys.find("renamed-in-the-keystore", null)).isEmpty();
    }

    @Test
    void theCertificateIdWinsOverTheThumbprint() {
        DecryptionKeys keys = DecryptionKeys.load(
                TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, current, previous), PASSWORD);

        // Graph never sends a mismatching pair; if it did, the id (our own name for the key) decides.
        assertThat(keys.find("beacon-cert-2024", current.thumbprint())).contains(previous.privateKey());
    }

    @ParameterizedTest(name = "RSA-{0}")
    @ValueSource(ints = {2048, 3072, 4096})
    void decryptsWithEveryKeySizeGraphAcceptsAndAnExpiredCertificate(int bits) throws Exception {
        Instant now = Instant.now();
        TestKeys expired = TestKeys.generate("expired-" + bits, bits, now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(35)));
        assertThatThrownBy(() -> expired.certificate().checkValidity())
                .isInstanceOf(CertificateExpiredException.class);
        DecryptionKeys keys = DecryptionKeys.load(
                TestKeys.writePkcs12(dir.resolve("keys.p12"), PASSWORD, expired, current), PASSWORD);
        RichNotificationDecryptor decryptor = new RichNotificationDecryptor(keys);
        byte[] json = ("{\"id\":\"rsa-" + bits + "\"}").getBytes(StandardCharsets.UTF_8);

        // By alias, and by thumbprint alone (the id Graph sends is not the alias).
        assertThat(decryptor.decrypt(GraphEncryption.encrypt(json, expired, expired.certificateId())))
                .isEqualTo(json);
        assertThat(decryptor.decrypt(GraphEncryption.encrypt(json, expired, "id-given-at-subscription")))
                .isEqualTo(json);
        assertThat(((RSAPrivateKey) keys.forThumbprint(expired.thumbprint()).orElseThrow()).getModulus().bitLength())
                .isEqualTo(bits);
    }

    @Test
    void theSameCertificateUnderTwoAliasesIsOneKey() throws Exception {
        Path file = dir.resolve("twice.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("cert-2025", current.privateKey(), PASSWORD, new Certificate[] {current.certificate()});
        store.setKeyEntry("cert-2025-copy", current.privateKey(), PASSWORD,
                new Certificate[] {current.certificate()});
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }

        DecryptionKeys keys = DecryptionKeys.load(file, PASSWORD);

        assertThat(keys.certificateIds()).containsExactlyInAnyOrder("cert-2025", "cert-2025-copy");
        assertThat(keys.forThumbprint(current.thumbprint()).orElseThrow().getEncoded())
                .isEqualTo(current.privateKey().getEncoded());
    }

    @Test
    void oneCertificateWithTwoDifferentKeysIsRejected() throws Exception {
        Path file = dir.resolve("broken.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("right", current.privateKey(), PASSWORD, new Certificate[] {current.certificate()});
        store.setKeyEntry("wrong", previous.privateKey(), PASSWORD, new Certificate[] {current.certificate()});
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }

        assertThatThrownBy(() -> DecryptionKeys.load(file, PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("Entry (right|wrong) has the certificate of another entry \\(thumbprint "
                        + current.thumbprint().toLowerCase(Locale.ROOT) + "\\) but a different private key");
    }

    @Test
    void keysGivenByIdHaveNoThumbprints() {
        DecryptionKeys keys = DecryptionKeys.of(Map.of("cert-a", current.privateKey()));

        assertThat(keys.forThumbprint(current.thumbprint())).isEmpty();
        assertThat(keys.find("cert-a", current.thumbprint())).contains(current.privateKey());
    }

    @Test
    void noneHasNoKeys() {
        assertThat(DecryptionKeys.none().certificateIds()).isEmpty();
        assertThat(DecryptionKeys.none().forCertificateId("Beacon-Cert-2025")).isEmpty();
    }

    private static byte[] encoded(DecryptionKeys keys, String certificateId) {
        return keys.forCertificateId(certificateId).orElseThrow().getEncoded();
    }
}
