package dev.beacon.control.certs;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the Flink job needs to authenticate and decrypt notifications into one directory the job mounts, laid
 * out as the contract defines it ({@link JobSecretsLayout}, which the job reads with the same class):
 * <ul>
 *   <li>{@value JobSecretsLayout#KEYSTORE}: PKCS12, one private-key entry per stored encryption certificate (current
 *       and retired, until deleted), alias = {@code encryptionCertificateId} ({@code auth.keystore});</li>
 *   <li>{@value JobSecretsLayout#KEYSTORE_PASSWORD}: its password ({@code auth.keystore-password-file});</li>
 *   <li>{@value JobSecretsLayout#CLIENT_STATES}: every accepted clientState, one per line
 *       ({@code auth.client-state-file});</li>
 *   <li>{@value JobSecretsLayout#FETCH_SIGNING_KEYS}: base64 of each key that may sign a fetched message, current
 *       first, one per line ({@code auth.fetch-signing-key-file}).</li>
 * </ul>
 * Each file is written atomically with mode 0600 ({@link JobSecretsLayout#writeAtomically}), so the job never reads
 * half a file.
 *
 * <p>The keystore password is the one configured (a deployment secret), or, when none is, generated once and kept
 * in the password file: it does not change between exports, so a job reading the new keystore with a password
 * file read a moment earlier still opens it.
 */
public final class JobSecretsExport {

    private static final Logger log = LoggerFactory.getLogger(JobSecretsExport.class);

    private final JobSecretsLayout layout;
    private final EncryptionCertificates certificates;
    private final Supplier<List<String>> clientStates;
    private final Supplier<List<byte[]>> fetchSigningKeys;
    private final String configuredPassword;

    /**
     * @param clientStates     the accepted clientState secrets (e.g. {@code ClientStates::accepted})
     * @param fetchSigningKeys the keys a fetched message may be signed with, current first (e.g.
     *                         {@code () -> vault.derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE)})
     * @param keystorePassword a configured password, or null to generate one once and keep it
     */
    public JobSecretsExport(Path directory, EncryptionCertificates certificates, Supplier<List<String>> clientStates,
                            Supplier<List<byte[]>> fetchSigningKeys, String keystorePassword) {
        this.layout = new JobSecretsLayout(directory);
        this.certificates = certificates;
        this.clientStates = clientStates;
        this.fetchSigningKeys = fetchSigningKeys;
        this.configuredPassword = keystorePassword == null || keystorePassword.isBlank() ? null : keystorePassword;
    }

    public JobSecretsLayout layout() {
        return layout;
    }

    public Path keystore() {
        return layout.keystore();
    }

    public Path passwordFile() {
        return layout.keystorePassword();
    }

    public Path clientStateFile() {
        return layout.clientStates();
    }

    public Path fetchSigningKeysFile() {
        return layout.fetchSigningKeys();
    }

    /** Writes all four files from the current state (database, vault). */
    public synchronized void export() {
        try {
            Files.createDirectories(layout.directory());
            char[] password = password();
            var keys = certificates.keys();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (var k : keys) {
                store.setKeyEntry(k.certificateId(), k.privateKey(), password, new Certificate[] {k.certificate()});
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            JobSecretsLayout.writeAtomically(keystore(), out.toByteArray());
            List<String> states = clientStates.get();
            JobSecretsLayout.writeLines(clientStateFile(), states);
            List<String> signing = fetchSigningKeys.get().stream()
                    .map(k -> Base64.getEncoder().encodeToString(k)).toList();
            JobSecretsLayout.writeLines(fetchSigningKeysFile(), signing);
            log.info("Exported job secrets to {}: {} decryption key(s), {} clientState(s), {} fetch-signing key(s)",
                    layout.directory(), keys.size(), states.size(), signing.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job secrets to " + layout.directory(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the PKCS12 key store", e);
        }
    }

    private char[] password() throws IOException {
        if (configuredPassword != null) {
            if (!Files.exists(passwordFile())
                    || !Files.readString(passwordFile(), StandardCharsets.UTF_8).strip().equals(configuredPassword)) {
                JobSecretsLayout.writeAtomically(passwordFile(), configuredPassword.getBytes(StandardCharsets.UTF_8));
            }
            return configuredPassword.toCharArray();
        }
        if (Files.exists(passwordFile())) {
            String kept = Files.readString(passwordFile(), StandardCharsets.UTF_8).strip();
            if (!kept.isEmpty()) {
                return kept.toCharArray();
            }
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        JobSecretsLayout.writeAtomically(passwordFile(), generated.getBytes(StandardCharsets.UTF_8));
        return generated.toCharArray();
    }
}
