package dev.beacon.job.verify;

import dev.beacon.contracts.crypto.DataKeyCache;
import dev.beacon.contracts.crypto.DecryptionException;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.contracts.crypto.EncryptedContent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates and decrypts the {@code encryptedContent} of a Graph rich notification. The crypto itself is the
 * contract's ({@link RichNotificationCrypto.Decryptor}: RSA-OAEP unwrap, HMAC-SHA256 check, then AES-256-CBC), the
 * same code the control plane's encryption is tested against; this class adapts the job's decoded content and maps
 * failures to the job's dead-letter reasons.
 *
 * <p>One per operator instance: the contract's Decryptor reuses its Cipher and Mac objects, so it is not
 * thread-safe.
 */
public final class RichNotificationDecryptor {

    private static final Logger LOG = LoggerFactory.getLogger(RichNotificationDecryptor.class);

    private final RichNotificationCrypto.Decryptor decryptor;
    private final boolean nativeProvider;
    private final boolean perJobCopy;

    /** With this JVM's provider choice ({@link CryptoProviders#forThisJvm()}) and no data-key cache. */
    public RichNotificationDecryptor(DecryptionKeys keys) {
        this(keys, CryptoProviders.forThisJvm(), DataKeyCache.disabled());
    }

    /**
     * @param providers the providers to decrypt with; should they fail to build the ciphers after all, the JDK's
     *                  are used instead (speed only, never a reason to stop)
     * @param cache     unwrapped data keys, owned by this decryptor
     */
    public RichNotificationDecryptor(DecryptionKeys keys, CryptoProviders providers, DataKeyCache cache) {
        Objects.requireNonNull(keys, "keys");
        RichNotificationCrypto.Decryptor built;
        boolean isNative = providers.isNative();
        try {
            built = new RichNotificationCrypto.Decryptor(keys, providers.providers(), cache);
        } catch (IllegalStateException e) {
            LOG.warn("Native crypto provider unusable ({}); decrypting with the JDK's providers",
                    e.getClass().getSimpleName());
            built = new RichNotificationCrypto.Decryptor(keys, RichNotificationCrypto.Providers.JDK, cache);
            isNative = false;
        }
        this.decryptor = built;
        this.nativeProvider = isNative;
        this.perJobCopy = isNative && providers.perJob();
    }

    /** True when a native provider does (at least) the RSA unwrap. */
    public boolean nativeProvider() {
        return nativeProvider;
    }

    /**
     * True when that native provider is the job jar's own copy in a job class loader (one per job submission on a
     * TaskManager) rather than one loaded once per JVM, e.g. from Flink's lib/.
     */
    public boolean nativeProviderPerJobCopy() {
        return perJobCopy;
    }

    /** The providers in use, by algorithm. */
    public String providerNames() {
        return decryptor.providerNames();
    }

    /** The data-key cache, for its counters. */
    public DataKeyCache cache() {
        return decryptor.cache();
    }

    /**
     * The plaintext (UTF-8 JSON of the resource) of an authentic rich notification.
     *
     * @throws RichNotificationException with {@code UNKNOWN_CERTIFICATE} when no key matches the certificate id or
     *     thumbprint, {@code HMAC_MISMATCH} when the signature is missing or wrong, {@code DECRYPTION_FAILED} for
     *     anything else
     */
    public byte[] decrypt(EncryptedContent content) throws RichNotificationException {
        if (content == null) {
            throw new RichNotificationException(DeadLetterReason.DECRYPTION_FAILED, "no encrypted content");
        }
        try {
            return decryptor.decrypt(content);
        } catch (DecryptionException e) {
            throw new RichNotificationException(reason(e.failure()), e.getMessage());
        }
    }

    private static DeadLetterReason reason(DecryptionException.Failure failure) {
        return switch (failure) {
            case UNKNOWN_CERTIFICATE -> DeadLetterReason.UNKNOWN_CERTIFICATE;
            case HMAC_MISMATCH -> DeadLetterReason.HMAC_MISMATCH;
            case DECRYPTION_FAILED -> DeadLetterReason.DECRYPTION_FAILED;
        };
    }
}
