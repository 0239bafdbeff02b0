package dev.beacon.contracts.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * The job-secrets directory: what the control plane exports and the job mounts. One definition of its file names,
 * how each file is written (atomically, mode 0600) and how list files are read.
 *
 * <ul>
 *   <li>{@value #KEYSTORE}: PKCS12, one private-key entry per encryption certificate, alias = certificate id
 *       (job option {@code auth.keystore});</li>
 *   <li>{@value #KEYSTORE_PASSWORD}: its password ({@code auth.keystore-password-file});</li>
 *   <li>{@value #CLIENT_STATES}: every accepted clientState, one per line ({@code auth.client-state-file});</li>
 *   <li>{@value #FETCH_SIGNING_KEYS}: base64 HMAC keys that sign fetched messages, current first, one per line
 *       ({@code auth.fetch-signing-key-file}).</li>
 * </ul>
 */
public final class JobSecretsLayout {

    public static final String KEYSTORE = "decryption-keys.p12";
    public static final String KEYSTORE_PASSWORD = "decryption-keys.password";
    public static final String CLIENT_STATES = "client-states";
    public static final String FETCH_SIGNING_KEYS = "fetch-signing-keys";

    private final Path directory;

    public JobSecretsLayout(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path keystore() {
        return directory.resolve(KEYSTORE);
    }

    public Path keystorePassword() {
        return directory.resolve(KEYSTORE_PASSWORD);
    }

    public Path clientStates() {
        return directory.resolve(CLIENT_STATES);
    }

    public Path fetchSigningKeys() {
        return directory.resolve(FETCH_SIGNING_KEYS);
    }

    /** Writes {@code bytes} to a temporary file beside {@code target} (0600), then moves it over atomically. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            ownerOnly(tmp);
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes one value per line (the list files), atomically, 0600. */
    public static void writeLines(Path target, List<String> values) throws IOException {
        writeAtomically(target, (String.join("\n", values) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The values of a list file: one per line; commas also separate (older exports); blanks ignored.
     *
     * @param setting what named the file, for errors
     */
    public static List<String> readList(String setting, Path file) {
        return parseList(SecretSource.readFile(setting, file));
    }

    /** A list value as {@link #readList} splits it: lines or commas, each stripped, blanks dropped. */
    public static List<String> parseList(String content) {
        return Arrays.stream(content.split("[\\r\\n,]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows or a non-POSIX volume: the directory's ACLs govern access.
        }
    }
}
