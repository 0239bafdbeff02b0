package dev.beacon.bench.jmh;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The bound of the encrypted path: one RSA-OAEP-SHA1 unwrap of a 32-byte AES data key, as every rich notification
 * costs, per provider and key size, in one thread (= per core). Initialising the cipher with the private key is
 * part of each operation, as in the job's decryptor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RsaUnwrapBenchmark {

    /** Overridden by the runner with the providers available on this machine. */
    @Param({RsaProviders.JDK, RsaProviders.BOUNCY_CASTLE})
    public String provider;

    @Param({"2048", "4096"})
    public int keyBits;

    /** One key per size and JVM: generating RSA-4096 keys takes seconds, and smoke runs share one JVM. */
    private static final Map<Integer, KeyPair> KEYS = new ConcurrentHashMap<>();

    private KeyPair keys;
    private byte[] wrapped;
    private Cipher cipher;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = KEYS.computeIfAbsent(keyBits, RsaUnwrapBenchmark::generate);
        byte[] dataKey = new byte[32];
        new SecureRandom().nextBytes(dataKey);
        Cipher wrap = Cipher.getInstance(RsaProviders.OAEP_SHA1);
        wrap.init(Cipher.ENCRYPT_MODE, keys.getPublic());
        wrapped = wrap.doFinal(dataKey);
        cipher = RsaProviders.oaepSha1(provider);
        cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
        if (!java.util.Arrays.equals(cipher.doFinal(wrapped), dataKey)) {
            throw new IllegalStateException(provider + " unwrapped a different key");
        }
    }

    private static KeyPair generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public byte[] unwrap() throws Exception {
        cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
        return cipher.doFinal(wrapped);
    }
}
