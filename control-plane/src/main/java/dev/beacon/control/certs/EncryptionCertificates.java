package dev.beacon.control.certs;

import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates Graph encrypts rich notifications to (https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data):
 * one current self-signed RSA 2048 certificate per integration (Graph does not check the issuer), its private key
 * sealed in {@code encryption_certificate.private_key_sealed}.
 *
 * <p>Rotation: a new certificate becomes current and the old one gets {@code retired_at}; the reconciler moves
 * subscriptions to the new one (PATCH {@code encryptionCertificate}/{@code encryptionCertificateId}). A retired key
 * is deleted only once no active subscription references it <em>and</em> {@code retiredGrace} has passed, because
 * notifications encrypted to it may still be in flight or be replayed from the hub (default 7 days, Event Hubs'
 * longest Standard retention).
 */
public final class EncryptionCertificates {

    private static final Logger log = LoggerFactory.getLogger(EncryptionCertificates.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final String COLUMNS = "c.certificate_id, c.integration_id, c.certificate_der, c.not_after, "
            + "c.created_at, c.retired_at";

    /** Public facts of a certificate; {@link #base64()} is what Graph gets as {@code encryptionCertificate}. */
    public record Certificate(String id, String integrationId, X509Certificate certificate, Instant notAfter,
                              Instant createdAt, Instant retiredAt) {
        public String base64() {
            try {
                return Base64.getEncoder().encodeToString(certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A private key with its certificate, for the job's keystore. {@code toString} hides the key. */
    public record KeyEntry(String certificateId, X509Certificate certificate, PrivateKey privateKey) {
        @Override
        public String toString() {
            return "KeyEntry[" + certificateId + "]";
        }
    }

    private final Sql sql;
    private final SealedBox vault;
    private final Clock clock;
    private final Duration validity;
    private final Duration rotateBefore;
    private final Duration retiredGrace;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param validity     lifetime of new certificates (default 365 days)
     * @param rotateBefore {@link #rotateIfDue} rotates when the current one expires within this (default 30 days)
     * @param retiredGrace how long a retired, unused key is kept (default 7 days)
     */
    public EncryptionCertificates(Sql sql, SealedBox vault, Clock clock, Duration validity, Duration rotateBefore,
                                  Duration retiredGrace) {
        this.sql = sql;
        this.vault = vault;
        this.clock = clock;
        this.validity = validity;
        this.rotateBefore = rotateBefore;
        this.retiredGrace = retiredGrace;
    }

    public EncryptionCertificates(Sql sql, SealedBox vault, Clock clock) {
        this(sql, vault, clock, Duration.ofDays(365), Duration.ofDays(30), Duration.ofDays(7));
    }

    /** The integration's current certificate, if it has one. */
    public Optional<Certificate> existing(String integrationId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM encryption_certificate c WHERE c.integration_id = ? "
                + "AND c.retired_at IS NULL ORDER BY c.created_at DESC, c.certificate_id DESC LIMIT 1",
                rs -> certificate(rs), integrationId);
    }

    /** The integration's current certificate, generated on first use. */
    public Certificate current(String integrationId) {
        return existing(integrationId).orElseGet(() -> generate(integrationId));
    }

    /** Rotates when the current certificate expires within {@code rotateBefore}; returns the new one if rotated. */
    public Optional<Certificate> rotateIfDue(String integrationId) {
        Optional<Certificate> cur = existing(integrationId);
        if (cur.isPresent() && cur.get().notAfter().minus(rotateBefore).isAfter(clock.instant())) {
            return Optional.empty();
        }
        return cur.isPresent() ? Optional.of(rotate(integrationId)) : Optional.empty();
    }

    /** A new certificate becomes current; the previous current one (if any) is retired now. */
    public Certificate rotate(String integrationId) {
        Instant now = clock.instant();
        int retired = sql.update("UPDATE encryption_certificate SET retired_at = ? WHERE integration_id = ? "
                + "AND retired_at IS NULL", now, integrationId);
        Certificate fresh = generate(integrationId);
        log.info("Rotated encryption certificate of {}: {} is current, {} retired", integrationId, fresh.id(), retired);
        return fresh;
    }

    /**
     * Deletes retired keys that no active subscription uses and that were retired more than {@code retiredGrace}
     * ago. Inactive subscription rows lose their reference first (they are history).
     *
     * @return the ids deleted
     */
    public List<String> purgeRetired() {
        Instant cutoff = clock.instant().minus(retiredGrace);
        List<String> ids = sql.query("SELECT c.certificate_id FROM encryption_certificate c "
                + "WHERE c.retired_at IS NOT NULL AND c.retired_at <= ? AND NOT EXISTS (SELECT 1 FROM "
                + "graph_subscription s WHERE s.encryption_certificate_id = c.certificate_id AND s.state = 'active')",
                rs -> rs.getString(1), cutoff);
        for (String id : ids) {
            sql.update("UPDATE graph_subscription SET encryption_certificate_id = NULL "
                    + "WHERE encryption_certificate_id = ? AND state <> 'active'", id);
            sql.update("DELETE FROM encryption_certificate WHERE certificate_id = ?", id);
            log.info("Deleted retired encryption certificate {} (unused, grace period over)", id);
        }
        return ids;
    }

    /** @param integrationId null for all integrations */
    public List<CertificateView> views(String integrationId) {
        return sql.query("SELECT c.certificate_id, c.integration_id, c.not_after, c.created_at, c.retired_at, "
                        + "(SELECT count(*) FROM graph_subscription s WHERE s.encryption_certificate_id = "
                        + "c.certificate_id AND s.state = 'active') AS subscriptions FROM encryption_certificate c "
                        + "WHERE (?::text IS NULL OR c.integration_id = ?) ORDER BY c.integration_id, c.created_at, "
                        + "c.certificate_id",
                rs -> new CertificateView(rs.getString(1), rs.getString(2), Sql.instant(rs, "not_after"),
                        Sql.instant(rs, "created_at"), Sql.instant(rs, "retired_at"), rs.getInt("subscriptions")),
                integrationId, integrationId);
    }

    /** Every stored key (current and retired, not yet deleted), opened: what the job's keystore holds. */
    public List<KeyEntry> keys() {
        return sql.query("SELECT certificate_id, certificate_der, private_key_sealed FROM encryption_certificate "
                + "ORDER BY certificate_id", rs -> {
                    String id = rs.getString(1);
                    byte[] pkcs8 = vault.open(rs.getBytes(3), SealPurpose.privateKey(id));
                    return new KeyEntry(id, parse(rs.getBytes(2)), privateKey(pkcs8));
                });
    }

    private Certificate generate(String integrationId) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String id = "beacon-" + integrationId + "-" + DAY.format(now) + "-" + HexFormat.of().formatHex(suffix);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            KeyPair pair = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + id + ", O=Beacon");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, random).abs().add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(notAfter), subject, pair.getPublic());
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()))
                    .getEncoded();
            byte[] sealedKey = vault.seal(pair.getPrivate().getEncoded(), SealPurpose.privateKey(id));
            sql.update("INSERT INTO encryption_certificate (certificate_id, integration_id, certificate_der, "
                    + "private_key_sealed, not_after, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    id, integrationId, der, sealedKey, notAfter, now);
            log.info("Generated encryption certificate {} for {} (valid until {})", id, integrationId, notAfter);
            return new Certificate(id, integrationId, parse(der), notAfter, now, null);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot generate an encryption certificate", e);
        }
    }

    private static Certificate certificate(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Certificate(rs.getString("certificate_id"), rs.getString("integration_id"),
                parse(rs.getBytes("certificate_der")), Sql.instant(rs, "not_after"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "retired_at"));
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored certificate is not X.509", e);
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored private key is not PKCS8 RSA", e);
        }
    }
}
