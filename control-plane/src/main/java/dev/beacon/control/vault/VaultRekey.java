package dev.beacon.control.vault;

import dev.beacon.control.store.Sql;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vault rekey}: reseals every sealed column under the primary key, so the previous keys can be dropped.
 * Boxes already under the primary key are left alone, which makes it safe to run again after an interruption.
 *
 * <p>Each row is rewritten only if its box did not change meanwhile ({@code WHERE column = old box}), so a token
 * refresh racing with the rekey is never overwritten by an older value.
 */
public final class VaultRekey {

    private static final Logger log = LoggerFactory.getLogger(VaultRekey.class);

    /** How many boxes were resealed per column, and how many were already under the primary key. */
    public record Result(int integrationCredentials, int tokenCaches, int clientStates, int privateKeys,
                         int alertRouteSecrets, int alreadyCurrent) {
        /** Without alert routes (their URLs and webhook secrets). */
        public Result(int integrationCredentials, int tokenCaches, int clientStates, int privateKeys,
                      int alreadyCurrent) {
            this(integrationCredentials, tokenCaches, clientStates, privateKeys, 0, alreadyCurrent);
        }

        public int resealed() {
            return integrationCredentials + tokenCaches + clientStates + privateKeys + alertRouteSecrets;
        }
    }

    private record Box(String[] key, byte[] sealed) {}

    private final Sql sql;
    private final SealedBox box;

    public VaultRekey(Sql sql, SealedBox box) {
        this.sql = sql;
        this.box = box;
    }

    /** @throws VaultKeyException when a box was sealed under a key that is not configured (nothing after it is lost) */
    public Result run() {
        int[] current = {0};
        int credentials = reseal(current, "SELECT integration_id, credential_sealed FROM integration "
                        + "WHERE credential_sealed IS NOT NULL", 1,
                k -> SealPurpose.integrationCredential(k[0]),
                "UPDATE integration SET credential_sealed = ? WHERE integration_id = ? AND credential_sealed = ?");
        int caches = reseal(current, "SELECT integration_id, home_account_id, cache_sealed FROM token_cache", 2,
                k -> SealPurpose.tokenCache(k[0], k[1]),
                "UPDATE token_cache SET cache_sealed = ?, vault_key_id = '" + box.primaryKeyId() + "' "
                        + "WHERE integration_id = ? AND home_account_id = ? AND cache_sealed = ?");
        int states = reseal(current, "SELECT client_state_id, secret_sealed FROM client_state", 1,
                k -> SealPurpose.clientState(k[0]),
                "UPDATE client_state SET secret_sealed = ? WHERE client_state_id = ? AND secret_sealed = ?");
        int keys = reseal(current, "SELECT certificate_id, private_key_sealed FROM encryption_certificate", 1,
                k -> SealPurpose.privateKey(k[0]),
                "UPDATE encryption_certificate SET private_key_sealed = ? "
                        + "WHERE certificate_id = ? AND private_key_sealed = ?");
        int alertUrls = reseal(current, "SELECT route_id, url_sealed FROM alert_route WHERE url_sealed IS NOT NULL",
                1, k -> SealPurpose.alertRouteUrl(k[0]),
                "UPDATE alert_route SET url_sealed = ? WHERE route_id = ? AND url_sealed = ?");
        int alertSecrets = reseal(current, "SELECT route_id, secret_sealed FROM alert_route "
                        + "WHERE secret_sealed IS NOT NULL", 1, k -> SealPurpose.alertRouteSecret(k[0]),
                "UPDATE alert_route SET secret_sealed = ? WHERE route_id = ? AND secret_sealed = ?");
        Result r = new Result(credentials, caches, states, keys, alertUrls + alertSecrets, current[0]);
        log.info("vault rekey under key {}: {}", box.primaryKeyId(), r);
        return r;
    }

    private int reseal(int[] alreadyCurrent, String select, int keyColumns, Function<String[], String> purpose,
                       String update) {
        List<Box> boxes = sql.query(select, rs -> {
            String[] key = new String[keyColumns];
            for (int i = 0; i < keyColumns; i++) {
                key[i] = rs.getString(i + 1);
            }
            return new Box(key, rs.getBytes(keyColumns + 1));
        });
        int n = 0;
        for (Box b : boxes) {
            if (!box.needsReseal(b.sealed())) {
                alreadyCurrent[0]++;
                continue;
            }
            String p = purpose.apply(b.key());
            byte[] resealed = box.seal(box.open(b.sealed(), p), p);
            Object[] params = new Object[keyColumns + 2];
            params[0] = resealed;
            System.arraycopy(b.key(), 0, params, 1, keyColumns);
            params[keyColumns + 1] = b.sealed();
            n += sql.update(update, params);
        }
        return n;
    }
}
