package dev.beacon.job.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The private keys that unwrap rich notifications' {@code dataKey}, by the {@code encryptionCertificateId} the
 * subscription was created with. Several keys coexist while certificates are rotated. Ids match case-insensitively
 * because some PKCS12 tools lower-case aliases.
 *
 * <p>Deliberately not serializable: load the keys in the operator's {@code open()} from a mounted file, so that key
 * material never travels inside the job graph.
 */
public final class DecryptionKeys {

    private static final DecryptionKeys NONE = new DecryptionKeys(new HashMap<>(), new LinkedHashSet<>());

    /** By lower-cased certificate id. */
    private final Map<String, PrivateKey> keys;
    private final Set<String> certificateIds;

    private DecryptionKeys(Map<String, PrivateKey> keys, Set<String> certificateIds) {
        this.keys = keys;
        this.certificateIds = Collections.unmodifiableSet(certificateIds);
    }

    /**
     * Every private-key entry of a PKCS12 file, each under its alias as the certificate id. Entries are protected by
     * the store's password (as PKCS12 tools write them).
     *
     * @throws IllegalArgumentException when the file cannot be read, the password is wrong, or it holds no private key;
     *     the message names the file, never the password
     */
    public static DecryptionKeys load(Path pkcs12, char[] password) {
        KeyStore store;
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("PKCS12 key store " + pkcs12 + " does not exist", e);
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
            String why = e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password"
                    : "unreadable (wrong password, or not a PKCS12 file)";
            throw new IllegalArgumentException("Cannot open PKCS12 key store " + pkcs12 + ": " + why, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot open PKCS12 key store " + pkcs12 + ": " + e.getClass()
                    .getSimpleName(), e);
        }

        Map<String, PrivateKey> found = new HashMap<>();
        try {
            Enumeration<String> aliases = store.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (store.isKeyEntry(alias)) {
                    Key key = store.getKey(alias, password);
                    if (key instanceof PrivateKey privateKey) {
                        found.put(alias, privateKey);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the private keys of PKCS12 key store " + pkcs12
                    + " (entries must use the store's password)", e);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("PKCS12 key store " + pkcs12 + " holds no private key");
        }
        return of(found);
    }

    /** Keys by certificate id; ids that differ only in case are rejected as ambiguous. */
    public static DecryptionKeys of(Map<String, PrivateKey> keysByCertificateId) {
        Map<String, PrivateKey> keys = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        keysByCertificateId.forEach((id, key) -> {
            if (id == null || id.isBlank() || key == null) {
                throw new IllegalArgumentException("every decryption key needs a certificate id and a key");
            }
            if (keys.putIfAbsent(normalize(id), key) != null) {
                throw new IllegalArgumentException("certificate id " + id + " is given twice (ids ignore case)");
            }
            ids.add(id);
        });
        return new DecryptionKeys(keys, ids);
    }

    /** No keys: every rich notification fails with {@code UNKNOWN_CERTIFICATE}. */
    public static DecryptionKeys none() {
        return NONE;
    }

    public Optional<PrivateKey> forCertificateId(String certificateId) {
        return certificateId == null ? Optional.empty() : Optional.ofNullable(keys.get(normalize(certificateId)));
    }

    /** The certificate ids as configured (or as the PKCS12 aliases read). */
    public Set<String> certificateIds() {
        return certificateIds;
    }

    private static String normalize(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "DecryptionKeys" + certificateIds;
    }
}
