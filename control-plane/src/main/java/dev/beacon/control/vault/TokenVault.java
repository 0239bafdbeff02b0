package dev.beacon.control.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.store.Sql;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MSAL's token cache, stored in {@code token_cache}: one row per signed-in account, sealed with {@link SealedBox}
 * under {@link SealPurpose#tokenCache}. MSAL reads and writes it through {@link VaultTokenCacheAspect}.
 *
 * <p>Why one row per account: each account's refresh token has its own 90-day clock and its own "needs a human"
 * flag, and rows can be shown (without secrets) per account. The row holds only that account's entries of MSAL's
 * serialized cache (plus the app metadata), so several rows merged together are again a valid MSAL cache.
 *
 * <p>A row is overwritten whenever MSAL changes the cache: a superseded refresh token is never kept.
 * Besides the sealed JSON the row keeps, in the clear, what ops need to see: username, when the Graph access token
 * expires, when Entra last issued a new refresh token ({@code refreshed_at}, the 90-day inactivity clock), whether a
 * human must sign in again, and why.
 */
public final class TokenVault {

    private static final Logger log = LoggerFactory.getLogger(TokenVault.class);
    private static final List<String> PER_ACCOUNT_SECTIONS = List.of("Account", "AccessToken", "RefreshToken", "IdToken");

    /** What the vault knows about an account's tokens, without the tokens. */
    public record StoredAccount(String integrationId, String homeAccountId, String username, String vaultKeyId,
                                Instant accessExpiresAt, Instant refreshedAt, boolean needsInteraction,
                                String statusDetail, Instant updatedAt) {}

    private final Sql sql;
    private final SealedBox box;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public TokenVault(Sql sql, SealedBox box, Clock clock) {
        this.sql = sql;
        this.box = box;
        this.clock = clock;
    }

    /** The cache access hook to install on the MSAL application of one integration. */
    public VaultTokenCacheAspect aspectFor(String integrationId) {
        return new VaultTokenCacheAspect(this, integrationId);
    }

    /**
     * The integration's cache as one MSAL JSON document (all its accounts), or null when nothing is stored.
     *
     * @throws VaultKeyException when a row was sealed with a key that is not configured, or was altered
     */
    public String load(String integrationId) {
        record SealedRow(String homeAccountId, byte[] sealed) {}
        List<SealedRow> rows = sql.query("SELECT home_account_id, cache_sealed FROM token_cache "
                        + "WHERE integration_id = ? ORDER BY home_account_id",
                rs -> new SealedRow(rs.getString(1), rs.getBytes(2)), integrationId);
        if (rows.isEmpty()) {
            return null;
        }
        ObjectNode merged = json.createObjectNode();
        for (SealedRow row : rows) {
            String plain = box.openString(row.sealed(), SealPurpose.tokenCache(integrationId, row.homeAccountId()));
            JsonNode doc = parse(plain);
            doc.fields().forEachRemaining(section -> {
                ObjectNode target = merged.has(section.getKey()) ? (ObjectNode) merged.get(section.getKey())
                        : merged.putObject(section.getKey());
                if (section.getValue().isObject()) {
                    target.setAll((ObjectNode) section.getValue());
                }
            });
        }
        return merged.toString();
    }

    /**
     * Stores MSAL's serialized cache: each account's share goes to its own row, rewritten only when it changed.
     * Entries without an account (app-only tokens) are not persisted.
     */
    public void store(String integrationId, String serializedCache) {
        JsonNode cache = parse(serializedCache);
        for (Map.Entry<String, ObjectNode> e : splitByAccount(cache).entrySet()) {
            upsert(integrationId, e.getKey(), e.getValue());
        }
    }

    private void upsert(String integrationId, String homeAccountId, ObjectNode accountCache) {
        String purpose = SealPurpose.tokenCache(integrationId, homeAccountId);
        Optional<byte[]> previous = sql.queryOne("SELECT cache_sealed FROM token_cache "
                + "WHERE integration_id = ? AND home_account_id = ?", rs -> rs.getBytes(1), integrationId,
                homeAccountId);
        String previousRefreshToken = null;
        if (previous.isPresent()) {
            try {
                JsonNode old = parse(box.openString(previous.get(), purpose));
                if (old.equals(accountCache) && !box.needsReseal(previous.get())) {
                    return; // nothing new for this account
                }
                previousRefreshToken = refreshTokenSecret(old);
            } catch (VaultKeyException unreadable) {
                // The old row is lost to us anyway (wrong key or altered); the fresh cache replaces it.
                log.warn("replacing unreadable token cache row of integration {}: {}", integrationId,
                        unreadable.getMessage());
            }
        }
        String refreshToken = refreshTokenSecret(accountCache);
        boolean newRefreshToken = refreshToken != null && !refreshToken.equals(previousRefreshToken);
        Instant now = clock.instant();
        byte[] sealed = box.sealString(accountCache.toString(), purpose);
        String username = accountCache.path("Account").elements().hasNext()
                ? accountCache.path("Account").elements().next().path("username").asText(null) : null;
        sql.update("""
                INSERT INTO token_cache (integration_id, home_account_id, username, cache_sealed, vault_key_id,
                                         access_expires_at, refreshed_at, needs_interaction, status_detail, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, false, NULL, ?)
                ON CONFLICT (integration_id, home_account_id) DO UPDATE SET
                    username = EXCLUDED.username,
                    cache_sealed = EXCLUDED.cache_sealed,
                    vault_key_id = EXCLUDED.vault_key_id,
                    access_expires_at = EXCLUDED.access_expires_at,
                    refreshed_at = COALESCE(?, token_cache.refreshed_at),
                    needs_interaction = token_cache.needs_interaction AND NOT ?,
                    status_detail = CASE WHEN ? THEN NULL ELSE token_cache.status_detail END,
                    updated_at = EXCLUDED.updated_at""",
                integrationId, homeAccountId, username, sealed, box.primaryKeyId(), accessExpiresAt(accountCache),
                newRefreshToken ? now : null, now,
                newRefreshToken ? now : null, newRefreshToken, newRefreshToken);
        if (newRefreshToken) {
            log.info("token vault: stored a new refresh token for integration {} account {}", integrationId,
                    username);
        }
    }

    /** Metadata of every stored account (never the tokens). */
    public List<StoredAccount> accounts() {
        return sql.query("SELECT * FROM token_cache ORDER BY integration_id, home_account_id", TokenVault::account);
    }

    public List<StoredAccount> accounts(String integrationId) {
        return sql.query("SELECT * FROM token_cache WHERE integration_id = ? ORDER BY updated_at DESC",
                TokenVault::account, integrationId);
    }

    public Optional<StoredAccount> account(String integrationId, String homeAccountId) {
        return sql.queryOne("SELECT * FROM token_cache WHERE integration_id = ? AND home_account_id = ?",
                TokenVault::account, integrationId, homeAccountId);
    }

    /** Flags an account whose refresh token no longer works: a human must sign in again. */
    public void markNeedsInteraction(String integrationId, String homeAccountId, String detail) {
        sql.update("UPDATE token_cache SET needs_interaction = true, status_detail = ?, updated_at = ? "
                + "WHERE integration_id = ? AND home_account_id = ?", detail, clock.instant(), integrationId,
                homeAccountId);
    }

    /** Records a problem (or clears it with null) without changing the interaction flag. */
    public void setDetail(String integrationId, String homeAccountId, String detail) {
        sql.update("UPDATE token_cache SET status_detail = ?, updated_at = ? "
                + "WHERE integration_id = ? AND home_account_id = ?", detail, clock.instant(), integrationId,
                homeAccountId);
    }

    /** Deletes every account of the integration except {@code keepHomeAccountId}; returns how many went. */
    public int forgetOtherAccounts(String integrationId, String keepHomeAccountId) {
        return sql.update("DELETE FROM token_cache WHERE integration_id = ? AND home_account_id <> ?",
                integrationId, keepHomeAccountId);
    }

    /** Deletes all of the integration's cached tokens (sign-out). */
    public int forget(String integrationId) {
        return sql.update("DELETE FROM token_cache WHERE integration_id = ?", integrationId);
    }

    // ---- the MSAL cache format ------------------------------------------------------------------------------------

    /** Each account's entries (keyed by home_account_id), with the shared AppMetadata copied into every share. */
    private Map<String, ObjectNode> splitByAccount(JsonNode cache) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        cache.path("Account").elements().forEachRemaining(acc -> {
            String id = acc.path("home_account_id").asText("");
            if (!id.isEmpty()) {
                out.computeIfAbsent(id, k -> json.createObjectNode());
            }
        });
        for (var e : out.entrySet()) {
            ObjectNode share = e.getValue();
            for (String section : PER_ACCOUNT_SECTIONS) {
                ObjectNode target = share.putObject(section);
                cache.path(section).fields().forEachRemaining(entry -> {
                    if (e.getKey().equals(entry.getValue().path("home_account_id").asText(null))) {
                        target.set(entry.getKey(), entry.getValue());
                    }
                });
            }
            if (cache.has("AppMetadata")) {
                share.set("AppMetadata", cache.get("AppMetadata"));
            }
        }
        return out;
    }

    private static String refreshTokenSecret(JsonNode accountCache) {
        Iterator<JsonNode> it = accountCache.path("RefreshToken").elements();
        return it.hasNext() ? it.next().path("secret").asText(null) : null;
    }

    /**
     * When the account's latest access token expires, on the injected clock. MSAL records {@code expires_on} by the
     * system clock; what matters is the remaining lifetime, so it is carried over to {@code clock} (identical in
     * production, and consistent when tests move a simulated clock by days).
     */
    private Instant accessExpiresAt(JsonNode accountCache) {
        long latest = -1;
        for (Iterator<JsonNode> it = accountCache.path("AccessToken").elements(); it.hasNext(); ) {
            JsonNode at = it.next();
            latest = Math.max(latest, at.path("expires_on").asLong(-1));
        }
        if (latest < 0) {
            return null;
        }
        Duration remaining = Duration.ofSeconds(latest - System.currentTimeMillis() / 1000);
        return clock.instant().plus(remaining);
    }

    private JsonNode parse(String s) {
        try {
            return Objects.requireNonNullElseGet(json.readTree(s), json::createObjectNode);
        } catch (IOException e) {
            // Never include the text: it is a token cache.
            throw new IllegalStateException("token cache is not valid JSON");
        }
    }

    private static StoredAccount account(ResultSet rs) throws SQLException {
        return new StoredAccount(rs.getString("integration_id"), rs.getString("home_account_id"),
                rs.getString("username"), rs.getString("vault_key_id"), Sql.instant(rs, "access_expires_at"),
                Sql.instant(rs, "refreshed_at"), rs.getBoolean("needs_interaction"), rs.getString("status_detail"),
                Sql.instant(rs, "updated_at"));
    }
}
