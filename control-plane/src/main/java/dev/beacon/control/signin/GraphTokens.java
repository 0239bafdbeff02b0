package dev.beacon.control.signin;

import static dev.beacon.control.signin.SignInFailures.describe;
import static dev.beacon.control.signin.SignInFailures.detailOf;
import static dev.beacon.control.signin.SignInFailures.unwrap;

import com.microsoft.aad.msal4j.AuthenticationErrorCode;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ITenantProfile;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.SilentParameters;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.signin.MsalApps.MsalApp;
import dev.beacon.control.vault.TokenVault;
import dev.beacon.control.vault.TokenVault.StoredAccount;
import dev.beacon.control.vault.VaultKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graph tokens without a human: delegated ones silently from the vault (MSAL refreshes with the stored refresh
 * token), app-only ones from the client credential; ahead-of-time refresh ({@link #refreshDue}) and token health.
 * A refresh token Entra rejects flags the account and its integration for a new sign-in.
 */
final class GraphTokens implements TokenSource {

    private static final Logger log = LoggerFactory.getLogger(GraphTokens.class);
    /** Entra refusing or unreachable, a wrong vault key: retried every pass, logged once per window. */
    private final dev.beacon.control.logging.LogLimiter limiter = dev.beacon.control.logging.LogLimiter.defaults();

    private final ConcurrentHashMap<String, Object> tokenLocks = new ConcurrentHashMap<>();
    private final IntegrationStore integrations;
    private final TokenVault vault;
    private final MsalApps apps;
    private final SignInAccounts accounts;
    private final Clock clock;
    private final SignInSettings settings;

    GraphTokens(IntegrationStore integrations, TokenVault vault, MsalApps apps, SignInAccounts accounts, Clock clock,
                SignInSettings settings) {
        this.integrations = integrations;
        this.vault = vault;
        this.apps = apps;
        this.accounts = accounts;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public GraphToken graphToken(String integrationId) throws SignInRequiredException {
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return appOnlyToken(in, false);
        }
        Optional<StoredAccount> account = accounts.usableAccount(integrationId);
        if (account.isEmpty()) {
            boolean flagged = !vault.accounts(integrationId).isEmpty();
            String detail = flagged ? "sign-in: the signed-in account needs a new sign-in (refresh token rejected)"
                    : "sign-in: nobody signed in yet";
            if (in.status() != IntegrationStatus.SIGNING_IN) { // a person is signing in right now: keep saying so
                integrations.setStatus(integrationId,
                        flagged ? IntegrationStatus.NEEDS_INTERACTION : IntegrationStatus.NEEDS_SIGN_IN, detail);
            }
            throw new SignInRequiredException(detail);
        }
        IAuthenticationResult r = silent(in, account.get().homeAccountId(), false);
        accounts.markActiveIfRecovered(in);
        return toGraphToken(r);
    }

    @Override
    public GraphToken freshGraphToken(String integrationId) throws SignInRequiredException {
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return appOnlyToken(in, true);
        }
        Optional<StoredAccount> account = accounts.usableAccount(integrationId);
        if (account.isEmpty()) {
            return graphToken(integrationId); // says why, and flags the integration
        }
        IAuthenticationResult r = silent(in, account.get().homeAccountId(), true);
        accounts.markActiveIfRecovered(in);
        return toGraphToken(r);
    }

    /** Refreshes the given accounts whose access token expires within {@code margin} (by the injected clock). */
    List<TokenView> refreshDue(List<StoredAccount> due, Duration margin) {
        Instant limit = clock.instant().plus(margin);
        List<TokenView> out = new ArrayList<>();
        for (StoredAccount a : due) {
            if (a.needsInteraction() || (a.accessExpiresAt() != null && a.accessExpiresAt().isAfter(limit))) {
                continue;
            }
            Optional<Integration> in = integrations.get(a.integrationId());
            if (in.isEmpty() || in.get().status() == IntegrationStatus.DISABLED || !in.get().authMode().delegated()) {
                continue;
            }
            try {
                // MSAL refreshes by itself only within 5 minutes of expiry (system clock): force it.
                silent(in.get(), a.homeAccountId(), true);
                accounts.markActiveIfRecovered(in.get());
            } catch (SignInRequiredException e) {
                // already flagged, with the reason, by silent()
            } catch (RuntimeException e) {
                vault.setDetail(a.integrationId(), a.homeAccountId(), detailOf(e));
                log.warn("integration {}: token refresh failed: {}", a.integrationId(), detailOf(e));
            }
            vault.account(a.integrationId(), a.homeAccountId()).map(this::tokenView).ifPresent(out::add);
        }
        return out;
    }

    /** Every stored account's token health, from the database (no Entra calls). */
    List<TokenView> tokenHealth() {
        return vault.accounts().stream().map(this::tokenView).toList();
    }

    /**
     * One silent token acquisition per integration at a time in this JVM: the leader loop, the lifecycle, hydration
     * and backfill threads all ask for tokens, and two concurrent refreshes would present the same refresh token
     * twice (Entra replaces it on use, so the second is refused and the account flagged for a new sign-in).
     */
    private IAuthenticationResult silent(Integration in, String homeAccountId, boolean forceRefresh)
            throws SignInRequiredException {
        synchronized (tokenLocks.computeIfAbsent(in.id(), id -> new Object())) {
            return silentLocked(in, homeAccountId, forceRefresh);
        }
    }

    private IAuthenticationResult silentLocked(Integration in, String homeAccountId, boolean forceRefresh)
            throws SignInRequiredException {
        MsalApp app = apps.app(in);
        try {
            Set<IAccount> cached = apps.await(app.app().getAccounts());
            IAccount account = cached.stream().filter(a -> a.homeAccountId().equals(homeAccountId)).findFirst()
                    .orElse(null);
            if (account == null) {
                String detail = "sign-in: the stored account is missing from the token cache; sign in again";
                integrations.setStatus(in.id(), IntegrationStatus.NEEDS_SIGN_IN, detail);
                throw new SignInRequiredException(detail);
            }
            return apps.await(app.app().acquireTokenSilently(SilentParameters.builder(scopesFor(in), account)
                    .forceRefresh(forceRefresh).build()));
        } catch (SignInRequiredException e) {
            throw e;
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            if (cause instanceof MsalInteractionRequiredException
                    || (cause instanceof MsalClientException ce
                    && AuthenticationErrorCode.CACHE_MISS.equals(ce.errorCode()))) {
                String detail = "sign-in: Entra rejected the refresh token (" + describe(cause)
                        + "); sign in again";
                vault.markNeedsInteraction(in.id(), homeAccountId, detail);
                integrations.setStatus(in.id(), IntegrationStatus.NEEDS_INTERACTION, detail);
                log.warn("integration {}: {}", in.id(), detail);
                throw new SignInRequiredException(detail);
            }
            throw failure(in, cause);
        }
    }

    private GraphToken appOnlyToken(Integration in, boolean skipCache) throws SignInRequiredException {
        ConfidentialClientApplication app = (ConfidentialClientApplication) apps.app(in).app();
        try {
            IAuthenticationResult r = apps.await(app.acquireToken(ClientCredentialParameters
                    .builder(Set.of(SignInSettings.GRAPH_APP_ONLY_SCOPE)).skipCache(skipCache).build()));
            accounts.markActiveIfRecovered(in);
            return new GraphToken(r.accessToken(), r.expiresOnDate().toInstant(), null, null);
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            if (cause instanceof MsalServiceException se && se.statusCode() != null
                    && (se.statusCode() == 400 || se.statusCode() == 401)) {
                String detail = "sign-in: Entra refused the app credential (" + describe(se)
                        + "); check the client secret or certificate";
                integrations.setStatus(in.id(), IntegrationStatus.ERROR, detail);
                throw new SignInRequiredException(detail);
            }
            throw failure(in, cause);
        }
    }

    /** Non-interactive failures: vault keys (status ERROR), everything else transient. */
    private RuntimeException failure(Integration in, Throwable cause) {
        if (cause instanceof VaultKeyException vk) {
            integrations.setStatus(in.id(), IntegrationStatus.ERROR, "vault: " + vk.getMessage());
            limiter.error(log, "vault:" + in.id() + ":" + vk.getMessage(),
                    "integration {}: cannot open its stored tokens: {}", in.id(), vk.getMessage());
            return vk;
        }
        if (cause instanceof IllegalArgumentException bad) {
            integrations.setStatus(in.id(), IntegrationStatus.ERROR, "sign-in: " + bad.getMessage());
            return bad;
        }
        String detail = "sign-in: Entra did not issue a token: " + describe(cause);
        limiter.warn(log, "entra:" + in.id() + ":" + detail, "integration {}: {}", in.id(), detail);
        return new EntraUnavailableException(detail);
    }

    private Set<String> scopesFor(Integration in) {
        return in.authMode().delegated() ? settings.delegatedScopes() : Set.of(SignInSettings.GRAPH_APP_ONLY_SCOPE);
    }

    private TokenView tokenView(StoredAccount a) {
        boolean nearExpiry = a.refreshedAt() != null
                && Duration.between(a.refreshedAt(), clock.instant()).compareTo(settings.refreshTokenWarnAfter()) > 0;
        String detail = a.statusDetail();
        if (detail == null && nearExpiry) {
            detail = "no new refresh token for " + Duration.between(a.refreshedAt(), clock.instant()).toDays()
                    + " days; Entra expires it after 90 days without use";
        }
        return new TokenView(a.integrationId(), a.homeAccountId(), a.username(), a.accessExpiresAt(),
                a.refreshedAt(), a.needsInteraction(), nearExpiry, detail);
    }

    private static GraphToken toGraphToken(IAuthenticationResult r) {
        IAccount account = r.account();
        return new GraphToken(r.accessToken(), r.expiresOnDate().toInstant(), objectId(r),
                account == null ? null : account.username());
    }

    /** The account's object id: the id token's {@code oid}, else the {@code uid} part of the home account id. */
    static String objectId(IAuthenticationResult r) {
        ITenantProfile profile = r.tenantProfile();
        if (profile != null && profile.getClaims() != null && profile.getClaims().get("oid") != null) {
            return String.valueOf(profile.getClaims().get("oid"));
        }
        IAccount account = r.account();
        if (account == null) {
            return null;
        }
        if (account.getTenantProfiles() != null) {
            for (ITenantProfile p : account.getTenantProfiles().values()) {
                if (p.getClaims() != null && p.getClaims().get("oid") != null) {
                    return String.valueOf(p.getClaims().get("oid"));
                }
            }
        }
        String home = account.homeAccountId();
        return home == null ? null : home.split("\\.", 2)[0];
    }
}
