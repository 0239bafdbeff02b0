package dev.beacon.job.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An RSA key pair (2048 bits unless asked otherwise) and a self-signed certificate, generated at run time, standing
 * in for the certificate a Graph subscription's rich notifications are encrypted for. Never commit a private key:
 * generate one per test.
 */
public final class TestKeys {

    private final String certificateId;
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private TestKeys(String certificateId, KeyPair keyPair, X509Certificate certificate) {
        this.certificateId = certificateId;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public static TestKeys generate(String certificateId) {
        Instant now = Instant.now();
        return generate(certificateId, 2048, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
    }

    /** A key of {@code bits} bits whose certificate is valid from {@code notBefore} to {@code notAfter}. */
    public static TestKeys generate(String certificateId, int bits, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            KeyPair keyPair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=beacon-test-" + certificateId);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(System.nanoTime()).abs(), Date.from(notBefore), Date.from(notAfter), subject,
                    keyPair.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA")
                            .build(keyPair.getPrivate())));
            return new TestKeys(certificateId, keyPair, certificate);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate test keys", e);
        }
    }

    /** Writes the keys to a PKCS12 file, each as a private-key entry whose alias is its certificate id. */
    public static Path writePkcs12(Path file, char[] password, TestKeys... keys) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (TestKeys k : keys) {
                store.setKeyEntry(k.certificateId, k.privateKey(), password, new Certificate[] {k.certificate});
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            store.store(out, password);
            // a private key: owner-only, like every secret file (the local demo runs from these)
            dev.beacon.contracts.secrets.JobSecretsLayout.writeAtomically(file, out.toByteArray());
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write PKCS12 file " + file, e);
        }
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificateId() {
        return certificateId;
    }

    /** The certificate's thumbprint as Graph sends it: SHA-1 of its DER encoding, upper-case hex. */
    public String thumbprint() {
        try {
            return HexFormat.of().withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TestKeys{" + certificateId + "}";
    }
}
