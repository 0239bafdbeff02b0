package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.testing.PostgresFixture;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** App-only tokens with a client secret and with a certificate (PKCS12 generated here with BouncyCastle). */
class ClientCredentialsSignInTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private SignInHarness h;

    @BeforeEach
    void setUp() {
        h = new SignInHarness(PG);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aClientSecretGetsAnAppOnlyToken() throws Exception {
        h.integrations.add("acme", "Acme", EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID,
                AuthMode.CLIENT_CREDENTIALS, "secret", "the-app-secret".getBytes(StandardCharsets.UTF_8));
        h.emulator.entra().registerClientSecret(SignInHarness.CLIENT_ID, "the-app-secret");
        SignInService s = h.service();

        GraphToken t = s.graphToken("acme");
        assertThat(t.userObjectId()).isNull();
        IssuedToken facts = h.emulator.entra().validAccessToken(t.accessToken()).orElseThrow();
        assertThat(facts.appOnly()).isTrue();
        assertThat(facts.clientId()).isEqualTo(SignInHarness.CLIENT_ID);
        assertThat(facts.tenantId()).isEqualTo(EntraEndpoints.DEFAULT_TENANT);
        assertThat(h.emulator.entra().grantCount("client_credentials")).isEqualTo(1);
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache")).isEqualTo(0L); // app tokens are not stored
        assertThat(s.loginState("acme").phase()).isEqualTo("signed-in");
    }

    @Test
    void aWrongClientSecretFlagsTheIntegration() {
        h.integrations.add("acme", "Acme", EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID,
                AuthMode.CLIENT_CREDENTIALS, "secret", "stale-secret".getBytes(StandardCharsets.UTF_8));
        h.emulator.entra().registerClientSecret(SignInHarness.CLIENT_ID, "rotated-secret");
        SignInService s = h.service();
        assertThatThrownBy(() -> s.graphToken("acme")).isInstanceOf(SignInRequiredException.class)
                .hasMessageContaining("invalid_client").hasMessageNotContaining("stale-secret");
        var in = h.integrations.require("acme");
        assertThat(in.status()).isEqualTo(IntegrationStatus.ERROR);
        assertThat(in.statusDetail()).contains("AADSTS7000215").doesNotContain("stale-secret");
    }

    @Test
    void aCertificateGetsAnAppOnlyToken() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=beacon-test-app");
        Date from = new Date(System.currentTimeMillis() - 60_000);
        Date to = new Date(System.currentTimeMillis() + Duration.ofDays(365).toMillis());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(System.nanoTime()), from, to, name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("app", kp.getPrivate(), "p12-password".toCharArray(), new Certificate[] {cert});
        ByteArrayOutputStream p12 = new ByteArrayOutputStream();
        ks.store(p12, "p12-password".toCharArray());

        h.integrations.add("acme", "Acme", EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID,
                AuthMode.CLIENT_CREDENTIALS, "certificate",
                AppCredential.certificateEnvelope(p12.toByteArray(), "p12-password"));
        h.emulator.entra().registerClientCertificate(SignInHarness.CLIENT_ID, cert);
        SignInService s = h.service();

        GraphToken t = s.graphToken("acme");
        IssuedToken facts = h.emulator.entra().validAccessToken(t.accessToken()).orElseThrow();
        assertThat(facts.appOnly()).isTrue();
        assertThat(h.emulator.entra().grantCount("client_credentials")).isEqualTo(1);
        // a second call within the token's life is served from MSAL's memory
        assertThat(s.graphToken("acme").accessToken()).isEqualTo(t.accessToken());
        assertThat(h.emulator.entra().grantCount("client_credentials")).isEqualTo(1);
    }

    @Test
    void aCertificateTheAppRegistrationDoesNotKnowIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        KeyPair other = g.generateKeyPair();
        X500Name name = new X500Name("CN=beacon-test-app");
        Date from = new Date(System.currentTimeMillis() - 60_000);
        Date to = new Date(System.currentTimeMillis() + Duration.ofDays(365).toMillis());
        X509Certificate ours = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, from, to, name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        X509Certificate registered = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.TWO, from, to, name, other.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(other.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("app", kp.getPrivate(), "pw".toCharArray(), new Certificate[] {ours});
        ByteArrayOutputStream p12 = new ByteArrayOutputStream();
        ks.store(p12, "pw".toCharArray());
        h.integrations.add("acme", "Acme", EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID,
                AuthMode.CLIENT_CREDENTIALS, "certificate", AppCredential.certificateEnvelope(p12.toByteArray(), "pw"));
        h.emulator.entra().registerClientCertificate(SignInHarness.CLIENT_ID, registered);

        assertThatThrownBy(() -> h.service().graphToken("acme")).isInstanceOf(SignInRequiredException.class)
                .hasMessageContaining("AADSTS700027");
        assertThat(h.integrations.require("acme").status()).isEqualTo(IntegrationStatus.ERROR);
    }
}
