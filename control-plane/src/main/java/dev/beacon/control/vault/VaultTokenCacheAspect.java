package dev.beacon.control.vault;

import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;

/**
 * Connects one integration's MSAL application to the {@link TokenVault}: before MSAL reads its cache it gets the
 * stored accounts; after MSAL changed it (new tokens, a rotated refresh token) the accounts are written back.
 *
 * <p>Reading the database on every access (not only at start) keeps several replicas honest: the one that last
 * rotated a refresh token wins, and nobody keeps using a superseded one from memory.
 *
 * <p>A {@link VaultKeyException} thrown here aborts MSAL's call; sign-in code finds it in the cause chain and
 * reports it as the integration's status.
 */
public final class VaultTokenCacheAspect implements ITokenCacheAccessAspect {

    private final TokenVault vault;
    private final String integrationId;

    VaultTokenCacheAspect(TokenVault vault, String integrationId) {
        this.vault = vault;
        this.integrationId = integrationId;
    }

    @Override
    public void beforeCacheAccess(ITokenCacheAccessContext context) {
        String stored = vault.load(integrationId);
        if (stored != null) {
            context.tokenCache().deserialize(stored);
        }
    }

    @Override
    public void afterCacheAccess(ITokenCacheAccessContext context) {
        if (context.hasCacheChanged()) {
            vault.store(integrationId, context.tokenCache().serialize());
        }
    }

    @Override
    public String toString() {
        return "VaultTokenCacheAspect[" + integrationId + "]";
    }
}
