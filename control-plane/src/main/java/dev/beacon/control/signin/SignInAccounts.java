package dev.beacon.control.signin;

import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.vault.TokenVault;
import dev.beacon.control.vault.TokenVault.StoredAccount;
import java.util.Comparator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An integration's sign-in as the integration store and the vault record it, shared by the sign-in flows and the
 * token source: which stored account is usable, and how a sign-in outcome sets the integration's status.
 */
final class SignInAccounts {

    private static final Logger log = LoggerFactory.getLogger(SignInAccounts.class);

    private final IntegrationStore integrations;
    private final TokenVault vault;
    private final MsalApps apps;

    SignInAccounts(IntegrationStore integrations, TokenVault vault, MsalApps apps) {
        this.integrations = integrations;
        this.vault = vault;
        this.apps = apps;
    }

    Integration requireMode(String integrationId, AuthMode mode) {
        Integration in = integrations.require(integrationId);
        if (in.authMode() != mode) {
            throw new IllegalArgumentException("integration '" + integrationId + "' uses " + in.authMode().dbValue()
                    + " sign-in, not " + mode.dbValue());
        }
        return in;
    }

    /** The account graphToken uses: the most recently updated one that does not need a human. */
    Optional<StoredAccount> usableAccount(String integrationId) {
        return vault.accounts(integrationId).stream().filter(a -> !a.needsInteraction())
                .max(Comparator.comparing(StoredAccount::updatedAt));
    }

    /** A person signed in: only that account stays, and the integration is ACTIVE. */
    void signedIn(Integration in, IAuthenticationResult r) {
        String home = r.account() == null ? null : r.account().homeAccountId();
        if (home != null && vault.forgetOtherAccounts(in.id(), home) > 0) {
            apps.forget(in.id()); // its in-memory cache still holds the replaced account
        }
        String username = r.account() == null ? null : r.account().username();
        integrations.setStatus(in.id(), IntegrationStatus.ACTIVE, "signed in as " + username);
        log.info("integration {}: signed in as {}", in.id(), username);
    }

    /** A failed sign-in attempt leaves a working older sign-in ACTIVE, with the attempt's outcome as detail. */
    void settleStatusAfterFailedSignIn(String integrationId, IntegrationStatus status, String detail) {
        boolean stillWorks = status != IntegrationStatus.ERROR && usableAccount(integrationId).isPresent();
        integrations.setStatus(integrationId, stillWorks ? IntegrationStatus.ACTIVE : status,
                stillWorks ? "last sign-in attempt: " + detail : detail);
    }

    /** Back to ACTIVE after a token worked, if the status was one the sign-in set for a token problem. */
    void markActiveIfRecovered(Integration in) {
        IntegrationStatus s = in.status();
        String d = in.statusDetail() == null ? "" : in.statusDetail();
        if (s == IntegrationStatus.NEEDS_SIGN_IN || s == IntegrationStatus.NEEDS_INTERACTION
                || (s == IntegrationStatus.ERROR && (d.startsWith("sign-in:") || d.startsWith("vault:")))) {
            integrations.setStatus(in.id(), IntegrationStatus.ACTIVE, null);
        }
    }
}
