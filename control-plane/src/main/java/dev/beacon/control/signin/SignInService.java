package dev.beacon.control.signin;

import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.TokenVault;
import dev.beacon.control.vault.TokenVault.StoredAccount;
import dev.beacon.control.vault.VaultKeyException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Signs the control plane in to each integration's tenant with MSAL4J and hands out Graph tokens. A facade over:
 *
 * <ul>
 *   <li><b>device-code</b> (public client, {@link DeviceCodeFlow}): {@link #startDeviceCode} shows a code a person
 *       types at Microsoft's sign-in page; MSAL polls in the background until they approve.</li>
 *   <li><b>auth-code</b> (confidential client, {@link AuthCodeFlow}): {@link #authorizationUrl} sends a person to
 *       Entra, which redirects to our callback; {@link #completeAuthorizationCode} redeems the code. The
 *       {@code state} is random, single-use, bound to the integration and expires.</li>
 *   <li><b>client-credentials</b>: app-only tokens from the client secret or certificate ({@link AppCredential}).</li>
 * </ul>
 *
 * Delegated tokens live in the encrypted {@link TokenVault}; {@link #graphToken} acquires silently (MSAL refreshes
 * with the stored refresh token) and {@link #refreshDue} keeps access and refresh tokens fresh ahead of time
 * ({@link GraphTokens}). MSAL applications are built and cached per integration by {@link MsalApps}.
 *
 * <p>Every failure ends as a phase with a plain-words detail and an integration status ({@link SignInFailures});
 * tokens, device codes and secrets never appear in logs, details or exceptions. User codes and verification URLs
 * may: they are for humans.
 */
public final class SignInService implements TokenSource, AutoCloseable {

    private final IntegrationStore integrations;
    private final TokenVault vault;
    private final MsalApps apps;
    private final SignInAccounts accounts;
    private final DeviceCodeFlow deviceCode;
    private final AuthCodeFlow authCode;
    private final GraphTokens tokens;

    /**
     * @param sql and {@code box}: where sign-ins in progress (both flows) are kept, sealed, for every replica
     */
    public SignInService(IntegrationStore integrations, TokenVault vault, Sql sql, SealedBox box,
                         MicrosoftEndpoints endpoints, Clock clock, SignInSettings settings) {
        this.integrations = integrations;
        this.vault = vault;
        this.apps = new MsalApps(integrations, vault, endpoints, settings.entraTimeout());
        this.accounts = new SignInAccounts(integrations, vault, apps);
        this.deviceCode = new DeviceCodeFlow(integrations, apps, accounts, new DeviceCodeLogins(sql, box), clock,
                settings);
        this.authCode = new AuthCodeFlow(apps, accounts, new PendingAuthorizations(sql, box),
                new AuthCodeLogins(sql, box), clock, settings);
        this.tokens = new GraphTokens(integrations, vault, apps, accounts, clock, settings);
    }

    // ---- device code ------------------------------------------------------------------------------------------------

    /**
     * Starts (or returns the running, on any replica) device-code sign-in. Returns once Entra issued the code: phase {@code pending}
     * with the verification URI and user code; the rest happens in the background, see {@link #loginState}.
     */
    public LoginView startDeviceCode(String integrationId) {
        return deviceCode.start(integrationId);
    }

    /** The state of the latest sign-in, or what the stored tokens say when none ran since start. */
    public LoginView loginState(String integrationId) {
        LoginView device = deviceCode.latest(integrationId);
        if (device != null && !"signed-in".equals(device.phase())) {
            return device; // in progress, or how the latest attempt failed
        }
        // signed in earlier (or never here): the stored tokens tell whether that still holds (e.g. refresh token
        // revoked since), unless an auth-code sign-in is pending or failed
        LoginView unfinished = authCode.latestUnfinished(integrationId);
        if (unfinished != null) {
            return unfinished;
        }
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return new LoginView(integrationId, "signed-in", null, null, "app-only (client credentials)", null,
                    null, in.statusDetail());
        }
        Optional<StoredAccount> usable = accounts.usableAccount(integrationId);
        if (usable.isPresent()) {
            return new LoginView(integrationId, "signed-in", null, null, null, null, usable.get().username(),
                    usable.get().statusDetail());
        }
        Optional<StoredAccount> flagged = vault.accounts(integrationId).stream().findFirst();
        if (flagged.isPresent()) {
            return new LoginView(integrationId, "needs-interaction", null, null, null, null,
                    flagged.get().username(), flagged.get().statusDetail());
        }
        return new LoginView(integrationId, "none", null, null, null, null, null, in.statusDetail());
    }

    // ---- authorization code ---------------------------------------------------------------------------------------

    /**
     * Records that a one-time sign-in link was handed out ({@code beaconctl login} for an auth-code integration):
     * {@link #loginState} says {@code pending} until the callback signs in or fails.
     *
     * @param link the link to open (it holds a ticket: it is shown to the operator, never logged)
     */
    public LoginView authCodeLinkIssued(String integrationId, String link, Instant linkExpiresAt) {
        return authCode.linkIssued(integrationId, link, linkExpiresAt);
    }

    /**
     * Where to send the person who signs in. Entra posts the code and our state back to {@code redirectUri}
     * ({@code response_mode=form_post}: MSAL4J overrides any other mode). The request carries a PKCE challenge
     * (S256); its verifier is kept sealed in PostgreSQL with the state's hash until the code is redeemed.
     */
    public URI authorizationUrl(String integrationId, URI redirectUri) {
        return authCode.authorizationUrl(integrationId, redirectUri);
    }

    /**
     * Redeems the code Entra sent to the callback. A {@code state} that is unknown, used, expired, issued for another
     * integration or with another redirect URI is rejected (phase {@code failed}) and changes nothing.
     */
    public LoginView completeAuthorizationCode(String integrationId, String code, String state, URI redirectUri) {
        return authCode.complete(integrationId, code, state, redirectUri);
    }

    /** The callback came back with {@code error=…} (for example the person declined consent). */
    public LoginView authorizationDenied(String integrationId, String state, URI redirectUri, String error,
                                         String errorDescription) {
        return authCode.denied(integrationId, state, redirectUri, error, errorDescription);
    }

    // ---- tokens ---------------------------------------------------------------------------------------------------

    /**
     * A valid Graph token: delegated ones silently from the vault (MSAL refreshes when needed), app-only ones from
     * the client credential. Silent acquisition runs one at a time per integration (refresh tokens are single-use).
     *
     * @throws SignInRequiredException   a human must sign in (never signed in, refresh token revoked or expired)
     * @throws VaultKeyException         the stored tokens cannot be opened with the configured vault keys
     * @throws EntraUnavailableException Entra failed for a reason a retry may fix
     */
    @Override
    public GraphToken graphToken(String integrationId) throws SignInRequiredException {
        return tokens.graphToken(integrationId);
    }

    @Override
    public GraphToken freshGraphToken(String integrationId) throws SignInRequiredException {
        return tokens.freshGraphToken(integrationId);
    }

    /**
     * Refreshes, ahead of time, every delegated account whose access token expires within {@code margin} (by the
     * injected clock). A refresh token Entra rejects flags the account and its integration for a new sign-in.
     *
     * @return the accounts it looked at, after the attempt
     */
    public List<TokenView> refreshDue(Duration margin) {
        return tokens.refreshDue(vault.accounts(), margin);
    }

    /**
     * The same for one integration: what its leader does each round, so that only one replica ever uses an
     * account's refresh token (Entra replaces it on use).
     */
    public List<TokenView> refreshDue(String integrationId, Duration margin) {
        return tokens.refreshDue(vault.accounts(integrationId), margin);
    }

    /** Every stored account's token health, from the database (no Entra calls). */
    public List<TokenView> tokenHealth() {
        return tokens.tokenHealth();
    }

    @Override
    public void close() {
        deviceCode.close();
        apps.close();
    }
}
