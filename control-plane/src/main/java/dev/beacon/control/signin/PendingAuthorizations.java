package dev.beacon.control.signin;

import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Started auth-code sign-ins in {@code auth_code_state}, shared by every replica: Entra's callback may reach a
 * replica other than the one that sent the person to Entra, or the same one after a restart.
 *
 * <p>A row is keyed by the SHA-256 of the OAuth {@code state}; the PKCE verifier and the redirect URI are sealed
 * with the vault ({@link SealPurpose#authCodeState}, bound to the integration and the state hash). Taking a row
 * deletes it in the same statement, so a state is redeemed once across all replicas. Expiry is by the database
 * clock; expired rows stay an hour (a late callback still hears "expired") and are purged when a sign-in starts.
 */
final class PendingAuthorizations {

    /** A taken row: {@code live} is false when it had expired by the database clock. */
    record Taken(String integrationId, URI redirectUri, String codeVerifier, boolean live) {
        @Override
        public String toString() {
            return "Taken[" + integrationId + ", live=" + live + "]";
        }
    }

    private static final Duration KEEP_EXPIRED = Duration.ofHours(1);

    private final Sql sql;
    private final SealedBox box;

    PendingAuthorizations(Sql sql, SealedBox box) {
        this.sql = sql;
        this.box = box;
    }

    /** Stores a started sign-in for {@code lifetime} (database clock), purging long-expired ones first. */
    void put(String state, String integrationId, URI redirectUri, String codeVerifier, Duration lifetime) {
        sql.update("DELETE FROM auth_code_state WHERE expires_at < now() - make_interval(secs => ?)",
                (double) KEEP_EXPIRED.toSeconds());
        byte[] hash = sha256(state);
        byte[] sealed = box.sealString(codeVerifier + "\n" + redirectUri,
                SealPurpose.authCodeState(integrationId, HexFormat.of().formatHex(hash)));
        sql.update("INSERT INTO auth_code_state (state_hash, integration_id, pending_sealed, expires_at) "
                        + "VALUES (?, ?, ?, now() + make_interval(secs => ?))",
                hash, integrationId, sealed, lifetime.toMillis() / 1000.0);
    }

    /**
     * Deletes and returns the sign-in started with {@code state}, expired or not; empty when unknown or already
     * taken (by any replica).
     *
     * @throws dev.beacon.control.vault.VaultKeyException sealed under a vault key no longer configured
     */
    Optional<Taken> take(String state) {
        byte[] hash = sha256(state);
        record Row(String integrationId, byte[] sealed, boolean live) {}
        Optional<Row> row = sql.queryOne("DELETE FROM auth_code_state WHERE state_hash = ? "
                        + "RETURNING integration_id, pending_sealed, expires_at > now() AS live",
                rs -> new Row(rs.getString(1), rs.getBytes(2), rs.getBoolean(3)), hash);
        return row.map(r -> {
            String plain = box.openString(r.sealed(),
                    SealPurpose.authCodeState(r.integrationId(), HexFormat.of().formatHex(hash)));
            int nl = plain.indexOf('\n');
            return new Taken(r.integrationId(), URI.create(plain.substring(nl + 1)), plain.substring(0, nl),
                    r.live());
        });
    }

    /** SHA-256 of a random secret (a state, a ticket nonce): what is stored instead of the secret. */
    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
