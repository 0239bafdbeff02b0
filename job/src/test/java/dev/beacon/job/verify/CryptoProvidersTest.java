package dev.beacon.job.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.crypto.DataKeyCache;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.TestKeys;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.spec.MGF1ParameterSpec;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The provider choice: ACCP (shipped with the job) where it loads, the JDK's providers whenever it does not, and the
 * same plaintext either way. ACCP's "OAEPWithSHA1AndMGF1Padding" must mean what the JDK's and Graph's do: SHA-1 for
 * both the label hash and MGF1.
 */
class CryptoProvidersTest {

    private static final String CERT_ID = "beacon-provider-test";
    private static TestKeys keys;

    @BeforeAll
    static void generate() {
        keys = TestKeys.generate(CERT_ID);
    }

    private static DecryptionKeys decryptionKeys() {
        return DecryptionKeys.of(java.util.Map.of(CERT_ID, keys.privateKey()));
    }

    private static boolean linuxX86() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void picksTheNativeProviderForAllThreeAlgorithmsWhereItLoads() {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");

        CryptoProviders chosen = CryptoProviders.select(CryptoProviders::loadAccp);

        assertThat(chosen.isNative()).isTrue();
        assertThat(chosen.fallbackCause()).isNull();
        assertThat(chosen.nativeName()).startsWith("AmazonCorrettoCryptoProvider 2.5");
        assertThat(chosen.providers().rsa().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(chosen.providers().aes().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(chosen.providers().hmac().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(CryptoProviders.forThisJvm().isNative()).isTrue();
    }

    @Test
    void fallsBackToTheJdkWhenTheNativeLibraryCannotLoad() {
        CryptoProviders chosen = CryptoProviders.select(() -> {
            throw new UnsatisfiedLinkError("no amazonCorrettoCryptoProvider in java.library.path");
        });

        assertThat(chosen.isNative()).isFalse();
        assertThat(chosen.providers()).isEqualTo(RichNotificationCrypto.Providers.JDK);
        assertThat(chosen.fallbackCause()).startsWith("UnsatisfiedLinkError");
        assertThat(chosen.describe()).startsWith("JDK providers (UnsatisfiedLinkError");
    }

    @Test
    void fallsBackToTheJdkWhenTheProviderIsAbsentOrUnhealthy() {
        assertThat(CryptoProviders.select(() -> null).isNative()).isFalse();
        CryptoProviders unhealthy = CryptoProviders.select(() -> {
            throw new IllegalStateException("unhealthy: self-test failed");
        });
        assertThat(unhealthy.isNative()).isFalse();
        assertThat(unhealthy.fallbackCause()).contains("self-test failed");
    }

    @Test
    void fallsBackToTheJdkWhenTheProviderLacksTheUnwrap() {
        Provider empty = new Provider("Empty", "1.0", "offers nothing") {};

        CryptoProviders chosen = CryptoProviders.select(() -> empty);

        assertThat(chosen.isNative()).isFalse();
        assertThat(chosen.fallbackCause()).isEqualTo("Empty lacks " + RichNotificationCrypto.RSA);
    }

    /**
     * A Flink user-code class loader: child-first for ACCP (as Flink's default {@code classloader.resolve-order}),
     * so the job jar's copy would shadow one in the parent (Flink's lib/).
     */
    private static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("com.amazon.corretto.")) {
                    c = findClass(name);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }

    private static URL accpJar() throws Exception {
        return Class.forName(CryptoProviders.ACCP_CLASS).getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aJobClassLoadersOwnCopyLoadsButIsReportedAsPerJob() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");
        // A second class loader in this JVM: ACCP copies its library to a fresh file, so it loads and is healthy...
        ClassLoader job = new ChildFirstLoader(accpJar(), ClassLoader.getPlatformClassLoader());

        Provider own = CryptoProviders.locateAccp(job);

        assertThat(own.getClass().getClassLoader()).isSameAs(job);
        assertThat(own.getClass()).isNotSameAs(Class.forName(CryptoProviders.ACCP_CLASS));
        // ...but it is one more library copy and a class loader kept alive: reported, never silent.
        assertThat(CryptoProviders.isPerJobCopy(own.getClass(), job)).isTrue();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void accpInTheParentClassLoaderWinsOverTheJobJarsCopy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");
        ClassLoader flinkLib = new URLClassLoader(new URL[] {accpJar()}, ClassLoader.getPlatformClassLoader());
        ClassLoader job = new ChildFirstLoader(accpJar(), flinkLib);

        Provider shared = CryptoProviders.locateAccp(job);

        assertThat(shared.getClass().getClassLoader()).isSameAs(flinkLib);
        assertThat(CryptoProviders.isPerJobCopy(shared.getClass(), job)).isFalse();
        // The same singleton for the next job's class loader: loaded once per JVM.
        assertThat(CryptoProviders.locateAccp(new ChildFirstLoader(accpJar(), flinkLib))).isSameAs(shared);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aProviderRegisteredJvmWideWinsOverEverything() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");
        Provider registered = CryptoProviders.loadAccp();
        java.security.Security.addProvider(registered);
        try {
            ClassLoader job = new ChildFirstLoader(accpJar(), ClassLoader.getPlatformClassLoader());

            assertThat(CryptoProviders.locateAccp(job)).isSameAs(registered);
        } finally {
            java.security.Security.removeProvider(CryptoProviders.ACCP_NAME);
        }
    }

    @Test
    void onTheJvmsClassPathItIsNeverPerJob() {
        // Local runs, the MiniCluster and tests: the job's classes are on the JVM's class path, one copy per JVM.
        assertThat(CryptoProviders.isPerJobCopy(CryptoProvidersTest.class, ClassLoader.getSystemClassLoader()))
                .isFalse();
    }

    @Test
    void aLibraryHeldByAnotherClassLoaderFallsBackToTheJdkNamingTheCause() {
        CryptoProviders chosen = CryptoProviders.select(() -> {
            throw new UnsatisfiedLinkError("Native Library /tmp/libamazonCorrettoCryptoProvider.so already loaded "
                    + "in another classloader");
        });

        assertThat(chosen.isNative()).isFalse();
        assertThat(chosen.perJob()).isFalse();
        assertThat(chosen.describe()).isEqualTo("JDK providers (UnsatisfiedLinkError: Native Library "
                + "/tmp/libamazonCorrettoCryptoProvider.so already loaded in another classloader)");
    }

    @Test
    void theJdkFallbackDecryptsGraphContent() throws Exception {
        EncryptedContent content = GraphEncryption.encrypt("{\"n\":1}".getBytes(StandardCharsets.UTF_8), keys, CERT_ID);
        RichNotificationDecryptor jdk = new RichNotificationDecryptor(decryptionKeys(), CryptoProviders.jdk("test"),
                DataKeyCache.disabled());

        assertThat(new String(jdk.decrypt(content), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(jdk.nativeProvider()).isFalse();
        assertThat(jdk.providerNames()).doesNotContain("Corretto");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void jdkEncryptedContentDecryptsWithTheNativeProvider() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");
        // The contract encrypts with the JDK's providers, as the control plane and the emulator do.
        EncryptedContent content = GraphEncryption.encrypt("{\"n\":2}".getBytes(StandardCharsets.UTF_8), keys, CERT_ID);
        RichNotificationDecryptor accp = new RichNotificationDecryptor(decryptionKeys(),
                CryptoProviders.select(CryptoProviders::loadAccp), DataKeyCache.disabled());

        assertThat(new String(accp.decrypt(content), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
        assertThat(accp.nativeProvider()).isTrue();
        assertThat(accp.providerNames()).isEqualTo("RSA-OAEP AmazonCorrettoCryptoProvider, "
                + "AES-CBC AmazonCorrettoCryptoProvider, HMAC-SHA256 AmazonCorrettoCryptoProvider");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theNativeOaepUsesSha1ForMgf1LikeTheJdk() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(linuxX86(), "the job ships ACCP for linux-x86_64");
        Provider accp = CryptoProviders.loadAccp();
        byte[] dataKey = new byte[32];
        for (int i = 0; i < dataKey.length; i++) {
            dataKey[i] = (byte) (i * 7);
        }
        OAEPParameterSpec sha1Everywhere = new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
                PSource.PSpecified.DEFAULT);

        // Wrapped by ACCP, unwrapped by the JDK with SHA-1/MGF1-SHA1 spelled out...
        Cipher accpWrap = Cipher.getInstance(RichNotificationCrypto.RSA, accp);
        accpWrap.init(Cipher.ENCRYPT_MODE, keys.publicKey());
        Cipher jdkUnwrap = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
        jdkUnwrap.init(Cipher.DECRYPT_MODE, keys.privateKey(), sha1Everywhere);
        assertThat(jdkUnwrap.doFinal(accpWrap.doFinal(dataKey))).isEqualTo(dataKey);

        // ...and the other way round.
        Cipher jdkWrap = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
        jdkWrap.init(Cipher.ENCRYPT_MODE, keys.publicKey(), sha1Everywhere);
        Cipher accpUnwrap = Cipher.getInstance(RichNotificationCrypto.RSA, accp);
        accpUnwrap.init(Cipher.DECRYPT_MODE, keys.privateKey());
        assertThat(accpUnwrap.doFinal(jdkWrap.doFinal(dataKey))).isEqualTo(dataKey);
    }
}
