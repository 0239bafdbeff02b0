package dev.beacon.job.verify;

import dev.beacon.contracts.crypto.KeyLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The private keys that unwrap rich notifications' {@code dataKey}. A notification names its key twice: by the
 * {@code encryptionCertificateId} the subscription was created with (the keystore alias, when whoever built the
 * keystore used it), and by {@code encryptionCertificateThumbprint} (the SHA-1 of the certificate, which holds
 * whatever the alias is). Lookup tries the id first, then the thumbprint. Several keys coexist while certificates are
 * rotated. Ids match case-insensitively because some PKCS12 tools lower-case aliases; thumbprints are hex in any case.
 *
 * <p>An expired certificate still decrypts: expiry matters when Graph encrypts for a new subscription, not when
 * Beacon decrypts what Graph encrypted while the certificate was valid.
 *
 * <p>This is the job's {@link KeyLookup} for the contract's rich-notification decryptor.
 *
 * <p>Both tables are built once, when the keys are loaded; a lookup is two hash-map reads. Deliberately not
 * serializable: load the keys in the operator's {@code open()} from a mounted file, so that key material never
 * travels inside the job graph.
 */
public final class DecryptionKeys implements KeyLookup {

    private static final DecryptionKeys NONE =
            new DecryptionKeys(new HashMap<>(), new HashMap<>(), new LinkedHashSet<>());

    /** By lower-cased certificate id. */
    private final Map<String, PrivateKey> keys;
    /** By lower-case hex SHA-1 of the certificate's DER encoding. */
    private final Map<String, PrivateKey> keysByThumbprint;
    private final Set<String> certificateIds;

    private DecryptionKeys(
            Map<String, PrivateKey> keys, Map<String, PrivateKey> keysByThumbprint, Set<String> certificateIds) {
        this.keys = keys;
        this.keysByThumbprint = keysByThumbprint;
        this.certificateIds = Collections.unmodifiableSet(certificateIds);
    }

    /**
     * Every private-key entry of a PKCS12 file, each under its alias as the certificate id and under its certificate's
     * thumbprint. Entries are protected by the store's password (as PKCS12 tools write them).
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
        Map<String, Certificate> certificates = new HashMap<>();
        try {
            Enumeration<String> aliases = store.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (store.isKeyEntry(alias)) {
                    Key key = store.getKey(alias, password);
                    if (key instanceof PrivateKey privateKey) {
                        found.put(alias, privateKey);
                        Certificate certificate = store.getCertificate(alias);
                        if (certificate != null) {
                            certificates.put(alias, certificate);
                        }
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
        DecryptionKeys byId = of(found);
        Map<String, PrivateKey> byThumbprint = new HashMap<>();
        certificates.forEach((alias, certificate) ->
                addThumbprint(byThumbprint, alias, certificate, found.get(alias)));
        return new DecryptionKeys(byId.keys, byThumbprint, byId.certificateIds);
    }

    /**
     * Also finds {@code key} by its certificate's thumbprint. The same certificate under two aliases is fine (same
     * key); one certificate with two different keys is a broken keystore and rejected (the message names the entry
     * and the thumbprint, never key material).
     */
    private static void addThumbprint(
            Map<String, PrivateKey> keysByThumbprint, String alias, Certificate certificate, PrivateKey key) {
        String thumbprint;
        try {
            thumbprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot compute the thumbprint of the certificate of entry " + alias, e);
        }
        PrivateKey other = keysByThumbprint.putIfAbsent(thumbprint, key);
        if (other != null && !sameKey(other, key)) {
            throw new IllegalArgumentException("Entry " + alias + " has the certificate of another entry (thumbprint "
                    + thumbprint + ") but a different private key");
        }
    }

    private static boolean sameKey(PrivateKey a, PrivateKey b) {
        return a.equals(b) || MessageDigest.isEqual(a.getEncoded(), b.getEncoded());
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
        return new DecryptionKeys(keys, new HashMap<>(), ids);
    }

    /** No keys: every rich notification fails with {@code UNKNOWN_CERTIFICATE}. */
    public static DecryptionKeys none() {
        return NONE;
    }

    public Optional<PrivateKey> forCertificateId(String certificateId) {
        return certificateId == null ? Optional.empty() : Optional.ofNullable(keys.get(normalize(certificateId)));
    }

    /** By the hex SHA-1 of the certificate's DER encoding, in any case (Graph sends upper case). */
    public Optional<PrivateKey> forThumbprint(String thumbprint) {
        return thumbprint == null ? Optional.empty() : Optional.ofNullable(keysByThumbprint.get(normalize(thumbprint)));
    }

    /** The key a notification names: by certificate id (keystore alias), else by certificate thumbprint. */
    @Override
    public Optional<PrivateKey> find(String certificateId, String thumbprint) {
        PrivateKey key = certificateId == null ? null : keys.get(normalize(certificateId));
        if (key == null && thumbprint != null) {
            key = keysByThumbprint.get(normalize(thumbprint));
        }
        return Optional.ofNullable(key);
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
