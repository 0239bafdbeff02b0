package dev.beacon.control.certs;

import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.crypto.KeyLookup;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.control.emulator.GraphEndpoints;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.PostgresFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CertificateRotationTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final String MESSAGE = "{\"id\":\"1712\",\"body\":{\"content\":\"has placed an Emergency Call\"}}";

    @TempDir
    Path exportDir;
    SubscriptionRig rig;

    @BeforeEach
    void setUp() {
        rig = new SubscriptionRig(PG, exportDir);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void richSubscriptionsGetTheCurrentCertificateAndTheJobGetsItsKey() throws Exception {
        rig.desire(ALL_MESSAGES, true, 4320);
        rig.reconciler.reconcile(INTEGRATION);

        var cert = rig.certificates.existing(INTEGRATION).orElseThrow();
        assertThat(cert.id()).matches("beacon-acme-20260302-[0-9a-f]{8}");
        assertThat(cert.notAfter()).isEqualTo(rig.clock.instant().plus(Duration.ofDays(365)));
        assertThat(cert.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        var sub = rig.emulator.graph().subscriptions().get(0);
        var body = new ObjectMapper().readTree(rig.emulator.graph().requestBodies(sub.id()).get(0));
        assertThat(body.get("includeResourceData").asBoolean()).isTrue();
        assertThat(body.get("encryptionCertificateId").asText()).isEqualTo(cert.id());
        assertThat(body.get("encryptionCertificate").asText()).isEqualTo(cert.base64());
        assertThat(rig.onlyActive().encryptionCertificateId()).isEqualTo(cert.id());

        KeyStore ks = keystore();
        assertThat(Collections.list(ks.aliases())).containsExactly(cert.id());
        assertThat(decrypt(ks, rig.emulator.graph().encryptedContent(sub.id(), MESSAGE))).isEqualTo(MESSAGE);
        if (Files.getFileStore(exportDir).supportsFileAttributeView("posix")) {
            for (Path p : List.of(rig.export.keystore(), rig.export.passwordFile(), rig.export.clientStateFile(),
                    rig.export.fetchSigningKeysFile())) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            }
        }
        byte[] sealed = (byte[]) PG.queryValue(
                "SELECT private_key_sealed FROM encryption_certificate WHERE certificate_id = ?", cert.id());
        assertThat(sealed).isNotEqualTo(ks.getKey(cert.id(), password()).getEncoded());
    }

    @Test
    void rotationMovesSubscriptionsKeepsTheOldKeyWhileUsedThenDeletesIt() throws Exception {
        rig.desire(ALL_MESSAGES, true, 4320);
        rig.reconciler.reconcile(INTEGRATION);
        String id = rig.onlyActive().subscriptionId();
        var oldCert = rig.certificates.existing(INTEGRATION).orElseThrow();
        String passwordBefore = Files.readString(rig.export.passwordFile());

        // Graph fails the PATCH that would move the subscription: the old key must stay, even after the grace.
        rig.emulator.inject("PATCH", "/v1\\.0/subscriptions/[^/]+", Response.json(500, ""), 6);
        List<CertificateView> views = rig.reconciler.rotateCertificates(INTEGRATION);
        var newCert = rig.certificates.existing(INTEGRATION).orElseThrow();
        assertThat(newCert.id()).isNotEqualTo(oldCert.id());
        assertThat(views).extracting(CertificateView::certificateId, CertificateView::subscriptions,
                        v -> v.retiredAt() != null)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(oldCert.id(), 1, true),
                        org.assertj.core.groups.Tuple.tuple(newCert.id(), 0, false));
        assertThat(rig.emulator.graph().subscription(id).orElseThrow().encryptionCertificateId()).isEqualTo(oldCert.id());

        rig.clock.advance(Duration.ofDays(1).plusHours(1)); // grace (1 day in the rig) is over
        rig.reconciler.reconcile(INTEGRATION);               // PATCH fails again
        assertThat(rig.certificates.views(INTEGRATION)).hasSize(2);
        assertThat(rig.onlyActive().encryptionCertificateId()).isEqualTo(oldCert.id());

        // While both live, the exported keystore decrypts notifications encrypted to either certificate.
        KeyStore ks = keystore();
        assertThat(Collections.list(ks.aliases())).containsExactlyInAnyOrder(oldCert.id(), newCert.id());
        assertThat(decrypt(ks, GraphEndpoints.encryptFor(oldCert.base64(), oldCert.id(), MESSAGE))).isEqualTo(MESSAGE);
        assertThat(decrypt(ks, GraphEndpoints.encryptFor(newCert.base64(), newCert.id(), MESSAGE))).isEqualTo(MESSAGE);

        // Graph accepts the PATCH now: subscription moves, the old key is unused and past its grace: deleted.
        rig.clock.advance(Duration.ofHours(1));
        var report = rig.reconciler.reconcile(INTEGRATION);
        assertThat(report.renewed()).isEqualTo(1);
        assertThat(rig.emulator.graph().subscription(id).orElseThrow().encryptionCertificateId()).isEqualTo(newCert.id());
        assertThat(rig.emulator.graph().lastRequestBody(id)).contains(newCert.base64());
        assertThat(rig.onlyActive().encryptionCertificateId()).isEqualTo(newCert.id());
        assertThat(rig.certificates.views(INTEGRATION)).extracting(CertificateView::certificateId)
                .containsExactly(newCert.id());
        assertThat(Collections.list(keystore().aliases())).containsExactly(newCert.id());
        assertThat(Files.readString(rig.export.passwordFile())).isEqualTo(passwordBefore);
    }

    @Test
    void retiredKeyStaysThroughTheGraceEvenWhenUnused() {
        rig.desire(ALL_MESSAGES, true, 4320);
        rig.reconciler.reconcile(INTEGRATION);
        rig.reconciler.rotateCertificates(INTEGRATION); // moves the subscription at once
        assertThat(rig.certificates.views(INTEGRATION)).hasSize(2);
        rig.clock.advance(Duration.ofHours(23));
        rig.reconciler.reconcile(INTEGRATION);
        assertThat(rig.certificates.views(INTEGRATION)).hasSize(2);
        rig.clock.advance(Duration.ofHours(1));
        rig.reconciler.reconcile(INTEGRATION);
        assertThat(rig.certificates.views(INTEGRATION)).hasSize(1);
    }

    @Test
    void rotatesWhenWithinThirtyDaysOfExpiry() {
        var first = rig.certificates.current(INTEGRATION);
        assertThat(rig.certificates.current(INTEGRATION).id()).isEqualTo(first.id());
        rig.clock.advance(Duration.ofDays(334));
        assertThat(rig.certificates.rotateIfDue(INTEGRATION)).isEmpty();
        rig.clock.advance(Duration.ofDays(1));
        var second = rig.certificates.rotateIfDue(INTEGRATION).orElseThrow();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(rig.certificates.current(INTEGRATION).id()).isEqualTo(second.id());
        assertThat(rig.certificates.views(INTEGRATION)).filteredOn(v -> v.retiredAt() != null)
                .extracting(CertificateView::certificateId).containsExactly(first.id());
    }

    @Test
    void configuredKeystorePasswordIsUsedAndKeyEntriesToStringHidesKeys() throws Exception {
        rig.certificates.current(INTEGRATION);
        var export = new JobSecretsExport(exportDir.resolve("configured"), rig.certificates, List::of,
                () -> rig.vault.derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), "s3cret-pass");
        export.export();
        assertThat(Files.readString(export.passwordFile())).isEqualTo("s3cret-pass");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(export.keystore())) {
            ks.load(in, "s3cret-pass".toCharArray());
        }
        assertThat(ks.size()).isEqualTo(1);
        assertThat(Files.readString(export.clientStateFile())).isBlank();
        assertThat(rig.certificates.keys().get(0).toString()).doesNotContain("BEGIN").startsWith("KeyEntry[");
    }

    char[] password() throws Exception {
        return Files.readString(rig.export.passwordFile()).strip().toCharArray();
    }

    KeyStore keystore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(rig.export.keystore())) {
            ks.load(in, password());
        }
        return ks;
    }

    /** What the job does: the contract's decryptor, keys looked up in the exported keystore by certificate id. */
    String decrypt(KeyStore ks, Map<String, String> content) throws Exception {
        char[] password = password();
        KeyLookup keys = (id, thumbprint) -> {
            try {
                return Optional.ofNullable((PrivateKey) ks.getKey(id, password));
            } catch (GeneralSecurityException e) {
                return Optional.empty();
            }
        };
        return new String(new RichNotificationCrypto.Decryptor(keys).decrypt(new EncryptedContent(
                content.get("data"), content.get("dataSignature"), content.get("dataKey"),
                content.get("encryptionCertificateId"), content.get("encryptionCertificateThumbprint"))),
                StandardCharsets.UTF_8);
    }
}
