package dev.beacon.contracts.crypto;

import static dev.beacon.contracts.crypto.DecryptionException.Failure.DECRYPTION_FAILED;
import static dev.beacon.contracts.crypto.DecryptionException.Failure.HMAC_MISMATCH;
import static dev.beacon.contracts.crypto.DecryptionException.Failure.UNKNOWN_CERTIFICATE;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Graph's rich-notification crypto, both directions, as Graph documents it: a fresh 32-byte data key per item,
 * wrapped with the certificate's RSA public key (OAEP, SHA-1); the resource's JSON encrypted with AES-256-CBC,
 * PKCS#5/7 padding, IV = the key's first 16 bytes; {@code dataSignature} = HMAC-SHA256 of the ciphertext with the
 * data key. Decryption checks the HMAC before it decrypts.
 *
 * <p>{@link #encrypt} is what Graph does (the emulator, tests, and the control plane when it publishes a fetched
 * message for the job); {@link Decryptor} is what the job does. One instance of {@link Decryptor} per thread: its
 * Cipher and Mac objects are reused.
 */
public final class RichNotificationCrypto {

    public static final String RSA = "RSA/ECB/OAEPWithSHA1AndMGF1Padding";
    public static final String AES = "AES/CBC/PKCS5Padding";
    public static final String HMAC = "HmacSHA256";
    static final int DATA_KEY_BYTES = 32;
    static final int IV_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private RichNotificationCrypto() {}

    /** Encrypts {@code plaintext} for {@code certificate}, as Graph would, with a fresh data key. */
    public static EncryptedContent encrypt(byte[] plaintext, X509Certificate certificate, String certificateId) {
        return encrypt(plaintext, certificate.getPublicKey(), certificateId, thumbprint(certificate));
    }

    /** Encrypts {@code plaintext} for {@code publicKey}; the id and thumbprint are copied into the result. */
    public static EncryptedContent encrypt(byte[] plaintext, PublicKey publicKey, String certificateId,
                                           String thumbprint) {
        byte[] key = new byte[DATA_KEY_BYTES];
        RANDOM.nextBytes(key);
        try {
            return encrypt(plaintext, publicKey, certificateId, thumbprint, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** With a given data key: only for known-answer tests (a fixed key would defeat the scheme). */
    static EncryptedContent encrypt(byte[] plaintext, PublicKey publicKey, String certificateId, String thumbprint,
                                    byte[] key) {
        if (key.length != DATA_KEY_BYTES) {
            throw new IllegalArgumentException("Graph uses a " + DATA_KEY_BYTES + "-byte data key");
        }
        try {
            Cipher aes = Cipher.getInstance(AES);
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, IV_BYTES));
            byte[] ciphertext = aes.doFinal(plaintext);
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            byte[] signature = mac.doFinal(ciphertext);
            Cipher rsa = Cipher.getInstance(RSA);
            rsa.init(Cipher.ENCRYPT_MODE, publicKey);
            byte[] wrapped = rsa.doFinal(key);
            Base64.Encoder b64 = Base64.getEncoder();
            return new EncryptedContent(b64.encodeToString(ciphertext), b64.encodeToString(signature),
                    b64.encodeToString(wrapped), certificateId, thumbprint);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt for this key: " + e.getClass().getSimpleName(), e);
        }
    }

    /** SHA-1 thumbprint of the certificate's DER encoding, upper-case hex (Graph's form; compared case-blind). */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute a certificate thumbprint", e);
        }
    }

    /**
     * Which JCA providers a {@link Decryptor} takes its RSA-OAEP, AES-CBC and HMAC-SHA256 from; null for any of them
     * means the JDK's default (the first installed provider that offers it).
     */
    public record Providers(Provider rsa, Provider aes, Provider hmac) {

        /** The JDK's installed providers for all three. */
        public static final Providers JDK = new Providers(null, null, null);
    }

    /**
     * Authenticates and decrypts {@link EncryptedContent}. Not thread-safe: one per operator instance.
     *
     * <p>The unwrapped data key may be cached ({@link DataKeyCache}); the HMAC is still checked on every call, so a
     * cached key never lets content through that the key did not sign.
     */
    public static final class Decryptor {

        private final KeyLookup keys;
        private final Cipher rsa;
        private final Cipher aes;
        private final Mac hmac;
        private final DataKeyCache cache;

        /** With the JDK's providers and no data-key cache. */
        public Decryptor(KeyLookup keys) {
            this(keys, Providers.JDK, DataKeyCache.disabled());
        }

        /**
         * @param providers where the three algorithms come from ({@link Providers#JDK} for the JDK's)
         * @param cache     unwrapped data keys, owned by this decryptor from now on ({@link DataKeyCache#disabled()}
         *                  for none)
         * @throws IllegalStateException when a provider lacks its algorithm
         */
        public Decryptor(KeyLookup keys, Providers providers, DataKeyCache cache) {
            this.keys = Objects.requireNonNull(keys, "keys");
            this.cache = Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(providers, "providers");
            try {
                this.rsa = providers.rsa() == null ? Cipher.getInstance(RSA) : Cipher.getInstance(RSA, providers.rsa());
                this.aes = providers.aes() == null ? Cipher.getInstance(AES) : Cipher.getInstance(AES, providers.aes());
                this.hmac = providers.hmac() == null ? Mac.getInstance(HMAC) : Mac.getInstance(HMAC, providers.hmac());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the chosen providers lack RSA-OAEP, AES-CBC or HMAC-SHA256", e);
            }
        }

        /** The providers in use, by algorithm, e.g. for a log line. */
        public String providerNames() {
            return "RSA-OAEP " + rsa.getProvider().getName() + ", AES-CBC " + aes.getProvider().getName()
                    + ", HMAC-SHA256 " + hmac.getProvider().getName();
        }

        /** The data-key cache (for its counters). */
        public DataKeyCache cache() {
            return cache;
        }

        /** The plaintext (UTF-8 JSON of the resource) of authentic content. */
        public byte[] decrypt(EncryptedContent content) throws DecryptionException {
            if (content == null) {
                throw new DecryptionException(DECRYPTION_FAILED, "no encrypted content");
            }
            PrivateKey privateKey = keys.find(content.encryptionCertificateId(),
                            content.encryptionCertificateThumbprint())
                    .orElseThrow(() -> new DecryptionException(UNKNOWN_CERTIFICATE,
                            "no private key for encryptionCertificateId " + clip(content.encryptionCertificateId())
                                    + " or encryptionCertificateThumbprint "
                                    + clip(content.encryptionCertificateThumbprint())));
            byte[] dataKey = unwrap(privateKey, content.dataKey());
            try {
                byte[] ciphertext = base64(content.data(), DECRYPTION_FAILED, "data");
                verify(dataKey, ciphertext, content.dataSignature());
                aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"),
                        new IvParameterSpec(dataKey, 0, IV_BYTES));
                return aes.doFinal(ciphertext);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new DecryptionException(DECRYPTION_FAILED, "data could not be decrypted");
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        }

        private byte[] unwrap(PrivateKey privateKey, String dataKey) throws DecryptionException {
            byte[] wrapped = base64(dataKey, DECRYPTION_FAILED, "dataKey");
            byte[] cached = cache.find(privateKey, wrapped);
            if (cached != null) {
                return cached;
            }
            byte[] key;
            try {
                rsa.init(Cipher.DECRYPT_MODE, privateKey);
                key = rsa.doFinal(wrapped);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Typically a key wrapped for another certificate; the cause says nothing useful.
                throw new DecryptionException(DECRYPTION_FAILED, "dataKey could not be unwrapped with the private key");
            }
            if (key.length != DATA_KEY_BYTES) {
                Arrays.fill(key, (byte) 0);
                throw new DecryptionException(DECRYPTION_FAILED,
                        "unwrapped dataKey has " + key.length + " bytes, not " + DATA_KEY_BYTES);
            }
            cache.put(privateKey, wrapped, key);
            return key;
        }

        private void verify(byte[] dataKey, byte[] ciphertext, String dataSignature) throws DecryptionException {
            if (dataSignature == null || dataSignature.isEmpty()) {
                throw new DecryptionException(HMAC_MISMATCH, "dataSignature is missing");
            }
            byte[] presented = base64(dataSignature, HMAC_MISMATCH, "dataSignature");
            byte[] expected;
            try {
                hmac.init(new SecretKeySpec(dataKey, HMAC));
                expected = hmac.doFinal(ciphertext);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new DecryptionException(DECRYPTION_FAILED, "HMAC could not be computed");
            }
            if (!MessageDigest.isEqual(expected, presented)) {
                throw new DecryptionException(HMAC_MISMATCH, "dataSignature does not match data");
            }
        }
    }

    private static byte[] base64(String value, DecryptionException.Failure failure, String field)
            throws DecryptionException {
        if (value == null || value.isEmpty()) {
            throw new DecryptionException(failure, field + " is missing");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException(failure, field + " is not valid base64");
        }
    }

    private static String clip(String id) {
        if (id == null) {
            return "(missing)";
        }
        return id.length() <= 64 ? id : id.substring(0, 64) + "...";
    }
}
