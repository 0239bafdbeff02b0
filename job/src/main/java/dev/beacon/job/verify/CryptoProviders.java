package dev.beacon.job.verify;

import dev.beacon.contracts.crypto.RichNotificationCrypto;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA providers triage decrypts with. The RSA-OAEP unwrap is nearly all of triage's CPU, and the Amazon Corretto
 * Crypto Provider (ACCP, native AWS-LC, shipped in the job jar) does it about four times faster than the JDK. It is
 * used when it loads and its self-test ({@code assertHealthy()}) passes, per algorithm it offers; otherwise (another
 * OS or CPU, a native library that cannot load) the JDK's providers are used, with a WARN line. This never fails the
 * job: the choice only changes speed, not results.
 *
 * <p>Where ACCP comes from matters on a Flink cluster, where the job's classes live in a user-code class loader per
 * job: ACCP copies its native library to a fresh temporary file in every class loader that loads it, and its cleanup
 * thread keeps that class loader reachable for good. So a copy from the job jar costs, for every job submitted to a
 * long-lived TaskManager, one more copy of the library and the job's whole class loader in metaspace. Hence the
 * order: a provider already registered JVM-wide ({@code java.security}), then ACCP from the parent class loader
 * (Flink's {@code lib/}: loaded once per JVM), and only then the job jar's own copy, with a WARN naming the fix.
 *
 * <p>ACCP is found by reflection so the job needs it neither to compile nor to run; tests inject the loader.
 *
 * @param providers     what the decryptor is built with (null entries: the JDK's)
 * @param nativeName    the native provider's name and version, or null when none is used
 * @param fallbackCause why the native provider is not used (no secrets, just the failure's type and message), or
 *                      null when it is
 * @param perJob        true when the native provider is the job jar's own copy in a job class loader (one copy per
 *                      job submission on a TaskManager), false when it is loaded once per JVM or none is used
 */
public record CryptoProviders(RichNotificationCrypto.Providers providers, String nativeName, String fallbackCause,
        boolean perJob) {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);

    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    /** ACCP's JCA name, as {@code Security.getProvider} knows it when it is registered JVM-wide. */
    static final String ACCP_NAME = "AmazonCorrettoCryptoProvider";
    /** What an operator does about a per-job copy or a library that does not load. */
    static final String FIX = "put the ACCP jar for this platform (e.g. AmazonCorrettoCryptoProvider-2.5.0-linux-x86_64"
            + ".jar) into Flink's lib/ on every TaskManager, see docs/architecture.md \"Performance\"";

    /** Chosen once per class loader (i.e. per job on a task manager), and logged then. */
    private static volatile CryptoProviders chosen;

    /** True when at least one algorithm runs on the native provider. */
    public boolean isNative() {
        return nativeName != null;
    }

    /** For the log and metrics: which provider does what, and where a native one was loaded. */
    public String describe() {
        if (!isNative()) {
            return "JDK providers (" + fallbackCause + ")";
        }
        return nativeName + (perJob ? " (native, the job jar's own copy in this job's class loader)"
                : " (native, loaded once per JVM)");
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
                    current = select(() -> locateAccp(CryptoProviders.class.getClassLoader()));
                    log(current);
                    chosen = current;
                }
            }
        }
        return current;
    }

    /** INFO when the native provider is loaded once per JVM; WARN (naming the cost and the fix) otherwise. */
    private static void log(CryptoProviders choice) {
        if (!choice.isNative()) {
            LOG.warn("Triage decrypts with {}: about 3 to 4 times slower than the native provider. Fix: {}; or set "
                    + "decrypt.native-provider=false where no native provider exists", choice.describe(), FIX);
        } else if (choice.perJob()) {
            LOG.warn("Triage decrypts with {}: every job submission on this TaskManager loads one more copy of its "
                    + "native library and keeps that job's class loader in metaspace until the TaskManager restarts. "
                    + "Fix: {}", choice.describe(), FIX);
        } else {
            LOG.info("Triage decrypts with {}", choice.describe());
        }
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
                provider.getName() + " " + provider.getVersionStr(), null,
                isPerJobCopy(provider.getClass(), CryptoProviders.class.getClassLoader()));
    }

    static CryptoProviders jdk(String cause) {
        return new CryptoProviders(RichNotificationCrypto.Providers.JDK, null, cause, false);
    }

    /**
     * True when {@code providerClass} was defined by the job's own class loader and that is not the JVM's class path
     * loader, i.e. a Flink user-code class loader: a copy per job (and per class loader), not per JVM.
     */
    static boolean isPerJobCopy(Class<?> providerClass, ClassLoader jobLoader) {
        ClassLoader own = providerClass.getClassLoader();
        return own != null && own == jobLoader && own != ClassLoader.getSystemClassLoader();
    }

    /**
     * ACCP, healthy, loaded once per JVM where possible: the provider registered JVM-wide under its name, else ACCP
     * from {@code jobLoader}'s parent (on Flink: the TaskManager's class path, i.e. {@code lib/}), else the job
     * jar's own copy ({@link #loadAccp(ClassLoader)}). Throws when none loads and passes its self-test.
     */
    static Provider locateAccp(ClassLoader jobLoader) {
        Provider registered = Security.getProvider(ACCP_NAME);
        if (registered != null && registered.getClass().getName().equals(ACCP_CLASS)) {
            return healthy(registered.getClass(), registered);
        }
        ClassLoader parent = jobLoader == null ? null : jobLoader.getParent();
        if (parent != null) {
            Class<?> shared;
            try {
                // Not initialized here: its first use starts a JVM-wide thread, which must not see this job's stack.
                shared = Class.forName(ACCP_CLASS, false, parent);
            } catch (ClassNotFoundException notInLib) {
                return loadAccp(jobLoader); // Not in lib/: the job jar's copy, reported as per job.
            } catch (LinkageError e) {
                throw new IllegalStateException("from the parent class loader: " + e.getClass().getSimpleName()
                        + ": " + e.getMessage());
            }
            return CleanContextInitialization.healthyInstance(shared);
        }
        return loadAccp(jobLoader);
    }

    /** ACCP from the class loader that loaded this class (the job jar's copy on Flink). */
    static Provider loadAccp() {
        return loadAccp(CryptoProviders.class.getClassLoader());
    }

    /** ACCP's singleton from {@code loader}, after its self-test; throws when it is absent or unhealthy. */
    static Provider loadAccp(ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(ACCP_CLASS, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("not on the classpath");
        }
        return singleton(type);
    }

    private static Provider singleton(Class<?> type) {
        try {
            return healthy(type, (Provider) type.getField("INSTANCE").get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** {@code provider} once its {@code assertHealthy()} self-test passed (the native library works). */
    private static Provider healthy(Class<?> type, Provider provider) {
        try {
            type.getMethod("assertHealthy").invoke(provider);
            return provider;
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
