package dev.beacon.control.ingress;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Microsoft's side of rich notifications for tests: RSA keys that sign validation tokens, and a loopback HTTP
 * server publishing the public keys as a JWKS (which keys it publishes can change, as Microsoft rotates them).
 */
final class TestJwks implements AutoCloseable {

    static final String APP_ID = "11111111-2222-3333-4444-555555555555";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile List<RSAKey> published;

    TestJwks(RSAKey... keys) throws IOException {
        published = List.of(keys);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/keys", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                    .toList()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/keys");
    }

    void publish(RSAKey... keys) {
        published = List.of(keys);
    }

    int fetches() {
        return fetches.get();
    }

    /** A validation token as Microsoft issues it (v1 issuer), signed by {@code key}. */
    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("https://sts.windows.net/" + TENANT + "/")
                .audience(APP_ID)
                .claim("appid", ValidationTokenVerifier.GRAPH_PUBLISHER)
                .claim("tid", TENANT)
                .issueTime(Date.from(now.minus(Duration.ofMinutes(1))))
                .notBeforeTime(Date.from(now.minus(Duration.ofMinutes(1))))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        return sign(key, key.getKeyID(), claims);
    }

    static String sign(RSAKey key, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
