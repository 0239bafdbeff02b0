package dev.beacon.control.local;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.control.vault.SealedBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The local demo's state directory, kept across runs so the demo can be stopped and started again: the PostgreSQL
 * data directory, the vault key, the admin token, the database password, the job-secrets export and where the
 * scaled clock stopped. Secret files are written 0600 ({@link JobSecretsLayout#writeAtomically}). {@code fresh}
 * deletes it all and starts over.
 *
 * <pre>
 *   state/
 *     postgres/       PostgreSQL data directory
 *     vault-key       BEACON_VAULT_KEY (base64)
 *     admin-token     BEACON_ADMIN_TOKEN_FILE for beaconctl
 *     jdbc-password   the beacon role's password
 *     job-secrets/    BEACON_EXPORT_DIR
 *     clock           the scaled clock's last instant (ISO-8601)
 * </pre>
 */
final class DemoState {

    /** Relative to the repository root, where the demo runs from. */
    static final Path DEFAULT_DIR = Path.of("control-plane/target/demo-state");

    private final Path dir;
    private final boolean reused;

    private DemoState(Path dir, boolean reused) {
        this.dir = dir;
        this.reused = reused;
    }

    /**
     * Opens (or creates) the state directory. A new vault key makes any job-secrets left there unreadable for the
     * job (they were derived from the old key), so a state without its vault key starts with an empty export.
     */
    static DemoState open(Path dir, boolean fresh) {
        Path abs = dir.toAbsolutePath();
        try {
            if (fresh) {
                deleteRecursively(abs);
            }
            boolean reused = Files.exists(abs.resolve("vault-key"));
            if (!reused) {
                deleteRecursively(abs.resolve("job-secrets"));
                deleteRecursively(abs.resolve("postgres")); // its rows were sealed under a key that is gone
            }
            Files.createDirectories(abs);
            return new DemoState(abs, reused);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the demo state directory " + abs, e);
        }
    }

    /** True when an earlier run's state (database, keys, token) is being reused. */
    boolean reused() {
        return reused;
    }

    Path dir() {
        return dir;
    }

    Path postgresData() {
        return dir.resolve("postgres");
    }

    Path jobSecrets() {
        return dir.resolve("job-secrets");
    }

    Path adminTokenFile() {
        return dir.resolve("admin-token");
    }

    String adminToken() {
        return secret("admin-token", DemoState::randomHex);
    }

    String vaultKey() {
        return secret("vault-key", SealedBox::newKeyBase64);
    }

    String jdbcPassword() {
        return secret("jdbc-password", DemoState::randomHex);
    }

    /** Where the scaled clock resumes: where it stopped last time, or now (never before now). */
    Instant clockStart(Instant now) {
        Path f = dir.resolve("clock");
        try {
            Instant saved = Instant.parse(Files.readString(f, StandardCharsets.UTF_8).strip());
            return saved.isAfter(now) ? saved : now;
        } catch (IOException | DateTimeParseException e) {
            return now;
        }
    }

    void saveClock(Instant at) {
        try {
            JobSecretsLayout.writeAtomically(dir.resolve("clock"), (at + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A secret file: read if present, else generated and written 0600. */
    private String secret(String name, Supplier<String> generate) {
        Path f = dir.resolve(name);
        try {
            if (Files.exists(f)) {
                return Files.readString(f, StandardCharsets.UTF_8).strip();
            }
            String value = generate.get();
            JobSecretsLayout.writeAtomically(f, (value + "\n").getBytes(StandardCharsets.UTF_8));
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + f, e);
        }
    }

    private static String randomHex() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
