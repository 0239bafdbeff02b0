package dev.beacon.control.certs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
 * Writes what the Flink job needs to authenticate and decrypt notifications, into one directory the job mounts:
 * <ul>
 *   <li>{@value #KEYSTORE}: PKCS12, one private-key entry per stored encryption certificate (current and retired,
 *       until deleted), alias = {@code encryptionCertificateId} ({@code auth.keystore});</li>
 *   <li>{@value #PASSWORD_FILE}: its password ({@code auth.keystore-password-file});</li>
 *   <li>{@value #CLIENT_STATES}: every accepted clientState, comma-separated ({@code auth.client-state-file}).</li>
 * </ul>
 * Each file is written to a temporary file in the same directory and moved over the old one atomically, with POSIX
 * mode 0600 where the file system supports it, so the job never reads half a file.
 *
 * <p>The keystore password is the one configured (a deployment secret), or, when none is, generated once and kept
 * in the password file: it does not change between exports, so a job reading the new keystore with a password
 * file read a moment earlier still opens it.
 */
public final class JobSecretsExport {

    public static final String KEYSTORE = "decryption-keys.p12";
    public static final String PASSWORD_FILE = "decryption-keys.password";
    public static final String CLIENT_STATES = "client-states";

    private static final Logger log = LoggerFactory.getLogger(JobSecretsExport.class);

    private final Path directory;
    private final EncryptionCertificates certificates;
    private final Supplier<List<String>> clientStates;
    private final String configuredPassword;

    /**
     * @param clientStates the accepted clientState secrets (e.g. {@code ClientStates::accepted})
     * @param keystorePassword a configured password, or null to generate one once and keep it
     */
    public JobSecretsExport(Path directory, EncryptionCertificates certificates, Supplier<List<String>> clientStates,
                            String keystorePassword) {
        this.directory = directory;
        this.certificates = certificates;
        this.clientStates = clientStates;
        this.configuredPassword = keystorePassword == null || keystorePassword.isBlank() ? null : keystorePassword;
    }

    public Path keystore() {
        return directory.resolve(KEYSTORE);
    }

    public Path passwordFile() {
        return directory.resolve(PASSWORD_FILE);
    }

    public Path clientStateFile() {
        return directory.resolve(CLIENT_STATES);
    }

    /** Writes all three files from the database's current state. */
    public synchronized void export() {
        try {
            Files.createDirectories(directory);
            char[] password = password();
            var keys = certificates.keys();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (var k : keys) {
                store.setKeyEntry(k.certificateId(), k.privateKey(), password, new Certificate[] {k.certificate()});
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            writeAtomically(keystore(), out.toByteArray());
            List<String> states = clientStates.get();
            writeAtomically(clientStateFile(), String.join(",", states).getBytes(StandardCharsets.UTF_8));
            log.info("Exported job secrets to {}: {} decryption key(s), {} clientState(s)", directory, keys.size(),
                    states.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job secrets to " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the PKCS12 key store", e);
        }
    }

    private char[] password() throws IOException {
        if (configuredPassword != null) {
            if (!Files.exists(passwordFile())
                    || !Files.readString(passwordFile(), StandardCharsets.UTF_8).strip().equals(configuredPassword)) {
                writeAtomically(passwordFile(), configuredPassword.getBytes(StandardCharsets.UTF_8));
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
        writeAtomically(passwordFile(), generated.getBytes(StandardCharsets.UTF_8));
        return generated.toCharArray();
    }

    private void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp;
        try {
            tmp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        }
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
