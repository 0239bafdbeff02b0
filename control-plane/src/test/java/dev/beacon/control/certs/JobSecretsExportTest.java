package dev.beacon.control.certs;

import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export read back the way the job reads it, with the contract's {@link JobSecretsLayout}: every file, and a
 * fetched message signed with the control plane's key verified against the exported signing keys.
 */
class JobSecretsExportTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path dir;
    SubscriptionRig rig;

    /** Mid-rotation of the vault key: the current one seals and signs, the previous one still verifies. */
    final String previousVaultKey = SealedBox.newKeyBase64();
    final SealedBox vault = SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of(previousVaultKey));

    @BeforeEach
    void setUp() {
        rig = new SubscriptionRig(PG, dir.resolve("rig"));
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void theJobReadsEveryFileWithTheContractAndVerifiesTheControlPlanesSignature() throws Exception {
        var cert = rig.certificates.current(INTEGRATION);
        Path out = dir.resolve("job-secrets");
        var export = new JobSecretsExport(out, rig.certificates, () -> List.of("state-new", "state-old"),
                () -> vault.derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), null);

        export.export();

        JobSecretsLayout layout = new JobSecretsLayout(out);
        assertThat(Files.readString(layout.clientStates())).isEqualTo("state-new\nstate-old\n");
        assertThat(JobSecretsLayout.readList("auth.client-state-file", layout.clientStates()))
                .containsExactly("state-new", "state-old");
        List<byte[]> signingKeys = FetchedMessageSignature.decodeKeys(
                JobSecretsLayout.readList("auth.fetch-signing-key-file", layout.fetchSigningKeys()));
        assertThat(signingKeys).hasSize(2);

        // Signed as FetchedMessagePublisher signs: with the current derived key.
        FetchedMessage current = FetchedMessageSignature.sign(message(cert),
                vault.derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE));
        // Signed by a replica that still ran with the previous vault key.
        FetchedMessage inFlight = FetchedMessageSignature.sign(message(cert),
                SealedBox.fromBase64(previousVaultKey, List.of())
                        .derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE));
        FetchedMessage stranger = FetchedMessageSignature.sign(message(cert),
                SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of())
                        .derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE));
        assertThat(FetchedMessageSignature.verify(current, signingKeys)).isTrue();
        assertThat(FetchedMessageSignature.verify(inFlight, signingKeys)).isTrue();
        assertThat(FetchedMessageSignature.verify(stranger, signingKeys)).isFalse();

        String password = SecretSource.readFile("auth.keystore-password-file", layout.keystorePassword());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(layout.keystore())) {
            ks.load(in, password.toCharArray());
        }
        assertThat(Collections.list(ks.aliases())).containsExactly(cert.id());

        assertThat(Files.list(out).map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                JobSecretsLayout.CLIENT_STATES, JobSecretsLayout.KEYSTORE, JobSecretsLayout.KEYSTORE_PASSWORD,
                JobSecretsLayout.FETCH_SIGNING_KEYS);
        if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
            for (Path p : List.of(layout.keystore(), layout.keystorePassword(), layout.clientStates(),
                    layout.fetchSigningKeys())) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aVaultKeyRotationReachesTheJobAtTheNextExport() throws Exception {
        Path out = dir.resolve("rotating");
        List<SealedBox> vaults = new java.util.ArrayList<>(List.of(SealedBox.fromBase64(previousVaultKey, List.of())));
        var export = new JobSecretsExport(out, rig.certificates, () -> List.of("s"),
                () -> vaults.get(0).derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), "pw-configured");
        export.export();
        assertThat(JobSecretsLayout.readList("keys", export.fetchSigningKeysFile())).hasSize(1);

        vaults.set(0, vault);
        export.export();

        List<byte[]> keys = FetchedMessageSignature.decodeKeys(
                JobSecretsLayout.readList("keys", export.fetchSigningKeysFile()));
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).isEqualTo(vault.derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE));
        assertThat(keys.get(1)).isEqualTo(SealedBox.fromBase64(previousVaultKey, List.of())
                .derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE));
    }

    private static FetchedMessage message(EncryptionCertificates.Certificate cert) {
        byte[] json = "{\"id\":\"1712\",\"chatId\":\"19:a@thread.v2\"}".getBytes(StandardCharsets.UTF_8);
        return new FetchedMessage(Origin.HYDRATION, INTEGRATION, "tenant-1", "sub-1", "19:a@thread.v2", "1712",
                Instant.parse("2026-11-27T20:00:00Z"),
                RichNotificationCrypto.encrypt(json, cert.certificate(), cert.id()), null);
    }
}
