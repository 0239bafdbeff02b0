package dev.beacon.job.verify;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA providers triage decrypts with. The RSA-OAEP unwrap is nearly all of triage's CPU, and the Amazon Corretto
 * Crypto Provider (ACCP, native AWS-LC, shipped in the job jar) does it about four times faster than the JDK. It is
 * used when it loads and its self-test ({@code assertHealthy()}) passes, per algorithm it offers; otherwise (another
 * OS or CPU, a native library that cannot load, e.g. a second copy in another class loader) the JDK's providers are
 * used. This never fails the job: the choice only changes speed, not results.
 *
 * <p>ACCP is found by reflection so the job needs it neither to compile nor to run; tests inject the loader.
 *
 * @param providers     what the decryptor is built with (null entries: the JDK's)
 * @param nativeName    the native provider's name and version, or null when none is used
 * @param fallbackCause why the native provider is not used (no secrets, just the failure's type and message), or
 *                      null when it is
 */
public record CryptoProviders(RichNotificationCrypto.Providers providers, String nativeName, String fallbackCause) {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);

    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    /** Chosen once per class loader (i.e. per job on a task manager), and logged then. */
    private static volatile CryptoProviders chosen;

    /** True when at least one algorithm runs on the native provider. */
    public boolean isNative() {
        return nativeName != null;
    }

    /** For the log and metrics: which provider does what. */
    public String describe() {
        return isNative() ? nativeName + " (native)" : "JDK providers (" + fallbackCause + ")";
    }

    /** Logged once per class loader when the native provider is switched off. */
    private static volatile boolean reportedDisabled;

    /**
     * {@link #forThisJvm()}, or the JDK's providers when {@code allowNative} is false
     * ({@code decrypt.native-provider=false}).
     */
    public static CryptoProviders forThisJvm(boolean allowNative) {
        if (allowNative) {
            return forThisJvm();
        }
        if (!reportedDisabled) {
            reportedDisabled = true;
            LOG.info("Triage decrypts with the JDK's providers (decrypt.native-provider is false)");
        }
        return jdk("decrypt.native-provider is false");
    }

    /** The choice for this class loader: made, and logged at INFO, on first use. */
    public static CryptoProviders forThisJvm() {
        CryptoProviders current = chosen;
        if (current == null) {
            synchronized (CryptoProviders.class) {
                current = chosen;
                if (current == null) {
                    current = select(CryptoProviders::loadAccp);
                    LOG.info("Triage decrypts with {}", current.describe());
                    chosen = current;
                }
            }
        }
        return current;
    }

    /**
     * The native provider from {@code loader} for each of RSA-OAEP, AES-CBC and HMAC-SHA256 it offers, else the
     * JDK's. {@code loader} returns a healthy provider or throws (anything, including {@link LinkageError}).
     */
    public static CryptoProviders select(Supplier<Provider> loader) {
        Provider provider;
        try {
            provider = loader.get();
        } catch (Throwable e) { // NOPMD: a native library failing to load throws errors, never the job's problem
            return jdk(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (provider == null) {
            return jdk("no native provider");
        }
        Provider rsa = offers(provider, () -> Cipher.getInstance(RichNotificationCrypto.RSA, provider));
        Provider aes = offers(provider, () -> Cipher.getInstance(RichNotificationCrypto.AES, provider));
        Provider hmac = offers(provider, () -> Mac.getInstance(RichNotificationCrypto.HMAC, provider));
        if (rsa == null) {
            // Without the unwrap it is not worth a second provider in the path.
            return jdk(provider.getName() + " lacks " + RichNotificationCrypto.RSA);
        }
        return new CryptoProviders(new RichNotificationCrypto.Providers(rsa, aes, hmac),
                provider.getName() + " " + provider.getVersionStr(), null);
    }

    static CryptoProviders jdk(String cause) {
        return new CryptoProviders(RichNotificationCrypto.Providers.JDK, null, cause);
    }

    /** ACCP's singleton, after its self-test; throws when it is absent or unhealthy. */
    static Provider loadAccp() {
        try {
            Class<?> type = Class.forName(ACCP_CLASS, true, CryptoProviders.class.getClassLoader());
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            type.getMethod("assertHealthy").invoke(provider);
            return provider;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("not on the classpath");
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("unhealthy: " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private interface Probe {
        Object get() throws GeneralSecurityException;
    }

    private static Provider offers(Provider provider, Probe probe) {
        try {
            probe.get();
            return provider;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }
}
