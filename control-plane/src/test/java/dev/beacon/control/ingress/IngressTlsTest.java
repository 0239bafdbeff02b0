package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With BEACON_INGRESS_TLS_KEYSTORE the ingress serves HTTPS (and no plain HTTP). */
class IngressTlsTest {

    @Test
    void servesHttpsFromAPkcs12Keystore(@TempDir Path dir) throws Exception {
        Path p12 = dir.resolve("tls.p12");
        Path pw = dir.resolve("tls.password");
        Files.writeString(pw, "changeit-tls\n");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "ingress", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", "changeit-tls", "-keypass", "changeit-tls")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();

        IngressSettings settings = IngressSettings.fromEnv(Map.of(
                "BEACON_INGRESS_HOST", "127.0.0.1",
                "BEACON_INGRESS_PORT", "0",
                "BEACON_INGRESS_METRICS_PORT", "0",
                "BEACON_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                "BEACON_CLIENT_STATE", "tls-secret",
                "BEACON_INGRESS_APP_IDS", TestJwks.APP_ID,
                "BEACON_INGRESS_TLS_KEYSTORE", p12.toString(),
                "BEACON_INGRESS_TLS_KEYSTORE_PASSWORD_FILE", pw.toString()));
        try (IngressService ingress = IngressService.start(settings)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                trust.load(in, "changeit-tls".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("https://127.0.0.1:" + ingress.port() + "/webhooks/graph/contoso?validationToken="
                    + URLEncoder.encode("tls handshake", StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("tls handshake");
        }
    }
}
