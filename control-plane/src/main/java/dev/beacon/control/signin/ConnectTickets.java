package dev.beacon.control.signin;

import dev.beacon.control.ops.ConnectLinkRefusedException;
import dev.beacon.control.store.Sql;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tickets for the auth-code sign-in link that {@code beaconctl login} prints: the browser opens
 * {@code /api/org/{id}/ms-teams/connect?ticket=…} without the admin token, so the ticket stands in for it, for one
 * integration, once, for a short time.
 *
 * <p>Form: {@code v1.<base64url(integration id \n expiry epoch seconds \n random nonce)>.<base64url(HMAC-SHA256)>}.
 * The key is derived from the vault key ({@code SealedBox#derivedKey}), so every replica checks every ticket, and
 * rotating the vault key voids outstanding tickets. Used nonces are remembered in {@code connect_ticket_use} (their
 * SHA-256, inserted with {@code ON CONFLICT DO NOTHING}), so a ticket works once across all replicas; a row is kept
 * an hour past the ticket's expiry (replica clocks may differ) by the database clock, then purged on a later insert.
 * Tickets are secrets: never logged, never in a refusal message.
 */
public final class ConnectTickets {

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
    private static final String VERSION = "v1";

    /** An issued ticket; {@code value} is the secret that goes in the link. */
    public record Ticket(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Ticket[expires " + expiresAt + "]";
        }
    }

    /** How long a used nonce outlives its ticket: covers clock differences between replicas. */
    private static final Duration KEEP_USED = Duration.ofHours(1);

    private final byte[] key;
    private final Sql sql;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    public ConnectTickets(byte[] key, Sql sql, Clock clock, Duration lifetime) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("a connect ticket key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.sql = sql;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public Ticket issue(String integrationId) {
        Instant expires = clock.instant().plus(lifetime);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String payload = integrationId + "\n" + expires.getEpochSecond() + "\n" + b64(nonce);
        String body = b64(payload.getBytes(StandardCharsets.UTF_8));
        return new Ticket(VERSION + "." + body + "." + b64(mac(VERSION + "." + body)), expires);
    }

    /**
     * Accepts the ticket for {@code integrationId} and spends it.
     *
     * @throws ConnectLinkRefusedException altered or not ours, another integration's, expired, or already used
     */
    public void redeem(String integrationId, String ticket) {
        String[] parts = ticket == null ? new String[0] : ticket.split("\\.", -1);
        String[] fields = null;
        if (parts.length == 3 && VERSION.equals(parts[0])) {
            try {
                byte[] presented = Base64.getUrlDecoder().decode(parts[2]);
                if (MessageDigest.isEqual(presented, mac(parts[0] + "." + parts[1]))) {
                    fields = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                            .split("\n", -1);
                }
            } catch (IllegalArgumentException notBase64) {
                fields = null;
            }
        }
        if (fields == null || fields.length != 3) {
            throw new ConnectLinkRefusedException("This sign-in link is not valid: it was changed, cut short, or not "
                    + "issued by this Beacon. Run 'beaconctl login " + integrationId + "' for a new link.");
        }
        if (!fields[0].equals(integrationId)) {
            throw new ConnectLinkRefusedException("This sign-in link was issued for another integration.");
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(fields[1]));
        Instant now = clock.instant();
        if (!now.isBefore(expires)) {
            throw new ConnectLinkRefusedException("This sign-in link expired at " + expires + ". Run 'beaconctl "
                    + "login " + integrationId + "' for a new link.");
        }
        if (!spend(fields[2], Duration.between(now, expires))) {
            throw new ConnectLinkRefusedException("This sign-in link was already used; a link works once. Run "
                    + "'beaconctl login " + integrationId + "' for a new link.");
        }
    }

    /** Records the nonce as used, for every replica; false when some replica already did. */
    private boolean spend(String nonce, Duration ticketLeft) {
        sql.update("DELETE FROM connect_ticket_use WHERE expires_at < now()");
        return sql.update("INSERT INTO connect_ticket_use (nonce_hash, expires_at) "
                        + "VALUES (?, now() + make_interval(secs => ?)) ON CONFLICT (nonce_hash) DO NOTHING",
                PendingAuthorizations.sha256(nonce), ticketLeft.plus(KEEP_USED).toMillis() / 1000.0) == 1;
    }

    private byte[] mac(String data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
