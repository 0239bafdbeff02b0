package dev.beacon.control.subscriptions;

import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * clientState secrets ({@code client_state}, sealed): one fresh secret per subscription created, which Graph echoes
 * in every notification and the job checks. A secret is retired when no active subscription uses it; the job still
 * accepts it for {@code retiredGrace} (default 7 days) so notifications in flight or replayed from the hub verify.
 */
public final class ClientStates {

    /** A new secret and its row id. {@code toString} hides the secret. */
    public record Issued(String id, String secret) {
        @Override
        public String toString() {
            return "ClientState[" + id + "]";
        }
    }

    private final Sql sql;
    private final SealedBox vault;
    private final Clock clock;
    private final Duration retiredGrace;
    private final SecureRandom random = new SecureRandom();

    public ClientStates(Sql sql, SealedBox vault, Clock clock, Duration retiredGrace) {
        this.sql = sql;
        this.vault = vault;
        this.clock = clock;
        this.retiredGrace = retiredGrace;
    }

    public ClientStates(Sql sql, SealedBox vault, Clock clock) {
        this(sql, vault, clock, Duration.ofDays(7));
    }

    /** 32 random bytes, base64url (43 characters, no commas: the job's file is comma-separated). */
    public Issued issue(String integrationId) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String id = "cs-" + UUID.randomUUID();
        sql.update("INSERT INTO client_state (client_state_id, integration_id, secret_sealed, created_at) "
                + "VALUES (?, ?, ?, ?)", id, integrationId, vault.sealString(secret, SealPurpose.clientState(id)),
                clock.instant());
        return new Issued(id, secret);
    }

    /** Forgets a secret Graph never accepted (the create failed). */
    public void discard(String clientStateId) {
        sql.update("DELETE FROM client_state WHERE client_state_id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM graph_subscription WHERE client_state_id = ?)", clientStateId, clientStateId);
    }

    public String open(String clientStateId) {
        byte[] box = sql.queryOne("SELECT secret_sealed FROM client_state WHERE client_state_id = ?",
                        rs -> rs.getBytes(1), clientStateId)
                .orElseThrow(() -> new IllegalArgumentException("no clientState " + clientStateId));
        return new String(vault.open(box, SealPurpose.clientState(clientStateId)), StandardCharsets.UTF_8);
    }

    /** Retires secrets no active subscription uses; returns how many. */
    public int retireUnused() {
        return sql.update("UPDATE client_state c SET retired_at = ? WHERE retired_at IS NULL AND NOT EXISTS "
                + "(SELECT 1 FROM graph_subscription s WHERE s.client_state_id = c.client_state_id "
                + "AND s.state = 'active')", clock.instant());
    }

    /** Secrets the job must accept: not retired, or retired within the grace period. Oldest first. */
    public List<String> accepted() {
        return sql.query("SELECT client_state_id, secret_sealed FROM client_state WHERE retired_at IS NULL "
                        + "OR retired_at > ? ORDER BY created_at, client_state_id",
                rs -> new String(vault.open(rs.getBytes(2), SealPurpose.clientState(rs.getString(1))),
                        StandardCharsets.UTF_8),
                clock.instant().minus(retiredGrace));
    }
}
