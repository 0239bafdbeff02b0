package dev.beacon.contracts.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The data-key cache inside a real {@link RichNotificationCrypto.Decryptor}: hits, eviction, disabled. */
class DataKeyCacheTest {

    private static KeyPair keys;
    private static KeyPair otherKeys;

    @BeforeAll
    static void generate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    private static EncryptedContent encrypt(String text) {
        return RichNotificationCrypto.encrypt(text.getBytes(StandardCharsets.UTF_8), keys.getPublic(), "cert", "T");
    }

    private static RichNotificationCrypto.Decryptor decryptor(int capacity) {
        return new RichNotificationCrypto.Decryptor((id, thumbprint) -> Optional.of(keys.getPrivate()),
                RichNotificationCrypto.Providers.JDK, new DataKeyCache(capacity));
    }

    private static String decrypt(RichNotificationCrypto.Decryptor d, EncryptedContent c) throws Exception {
        return new String(d.decrypt(c), StandardCharsets.UTF_8);
    }

    @Test
    void aRepeatedWrappedKeyIsUnwrappedOnce() throws Exception {
        RichNotificationCrypto.Decryptor d = decryptor(4);
        EncryptedContent first = encrypt("{\"n\":1}");
        EncryptedContent other = encrypt("{\"n\":2}");

        assertThat(decrypt(d, first)).isEqualTo("{\"n\":1}");
        assertThat(decrypt(d, first)).isEqualTo("{\"n\":1}");
        assertThat(decrypt(d, other)).isEqualTo("{\"n\":2}");
        assertThat(decrypt(d, first)).isEqualTo("{\"n\":1}");

        assertThat(d.cache().hits()).isEqualTo(2);
        assertThat(d.cache().misses()).isEqualTo(2);
        assertThat(d.cache().size()).isEqualTo(2);
    }

    @Test
    void aCachedKeyStillHasToMatchTheSignature() throws Exception {
        RichNotificationCrypto.Decryptor d = decryptor(4);
        EncryptedContent genuine = encrypt("{\"n\":1}");
        decrypt(d, genuine);
        // Someone else's data under the same wrapped key: the cached key does not sign it.
        EncryptedContent forged = new EncryptedContent(encrypt("{\"n\":666}").data(), genuine.dataSignature(),
                genuine.dataKey(), genuine.encryptionCertificateId(), genuine.encryptionCertificateThumbprint());

        DecryptionException e = catchThrowableOfType(DecryptionException.class, () -> d.decrypt(forged));

        assertThat(e.failure()).isEqualTo(DecryptionException.Failure.HMAC_MISMATCH);
        assertThat(d.cache().hits()).isEqualTo(1);
    }

    @Test
    void theLeastRecentlyUsedKeyIsEvictedBeyondTheCapacity() throws Exception {
        RichNotificationCrypto.Decryptor d = decryptor(2);
        EncryptedContent a = encrypt("{\"n\":\"a\"}");
        EncryptedContent b = encrypt("{\"n\":\"b\"}");
        EncryptedContent c = encrypt("{\"n\":\"c\"}");

        decrypt(d, a);
        decrypt(d, b);
        decrypt(d, a); // hit: b is now the least recently used
        decrypt(d, c); // evicts b
        decrypt(d, a); // hit
        decrypt(d, b); // miss: evicted, unwrapped again (evicts c)

        assertThat(d.cache().size()).isEqualTo(2);
        assertThat(d.cache().hits()).isEqualTo(2);
        assertThat(d.cache().misses()).isEqualTo(4);
    }

    @Test
    void anEntryCountsOnlyForThePrivateKeyThatUnwrappedIt() throws Exception {
        DataKeyCache cache = new DataKeyCache(4);
        byte[] wrapped = Base64.getDecoder().decode(encrypt("{}").dataKey());
        cache.put(keys.getPrivate(), wrapped, new byte[32]);

        assertThat(cache.find(otherKeys.getPrivate(), wrapped)).isNull();
        assertThat(cache.find(keys.getPrivate(), wrapped)).hasSize(32);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void handsOutCopiesAndZeroesWhatItDrops() throws Exception {
        DataKeyCache cache = new DataKeyCache(1);
        byte[] wrapped = {1, 2, 3};
        byte[] key = new byte[32];
        key[0] = 7;
        cache.put(keys.getPrivate(), wrapped, key);
        key[0] = 0; // the caller zeroes its copy
        byte[] found = cache.find(keys.getPrivate(), wrapped);
        found[0] = 0;

        assertThat(cache.find(keys.getPrivate(), new byte[] {1, 2, 3})[0]).isEqualTo((byte) 7);
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.find(keys.getPrivate(), wrapped)).isNull();
    }

    @Test
    void capacityZeroDisablesIt() throws Exception {
        RichNotificationCrypto.Decryptor d = decryptor(0);
        EncryptedContent content = encrypt("{\"n\":1}");

        decrypt(d, content);
        decrypt(d, content);

        assertThat(d.cache().enabled()).isFalse();
        assertThat(d.cache().size()).isZero();
        assertThat(d.cache().hits()).isZero();
        assertThat(d.cache().misses()).isZero();
    }

    @Test
    void aNegativeCapacityIsRefused() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new DataKeyCache(-1)))
                .hasMessageContaining("capacity");
    }
}
