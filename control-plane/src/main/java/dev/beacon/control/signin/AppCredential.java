package dev.beacon.control.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The stored form of a confidential client's credential ({@code integration.credential_sealed}, sealed by
 * {@code IntegrationStore}):
 *
 * <ul>
 *   <li>{@code credential_kind = 'secret'}: the client secret, UTF-8;</li>
 *   <li>{@code credential_kind = 'certificate'}: a JSON envelope {@code {"pkcs12":"<base64>","password":"…"}}
 *       holding the PKCS12 (private key + certificate, one alias) and its password. Build it with
 *       {@link #certificateEnvelope}. Raw PKCS12 bytes are accepted too and opened with an empty password.</li>
 * </ul>
 */
public final class AppCredential {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AppCredential() {}

    /** The bytes to hand to {@code IntegrationStore.add(..., "certificate", bytes)}. */
    public static byte[] certificateEnvelope(byte[] pkcs12, String password) {
        var o = JSON.createObjectNode()
                .put("pkcs12", Base64.getEncoder().encodeToString(pkcs12))
                .put("password", password == null ? "" : password);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The MSAL credential for the stored bytes; messages never contain the secret or password. */
    static IClientCredential toMsal(String kind, byte[] stored) {
        if ("secret".equals(kind)) {
            return ClientCredentialFactory.createFromSecret(new String(stored, StandardCharsets.UTF_8));
        }
        if (!"certificate".equals(kind)) {
            throw new IllegalArgumentException("unknown credential kind '" + kind + "' (secret or certificate)");
        }
        byte[] pkcs12 = stored;
        String password = "";
        if (stored.length > 0 && stored[0] == '{') {
            try {
                JsonNode n = JSON.readTree(stored);
                pkcs12 = Base64.getDecoder().decode(n.path("pkcs12").asText(""));
                password = n.path("password").asText("");
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("the stored certificate credential is not a valid envelope "
                        + "{\"pkcs12\":base64,\"password\":…}");
            }
        }
        try {
            return ClientCredentialFactory.createFromCertificate(new ByteArrayInputStream(pkcs12), password);
        } catch (Exception e) {
            throw new IllegalArgumentException("the stored PKCS12 cannot be opened (wrong password or not a PKCS12 "
                    + "with exactly one key): " + e.getClass().getSimpleName());
        }
    }
}
