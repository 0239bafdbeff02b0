package dev.beacon.control.signin;

import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.DeviceCode;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.ITenantProfile;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.ResponseMode;
import com.microsoft.aad.msal4j.SilentParameters;
import dev.beacon.control.LogSafe;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.vault.TokenVault;
import dev.beacon.control.vault.TokenVault.StoredAccount;
import dev.beacon.control.vault.VaultKeyException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the control plane in to each integration's tenant with MSAL4J and hands out Graph tokens.
 *
 * <ul>
 *   <li><b>device-code</b> (public client): {@link #startDeviceCode} shows a code a person types at Microsoft's
 *       sign-in page; MSAL polls in the background until they approve.</li>
 *   <li><b>auth-code</b> (confidential client): {@link #authorizationUrl} sends a person to Entra, which redirects to
 *       our callback; {@link #completeAuthorizationCode} redeems the code. The {@code state} is random, single-use,
 *       bound to the integration and expires.</li>
 *   <li><b>client-credentials</b>: app-only tokens from the client secret or certificate ({@link AppCredential}).</li>
 * </ul>
 *
 * Delegated tokens live in the encrypted {@link TokenVault}; {@link #graphToken} acquires silently (MSAL refreshes
 * with the stored refresh token) and {@link #refreshDue} keeps access and refresh tokens fresh ahead of time.
 *
 * <p>MSAL applications use the real authority ({@link MicrosoftEndpoints#authority}); only when the endpoints are
 * routed (emulator) is the transport redirected and instance discovery switched off. PII logging stays off.
 *
 * <p>Every failure ends as a phase with a plain-words detail and an integration status; tokens, device codes
 * and secrets never appear in logs, details or exceptions. User codes and verification URLs may: they are for humans.
 */
public final class SignInService implements TokenSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SignInService.class);

    private final java.util.concurrent.ConcurrentHashMap<String, Object> tokenLocks =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final IntegrationStore integrations;
    private final TokenVault vault;
    private final MicrosoftEndpoints endpoints;
    private final Clock clock;
    private final SignInSettings settings;
    private final ExecutorService msalExecutor = Executors.newCachedThreadPool(daemon("msal"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("sign-in"));
    private final Map<String, MsalApp> apps = new ConcurrentHashMap<>();
    private final Map<String, DeviceCodeSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, PendingAuthorization> states = new ConcurrentHashMap<>();
    /** The latest auth-code sign-in per integration, as {@link #loginState} shows it to {@code beaconctl login}. */
    private final Map<String, LoginView> authCodeLogins = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** One MSAL application per integration, rebuilt if the integration's registration changes. */
    private record MsalApp(String clientId, String tenantId, AuthMode mode, AbstractClientApplicationBase app) {}

    /**
     * A started authorization-code sign-in, found by its {@code state}; {@code codeVerifier} is its PKCE secret
     * (RFC 7636), sent only to Entra's token endpoint.
     */
    private record PendingAuthorization(String integrationId, URI redirectUri, Instant expiresAt,
                                        String codeVerifier) {
        @Override
        public String toString() {
            return "PendingAuthorization[" + integrationId + ", expires " + expiresAt + "]";
        }
    }

    /** What checking a callback's {@code state} found: the pending sign-in, or why it was refused. */
    private record StateCheck(PendingAuthorization pending, String rejected) {}

    public SignInService(IntegrationStore integrations, TokenVault vault, MicrosoftEndpoints endpoints, Clock clock,
                         SignInSettings settings) {
        this.integrations = integrations;
        this.vault = vault;
        this.endpoints = endpoints;
        this.clock = clock;
        this.settings = settings;
    }

    // ---- device code ------------------------------------------------------------------------------------------------

    /**
     * Starts (or returns the running) device-code sign-in. Returns once Entra issued the code: phase {@code pending}
     * with the verification URI and user code; the rest happens in the background, see {@link #loginState}.
     */
    public LoginView startDeviceCode(String integrationId) {
        Integration in = requireMode(integrationId, AuthMode.DEVICE_CODE);
        DeviceCodeSession session;
        synchronized (sessions) {
            DeviceCodeSession running = sessions.get(integrationId);
            if (running != null && running.inProgress(clock.instant())) {
                return running.awaitFirstAnswer(settings.entraTimeout());
            }
            session = new DeviceCodeSession(integrationId);
            sessions.put(integrationId, session);
        }
        integrations.setStatus(integrationId, IntegrationStatus.SIGNING_IN, "device code sign-in started");
        requestDeviceCode(session, in);
        return session.awaitFirstAnswer(settings.entraTimeout());
    }

    private void requestDeviceCode(DeviceCodeSession session, Integration in) {
        try {
            PublicClientApplication app = (PublicClientApplication) app(in).app();
            int attempt = session.newAttempt();
            app.acquireToken(DeviceCodeFlowParameters.builder(settings.delegatedScopes(),
                                    code -> codeIssued(session, attempt, code))
                            .build())
                    .whenComplete((result, error) -> {
                        if (error == null) {
                            signedIn(in, result);
                            session.signedIn(result.account() == null ? null : result.account().username());
                        } else {
                            deviceCodeFailed(session, in, unwrap(error));
                        }
                    });
        } catch (RuntimeException e) {
            deviceCodeFailed(session, in, unwrap(e));
        }
    }

    private void codeIssued(DeviceCodeSession session, int attempt, DeviceCode code) {
        Instant expiresAt = clock.instant().plusSeconds(code.expiresIn());
        session.codeIssued(attempt, code.verificationUri(), code.userCode(), code.message(), expiresAt,
                code.interval());
        log.info("integration {}: device code sign-in pending; enter code {} at {}", session.integrationId,
                code.userCode(), code.verificationUri());
    }

    private void deviceCodeFailed(DeviceCodeSession session, Integration in, Throwable error) {
        if (error instanceof MsalServiceException se && "slow_down".equals(se.errorCode())) {
            // MSAL only keeps polling on authorization_pending; anything else ends its loop. Slow down means "poll
            // less often", so wait longer than the interval and then start polling again. MSAL cannot resume an
            // old device code, so the restart brings a new user code (shown by loginState).
            Instant now = clock.instant();
            if (session.slowDowns() < settings.maxSlowDowns() && session.withinWindow(now)) {
                Duration wait = settings.slowDownBackoff().plusSeconds(session.interval());
                session.slowDown("Entra asked to poll more slowly (slow_down); a new code follows in "
                        + wait.toSeconds() + " s");
                log.warn("integration {}: Entra answered slow_down; restarting device code polling in {}",
                        in.id(), wait);
                scheduler.schedule(() -> requestDeviceCode(session, in), wait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            finishFailed(session, in, "failed", IntegrationStatus.NEEDS_SIGN_IN,
                    "sign-in: Entra answered slow_down " + (session.slowDowns() + 1)
                            + " time(s), more than allowed or after the sign-in window; start the sign-in again later");
            return;
        }
        Failure f = classify(error);
        finishFailed(session, in, f.phase(), f.status(), f.detail());
    }

    private void finishFailed(DeviceCodeSession session, Integration in, String phase, IntegrationStatus status,
                              String detail) {
        settleStatusAfterFailedSignIn(in.id(), status, detail); // before the phase: watchers see both together
        session.finished(phase, detail);
        log.warn("integration {}: device code sign-in ended: {} ({})", in.id(), phase, detail);
    }

    /** The state of the latest sign-in, or what the stored tokens say when none ran since start. */
    public LoginView loginState(String integrationId) {
        DeviceCodeSession s = sessions.get(integrationId);
        if (s != null) {
            LoginView v = s.view();
            if (!"signed-in".equals(v.phase())) {
                return v; // in progress, or how the latest attempt failed
            }
            // signed in earlier: the stored tokens tell whether that still holds (e.g. refresh token revoked since)
        }
        LoginView authCode = authCodeLogins.get(integrationId);
        if (authCode != null && !"signed-in".equals(authCode.phase())) {
            if ("pending".equals(authCode.phase()) && authCode.expiresAt() != null
                    && !clock.instant().isBefore(authCode.expiresAt().plus(settings.stateLifetime()))) {
                return failedView(integrationId, "expired",
                        "sign-in: nobody finished the sign-in in time; run 'beaconctl login " + integrationId
                                + "' for a new link");
            }
            return authCode;
        }
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return new LoginView(integrationId, "signed-in", null, null, "app-only (client credentials)", null,
                    null, in.statusDetail());
        }
        Optional<StoredAccount> usable = usableAccount(integrationId);
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
        requireMode(integrationId, AuthMode.AUTH_CODE);
        LoginView v = new LoginView(integrationId, "pending", link, null,
                "Open this link in a browser and sign in with the service account. It works once, needs no admin "
                        + "token, and expires in " + Duration.between(clock.instant(), linkExpiresAt).toMinutes()
                        + " minutes.", linkExpiresAt, null, null);
        authCodeLogins.put(integrationId, v);
        log.info("integration {}: auth-code sign-in link issued, valid until {}", integrationId, linkExpiresAt);
        return v;
    }

    private void authCodeEnded(LoginView outcome) {
        authCodeLogins.put(outcome.integrationId(), outcome);
    }

    /**
     * Where to send the person who signs in. Entra posts the code and our state back to {@code redirectUri}
     * ({@code response_mode=form_post}: MSAL4J overrides any other mode). The request carries a PKCE challenge
     * (S256); its verifier stays here, with the state, until the code is redeemed.
     */
    public URI authorizationUrl(String integrationId, URI redirectUri) {
        Integration in = requireMode(integrationId, AuthMode.AUTH_CODE);
        dropExpiredStates();
        String state = randomToken(32);
        String verifier = randomToken(32); // 43 characters of [A-Za-z0-9_-]: RFC 7636 §4.1
        states.put(state, new PendingAuthorization(integrationId, redirectUri,
                clock.instant().plus(settings.stateLifetime()), verifier));
        ConfidentialClientApplication app = (ConfidentialClientApplication) app(in).app();
        try {
            return app.getAuthorizationRequestUrl(AuthorizationRequestUrlParameters
                    .builder(redirectUri.toString(), settings.delegatedScopes())
                    .state(state)
                    .responseMode(ResponseMode.FORM_POST)
                    .codeChallenge(pkceChallenge(verifier))
                    .codeChallengeMethod("S256")
                    .prompt(Prompt.SELECT_ACCOUNT)
                    .build()).toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("MSAL built an invalid authorization URL", e);
        }
    }

    /**
     * Redeems the code Entra sent to the callback. A {@code state} that is unknown, used, expired, issued for another
     * integration or with another redirect URI is rejected (phase {@code failed}) and changes nothing.
     */
    public LoginView completeAuthorizationCode(String integrationId, String code, String state, URI redirectUri) {
        StateCheck check = checkState(integrationId, state, redirectUri);
        if (check.rejected() != null) {
            log.warn("integration {}: authorization callback rejected: {}", LogSafe.value(integrationId),
                    check.rejected());
            return failedView(integrationId, "failed", check.rejected());
        }
        Integration in = requireMode(integrationId, AuthMode.AUTH_CODE);
        if (code == null || code.isBlank()) {
            return failedView(integrationId, "failed", "sign-in: the callback carried no authorization code");
        }
        ConfidentialClientApplication app = (ConfidentialClientApplication) app(in).app();
        try {
            IAuthenticationResult r = await(app.acquireToken(AuthorizationCodeParameters.builder(code, redirectUri)
                    .scopes(settings.delegatedScopes())
                    .codeVerifier(check.pending().codeVerifier())
                    .build()));
            signedIn(in, r);
            String username = r.account() == null ? null : r.account().username();
            LoginView done = new LoginView(integrationId, "signed-in", null, null, null, null, username, null);
            authCodeEnded(done);
            return done;
        } catch (Throwable t) {
            Failure f = classify(unwrap(t));
            settleStatusAfterFailedSignIn(integrationId, f.status(), f.detail());
            log.warn("integration {}: authorization code sign-in ended: {} ({})", integrationId, f.phase(),
                    f.detail());
            LoginView failed = failedView(integrationId, f.phase(), f.detail());
            authCodeEnded(failed);
            return failed;
        }
    }

    /** The callback came back with {@code error=…} (for example the person declined consent). */
    public LoginView authorizationDenied(String integrationId, String state, URI redirectUri, String error,
                                         String errorDescription) {
        StateCheck check = checkState(integrationId, state, redirectUri);
        if (check.rejected() != null) {
            return failedView(integrationId, "failed", check.rejected());
        }
        boolean declined = "access_denied".equals(error) || "consent_required".equals(error);
        // error and description came through the browser: shown in status and logs only escaped and capped
        String detail = "sign-in: Entra answered " + LogSafe.value(error) + (errorDescription == null ? ""
                : ": " + LogSafe.value(firstLine(errorDescription)));
        settleStatusAfterFailedSignIn(integrationId, IntegrationStatus.NEEDS_SIGN_IN, detail);
        LoginView failed = failedView(integrationId, declined ? "declined" : "failed", detail);
        authCodeEnded(failed);
        return failed;
    }

    private StateCheck checkState(String integrationId, String state, URI redirectUri) {
        PendingAuthorization p = state == null ? null : states.remove(state); // single use, even when rejected
        if (p == null) {
            return new StateCheck(null, "sign-in: unknown or already used state; start the sign-in again");
        }
        if (!p.integrationId().equals(integrationId)) {
            return new StateCheck(null, "sign-in: the state was issued for another integration");
        }
        if (!clock.instant().isBefore(p.expiresAt())) {
            return new StateCheck(null, "sign-in: the state expired; start the sign-in again");
        }
        if (!p.redirectUri().equals(redirectUri)) {
            return new StateCheck(null, "sign-in: the redirect URI differs from the one the sign-in started with");
        }
        return new StateCheck(p, null);
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** RFC 7636 S256: BASE64URL(SHA-256(ASCII(verifier))), unpadded. */
    static String pkceChallenge(String verifier) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void dropExpiredStates() {
        Instant now = clock.instant();
        states.values().removeIf(p -> !now.isBefore(p.expiresAt()));
    }

    // ---- tokens ---------------------------------------------------------------------------------------------------

    /**
     * A valid Graph token: delegated ones silently from the vault (MSAL refreshes when needed), app-only ones from
     * the client credential.
     *
     * @throws SignInRequiredException   a human must sign in (never signed in, refresh token revoked or expired)
     * @throws VaultKeyException         the stored tokens cannot be opened with the configured vault keys
     * @throws EntraUnavailableException Entra failed for a reason a retry may fix
     */
    @Override
    public GraphToken graphToken(String integrationId) throws SignInRequiredException {
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return appOnlyToken(in);
        }
        Optional<StoredAccount> account = usableAccount(integrationId);
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
        markActiveIfRecovered(in);
        return toGraphToken(r);
    }

    /**
     * Refreshes, ahead of time, every delegated account whose access token expires within {@code margin} (by the
     * injected clock). A refresh token Entra rejects flags the account and its integration for a new sign-in.
     *
     * @return the accounts it looked at, after the attempt
     */
    public List<TokenView> refreshDue(Duration margin) {
        return refreshDue(vault.accounts(), margin);
    }

    /**
     * The same for one integration: what its leader does each round, so that only one replica ever uses an
     * account's refresh token (Entra replaces it on use).
     */
    public List<TokenView> refreshDue(String integrationId, Duration margin) {
        return refreshDue(vault.accounts(integrationId), margin);
    }

    private List<TokenView> refreshDue(List<StoredAccount> accounts, Duration margin) {
        Instant limit = clock.instant().plus(margin);
        List<TokenView> out = new ArrayList<>();
        for (StoredAccount a : accounts) {
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
                markActiveIfRecovered(in.get());
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
    public List<TokenView> tokenHealth() {
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
        MsalApp app = app(in);
        try {
            Set<IAccount> accounts = await(app.app().getAccounts());
            IAccount account = accounts.stream().filter(a -> a.homeAccountId().equals(homeAccountId)).findFirst()
                    .orElse(null);
            if (account == null) {
                String detail = "sign-in: the stored account is missing from the token cache; sign in again";
                integrations.setStatus(in.id(), IntegrationStatus.NEEDS_SIGN_IN, detail);
                throw new SignInRequiredException(detail);
            }
            return await(app.app().acquireTokenSilently(SilentParameters.builder(scopesFor(in), account)
                    .forceRefresh(forceRefresh).build()));
        } catch (SignInRequiredException e) {
            throw e;
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            if (cause instanceof MsalInteractionRequiredException
                    || (cause instanceof MsalClientException ce
                    && com.microsoft.aad.msal4j.AuthenticationErrorCode.CACHE_MISS.equals(ce.errorCode()))) {
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

    @Override
    public GraphToken freshGraphToken(String integrationId) throws SignInRequiredException {
        Integration in = integrations.require(integrationId);
        if (in.authMode() == AuthMode.CLIENT_CREDENTIALS) {
            return appOnlyToken(in, true);
        }
        Optional<StoredAccount> account = usableAccount(integrationId);
        if (account.isEmpty()) {
            return graphToken(integrationId); // says why, and flags the integration
        }
        IAuthenticationResult r = silent(in, account.get().homeAccountId(), true);
        markActiveIfRecovered(in);
        return toGraphToken(r);
    }

    private GraphToken appOnlyToken(Integration in) throws SignInRequiredException {
        return appOnlyToken(in, false);
    }

    private GraphToken appOnlyToken(Integration in, boolean skipCache) throws SignInRequiredException {
        ConfidentialClientApplication app = (ConfidentialClientApplication) app(in).app();
        try {
            IAuthenticationResult r = await(app.acquireToken(ClientCredentialParameters
                    .builder(Set.of(SignInSettings.GRAPH_APP_ONLY_SCOPE)).skipCache(skipCache).build()));
            markActiveIfRecovered(in);
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
            log.error("integration {}: cannot open its stored tokens: {}", in.id(), vk.getMessage());
            return vk;
        }
        if (cause instanceof IllegalArgumentException bad) {
            integrations.setStatus(in.id(), IntegrationStatus.ERROR, "sign-in: " + bad.getMessage());
            return bad;
        }
        String detail = "sign-in: Entra did not issue a token: " + describe(cause);
        log.warn("integration {}: {}", in.id(), detail);
        return new EntraUnavailableException(detail);
    }

    private void signedIn(Integration in, IAuthenticationResult r) {
        String home = r.account() == null ? null : r.account().homeAccountId();
        if (home != null && vault.forgetOtherAccounts(in.id(), home) > 0) {
            apps.remove(in.id()); // its in-memory cache still holds the replaced account
        }
        String username = r.account() == null ? null : r.account().username();
        integrations.setStatus(in.id(), IntegrationStatus.ACTIVE, "signed in as " + username);
        log.info("integration {}: signed in as {}", in.id(), username);
    }

    /** A failed sign-in attempt leaves a working older sign-in ACTIVE, with the attempt's outcome as detail. */
    private void settleStatusAfterFailedSignIn(String integrationId, IntegrationStatus status, String detail) {
        boolean stillWorks = status != IntegrationStatus.ERROR && usableAccount(integrationId).isPresent();
        integrations.setStatus(integrationId, stillWorks ? IntegrationStatus.ACTIVE : status,
                stillWorks ? "last sign-in attempt: " + detail : detail);
    }

    /** Back to ACTIVE after a token worked, if the status was one this service set for a token problem. */
    private void markActiveIfRecovered(Integration in) {
        IntegrationStatus s = in.status();
        String d = in.statusDetail() == null ? "" : in.statusDetail();
        if (s == IntegrationStatus.NEEDS_SIGN_IN || s == IntegrationStatus.NEEDS_INTERACTION
                || (s == IntegrationStatus.ERROR && (d.startsWith("sign-in:") || d.startsWith("vault:")))) {
            integrations.setStatus(in.id(), IntegrationStatus.ACTIVE, null);
        }
    }

    /** The account graphToken uses: the most recently updated one that does not need a human. */
    private Optional<StoredAccount> usableAccount(String integrationId) {
        return vault.accounts(integrationId).stream().filter(a -> !a.needsInteraction())
                .max(Comparator.comparing(StoredAccount::updatedAt));
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

    // ---- MSAL applications ----------------------------------------------------------------------------------------

    private MsalApp app(Integration in) {
        MsalApp existing = apps.get(in.id());
        if (existing != null && existing.clientId().equals(in.clientId()) && existing.tenantId().equals(in.tenantId())
                && existing.mode() == in.authMode()) {
            return existing;
        }
        MsalApp built = new MsalApp(in.clientId(), in.tenantId(), in.authMode(), build(in));
        apps.put(in.id(), built);
        return built;
    }

    private AbstractClientApplicationBase build(Integration in) {
        String authority = endpoints.authority(in.tenantId());
        try {
            if (in.authMode() == AuthMode.DEVICE_CODE) {
                PublicClientApplication.Builder b = PublicClientApplication.builder(in.clientId())
                        .authority(authority)
                        .logPii(false)
                        .executorService(msalExecutor)
                        .setTokenCacheAccessAspect(vault.aspectFor(in.id()));
                if (endpoints.routed()) {
                    b.instanceDiscovery(false).httpClient(new RoutedHttpClient(endpoints.route()));
                }
                return b.build();
            }
            byte[] stored = integrations.credential(in.id()).orElseThrow(() -> new IllegalArgumentException(
                    in.authMode().dbValue() + " needs a client secret or certificate, and none is stored"));
            ConfidentialClientApplication.Builder b = ConfidentialClientApplication
                    .builder(in.clientId(), AppCredential.toMsal(in.credentialKind(), stored))
                    .authority(authority)
                    .logPii(false)
                    .executorService(msalExecutor);
            if (in.authMode() == AuthMode.AUTH_CODE) {
                b.setTokenCacheAccessAspect(vault.aspectFor(in.id())); // app-only tokens stay in memory
            }
            if (endpoints.routed()) {
                b.instanceDiscovery(false).httpClient(new RoutedHttpClient(endpoints.route()));
            }
            return b.build();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("tenant '" + in.tenantId() + "' does not make a valid authority URL");
        }
    }

    private Set<String> scopesFor(Integration in) {
        return in.authMode().delegated() ? settings.delegatedScopes() : Set.of(SignInSettings.GRAPH_APP_ONLY_SCOPE);
    }

    private Integration requireMode(String integrationId, AuthMode mode) {
        Integration in = integrations.require(integrationId);
        if (in.authMode() != mode) {
            throw new IllegalArgumentException("integration '" + integrationId + "' uses " + in.authMode().dbValue()
                    + " sign-in, not " + mode.dbValue());
        }
        return in;
    }

    private <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(settings.entraTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new EntraUnavailableException("sign-in: Entra did not answer within " + settings.entraTimeout());
        }
    }

    // ---- failures in words ----------------------------------------------------------------------------------------

    private record Failure(String phase, IntegrationStatus status, String detail) {}

    private static Failure classify(Throwable t) {
        if (t instanceof VaultKeyException vk) {
            return new Failure("failed", IntegrationStatus.ERROR, "vault: " + vk.getMessage());
        }
        if (t instanceof MsalInteractionRequiredException) {
            return new Failure("needs-interaction", IntegrationStatus.NEEDS_INTERACTION,
                    "sign-in: Entra requires the user to interact (" + describe(t) + ")");
        }
        String code = t instanceof MsalException me ? me.errorCode() : null;
        if ("expired_token".equals(code) || com.microsoft.aad.msal4j.AuthenticationErrorCode.CODE_EXPIRED.equals(code)) {
            return new Failure("expired", IntegrationStatus.NEEDS_SIGN_IN,
                    "sign-in: the code expired before anyone approved it; start the sign-in again");
        }
        if ("authorization_declined".equals(code) || "access_denied".equals(code)) {
            return new Failure("declined", IntegrationStatus.NEEDS_SIGN_IN,
                    "sign-in: the person signing in declined it");
        }
        if (t instanceof IllegalArgumentException bad) {
            return new Failure("failed", IntegrationStatus.ERROR, "sign-in: " + bad.getMessage());
        }
        return new Failure("failed", IntegrationStatus.NEEDS_SIGN_IN, "sign-in failed: " + describe(t));
    }

    /** Entra's error code and the first line of its description (it never carries tokens). */
    private static String describe(Throwable t) {
        if (t instanceof MsalException me) {
            String msg = firstLine(me.getMessage());
            return me.errorCode() == null ? msg : me.errorCode() + (msg.isEmpty() ? "" : ": " + msg);
        }
        if (t instanceof EntraUnavailableException || t instanceof VaultKeyException) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName();
    }

    private static String detailOf(Throwable t) {
        return t instanceof EntraUnavailableException || t instanceof VaultKeyException ? t.getMessage()
                : describe(t);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().split("\\R", 2)[0];
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The meaningful exception: a vault key problem anywhere in the chain, else the innermost MSAL one. */
    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof VaultKeyException) {
                return c;
            }
        }
        while ((cur instanceof CompletionException || cur instanceof ExecutionException
                || (cur instanceof MsalClientException && cur.getCause() != null))
                && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static LoginView failedView(String integrationId, String phase, String detail) {
        return new LoginView(integrationId, phase, null, null, null, null, null, detail);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        msalExecutor.shutdownNow();
    }

    // ---- one device-code sign-in ----------------------------------------------------------------------------------

    /**
     * The progress of one device-code sign-in, as {@link LoginView}. Attempts are numbered so that a code issued
     * by an older attempt (before a slow_down restart) cannot overwrite the current one.
     */
    private final class DeviceCodeSession {
        final String integrationId;
        private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
        private String phase = "pending";
        private String verificationUri;
        private String userCode;
        private String message = "waiting for Entra to issue a code";
        private Instant expiresAt;
        private Instant windowEndsAt;
        private String username;
        private String detail;
        private int attempt;
        private int slowDowns;
        private long interval = 5;

        DeviceCodeSession(String integrationId) {
            this.integrationId = integrationId;
        }

        synchronized int newAttempt() {
            return ++attempt;
        }

        synchronized void codeIssued(int forAttempt, String uri, String code, String msg, Instant expires,
                                     long pollInterval) {
            if (forAttempt != attempt || !inProgressPhase()) {
                return;
            }
            phase = "pending";
            verificationUri = uri;
            userCode = code;
            message = msg;
            expiresAt = expires;
            interval = pollInterval;
            if (windowEndsAt == null) {
                windowEndsAt = expires; // restarts after slow_down stay within the first code's lifetime
            }
            firstAnswer.complete(null);
        }

        synchronized void slowDown(String why) {
            slowDowns++;
            phase = "slow-down";
            detail = why;
        }

        synchronized void signedIn(String user) {
            phase = "signed-in";
            username = user;
            detail = null;
            firstAnswer.complete(null);
        }

        synchronized void finished(String finalPhase, String why) {
            phase = finalPhase;
            detail = why;
            firstAnswer.complete(null);
        }

        synchronized int slowDowns() {
            return slowDowns;
        }

        synchronized long interval() {
            return interval;
        }

        synchronized boolean withinWindow(Instant now) {
            return windowEndsAt == null || now.isBefore(windowEndsAt);
        }

        synchronized boolean inProgress(Instant now) {
            return inProgressPhase() && (expiresAt == null || now.isBefore(expiresAt));
        }

        private boolean inProgressPhase() {
            return "pending".equals(phase) || "slow-down".equals(phase);
        }

        LoginView awaitFirstAnswer(Duration timeout) {
            try {
                firstAnswer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // view() says "waiting for Entra"; loginState shows progress later
            }
            return view();
        }

        synchronized LoginView view() {
            return new LoginView(integrationId, phase, verificationUri, userCode, message, expiresAt, username,
                    detail);
        }
    }
}
