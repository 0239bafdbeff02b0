package dev.beacon.drill.scenario;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The drill's stand-in for a Graph subscription's encryption certificate: an RSA key pair generated per run, a
 * PKCS12 keystore for the TaskManagers, and rich-notification encryption exactly as Graph does it (the same scheme
 * as the job's {@code TestKeys} and {@code GraphEncryption} test helpers; the job publishes no test-jar, so the few
 * lines are repeated here): AES-256-CBC with IV = key[0..16], HMAC-SHA256 over the ciphertext, RSA-OAEP-SHA1 key wrap.
 */
public final class DrillKeys {

    /** The encrypted parts of a rich notification's {@code encryptedContent}. */
    public record Encrypted(String data, String dataSignature, String dataKey, String certificateId,
            String thumbprint) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String certificateId;
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private DrillKeys(String certificateId, KeyPair keyPair, X509Certificate certificate) {
        this.certificateId = certificateId;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public static DrillKeys generate(String certificateId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=beacon-drill-" + certificateId);
            Instant now = Instant.now();
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
                            subject, pair.getPublic())
                            .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new DrillKeys(certificateId, pair, cert);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate drill keys", e);
        }
    }

    public String certificateId() {
        return certificateId;
    }

    /** The keystore the job decrypts with: one private-key entry whose alias is the certificate id. */
    public Path writePkcs12(Path file, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(certificateId, keyPair.getPrivate(), password, new Certificate[] {certificate});
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Encrypted encrypt(byte[] plaintextJson) {
        byte[] aesKey = new byte[32];
        RANDOM.nextBytes(aesKey);
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"),
                    new IvParameterSpec(Arrays.copyOf(aesKey, 16)));
            byte[] ciphertext = aes.doFinal(plaintextJson);
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(aesKey, "HmacSHA256"));
            byte[] signature = hmac.doFinal(ciphertext);
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, keyPair.getPublic());
            Base64.Encoder b64 = Base64.getEncoder();
            return new Encrypted(b64.encodeToString(ciphertext), b64.encodeToString(signature),
                    b64.encodeToString(rsa.doFinal(aesKey)), certificateId,
                    HexFormat.of().withUpperCase().formatHex(
                            MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt drill content", e);
        }
    }
}
