package dev.beacon.bench.jmh;

import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;

/**
 * The JCA providers whose RSA-OAEP-SHA1 unwrap the benchmark measures as bounds: the JDK's (SunJCE), BouncyCastle,
 * and the Amazon Corretto Crypto Provider (native, AWS-LC) where its native library loads on this OS and CPU.
 */
public final class RsaProviders {

    public static final String JDK = "SunJCE";
    public static final String BOUNCY_CASTLE = "BC";
    public static final String CORRETTO = "ACCP";

    /** The transformation Graph's rich notifications use (see {@code RichNotificationCrypto.RSA}). */
    public static final String OAEP_SHA1 = dev.beacon.contracts.crypto.RichNotificationCrypto.RSA;

    private static final String CORRETTO_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    private RsaProviders() {}

    /** Those usable here, in the order above; prints why one is left out. */
    public static List<String> available() {
        List<String> names = new ArrayList<>(List.of(JDK, BOUNCY_CASTLE));
        try {
            provider(CORRETTO);
            names.add(CORRETTO);
        } catch (RuntimeException e) {
            System.out.println("Note: Amazon Corretto Crypto Provider is not measured here: " + e.getMessage());
        }
        return names;
    }

    public static Provider provider(String name) {
        return switch (name) {
            case JDK -> Security.getProvider("SunJCE");
            case BOUNCY_CASTLE -> new org.bouncycastle.jce.provider.BouncyCastleProvider();
            case CORRETTO -> corretto();
            default -> throw new IllegalArgumentException("unknown provider " + name);
        };
    }

    /** A fresh OAEP-SHA1 cipher of provider {@code name}. */
    public static Cipher oaepSha1(String name) {
        try {
            return Cipher.getInstance(OAEP_SHA1, provider(name));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(name + " has no " + OAEP_SHA1, e);
        }
    }

    /** Loaded reflectively: its jar is on the class path everywhere, but its native library loads only on Linux x86-64. */
    private static Provider corretto() {
        try {
            Class<?> type = Class.forName(CORRETTO_CLASS);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(provider);
            if (loadingError != null) {
                throw new IllegalStateException("its native library did not load ("
                        + ((Throwable) loadingError).getClass().getSimpleName() + ": "
                        + ((Throwable) loadingError).getMessage() + ")");
            }
            return provider;
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("it is not on the class path or cannot load (" + e + ")");
        }
    }
}
