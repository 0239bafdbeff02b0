package dev.beacon.control.signin;

import static dev.beacon.control.signin.SignInFailures.classify;
import static dev.beacon.control.signin.SignInFailures.failedView;
import static dev.beacon.control.signin.SignInFailures.firstLine;
import static dev.beacon.control.signin.SignInFailures.unwrap;

import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.ResponseMode;
import dev.beacon.control.LogSafe;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.signin.PendingAuthorizations.Taken;
import dev.beacon.control.signin.SignInFailures.Failure;
import dev.beacon.control.vault.VaultKeyException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization-code sign-in (confidential client, PKCE): a person is sent to Entra, which redirects to our
 * callback with a code we redeem. The {@code state} is random, single-use, bound to the integration and the
 * redirect URI, and expires; the PKCE verifier stays with it until the code is redeemed. Both live in PostgreSQL
 * ({@link PendingAuthorizations}, {@link AuthCodeLogins}), so any replica can take the callback or answer
 * {@code beaconctl login}'s polls, also after a restart.
 */
final class AuthCodeFlow {

    private static final Logger log = LoggerFactory.getLogger(AuthCodeFlow.class);

    private final MsalApps apps;
    private final SignInAccounts accounts;
    private final Clock clock;
    private final SignInSettings settings;
    /** Started sign-ins by {@code state}, with their PKCE verifier (RFC 7636), sent only to Entra's token endpoint. */
    private final PendingAuthorizations states;
    /** The latest auth-code sign-in per integration, as {@code loginState} shows it to {@code beaconctl login}. */
    private final AuthCodeLogins authCodeLogins;
    private final SecureRandom random = new SecureRandom();

    /** What checking a callback's {@code state} found: the pending sign-in, or why it was refused. */
    private record StateCheck(Taken pending, String rejected) {}

    AuthCodeFlow(MsalApps apps, SignInAccounts accounts, PendingAuthorizations states, AuthCodeLogins logins,
                 Clock clock, SignInSettings settings) {
        this.apps = apps;
        this.accounts = accounts;
        this.states = states;
        this.authCodeLogins = logins;
        this.clock = clock;
        this.settings = settings;
    }

    /** Records that a one-time sign-in link was handed out: {@code pending} until the callback ends it. */
    LoginView linkIssued(String integrationId, String link, Instant linkExpiresAt) {
        accounts.requireMode(integrationId, AuthMode.AUTH_CODE);
        LoginView v = new LoginView(integrationId, "pending", link, null,
                "Open this link in a browser and sign in with the service account. It works once, needs no admin "
                        + "token, and expires in " + Duration.between(clock.instant(), linkExpiresAt).toMinutes()
                        + " minutes.", linkExpiresAt, null, null);
        authCodeLogins.put(v);
        log.info("integration {}: auth-code sign-in link issued, valid until {}", integrationId, linkExpiresAt);
        return v;
    }

    /**
     * The latest auth-code sign-in when it has not signed in (pending, or how it failed; a pending one past its
     * link and state lifetime as {@code expired}), else null.
     */
    LoginView latestUnfinished(String integrationId) {
        LoginView authCode = authCodeLogins.get(integrationId).orElse(null);
        if (authCode == null || "signed-in".equals(authCode.phase())) {
            return null;
        }
        if ("pending".equals(authCode.phase()) && authCode.expiresAt() != null
                && !clock.instant().isBefore(authCode.expiresAt().plus(settings.stateLifetime()))) {
            return failedView(integrationId, "expired",
                    "sign-in: nobody finished the sign-in in time; run 'beaconctl login " + integrationId
                            + "' for a new link");
        }
        return authCode;
    }

    private void authCodeEnded(LoginView outcome) {
        authCodeLogins.put(outcome);
    }

    /** Where to send the person who signs in ({@code response_mode=form_post}, PKCE S256). */
    URI authorizationUrl(String integrationId, URI redirectUri) {
        Integration in = accounts.requireMode(integrationId, AuthMode.AUTH_CODE);
        String state = randomToken(32);
        String verifier = randomToken(32); // 43 characters of [A-Za-z0-9_-]: RFC 7636 §4.1
        states.put(state, integrationId, redirectUri, verifier, settings.stateLifetime());
        ConfidentialClientApplication app = (ConfidentialClientApplication) apps.app(in).app();
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

    /** Redeems the code Entra sent to the callback, after checking its {@code state}. */
    LoginView complete(String integrationId, String code, String state, URI redirectUri) {
        StateCheck check = checkState(integrationId, state, redirectUri);
        if (check.rejected() != null) {
            log.warn("integration {}: authorization callback rejected: {}", LogSafe.value(integrationId),
                    check.rejected());
            return failedView(integrationId, "failed", check.rejected());
        }
        Integration in = accounts.requireMode(integrationId, AuthMode.AUTH_CODE);
        if (code == null || code.isBlank()) {
            return failedView(integrationId, "failed", "sign-in: the callback carried no authorization code");
        }
        ConfidentialClientApplication app = (ConfidentialClientApplication) apps.app(in).app();
        try {
            IAuthenticationResult r = apps.await(app.acquireToken(AuthorizationCodeParameters
                    .builder(code, redirectUri)
                    .scopes(settings.delegatedScopes())
                    .codeVerifier(check.pending().codeVerifier())
                    .build()));
            accounts.signedIn(in, r);
            String username = r.account() == null ? null : r.account().username();
            LoginView done = new LoginView(integrationId, "signed-in", null, null, null, null, username, null);
            authCodeEnded(done);
            return done;
        } catch (Throwable t) {
            Failure f = classify(unwrap(t));
            accounts.settleStatusAfterFailedSignIn(integrationId, f.status(), f.detail());
            log.warn("integration {}: authorization code sign-in ended: {} ({})", integrationId, f.phase(),
                    f.detail());
            LoginView failed = failedView(integrationId, f.phase(), f.detail());
            authCodeEnded(failed);
            return failed;
        }
    }

    /** The callback came back with {@code error=…} (for example the person declined consent). */
    LoginView denied(String integrationId, String state, URI redirectUri, String error, String errorDescription) {
        StateCheck check = checkState(integrationId, state, redirectUri);
        if (check.rejected() != null) {
            return failedView(integrationId, "failed", check.rejected());
        }
        boolean declined = "access_denied".equals(error) || "consent_required".equals(error);
        // error and description came through the browser: shown in status and logs only escaped and capped
        String detail = "sign-in: Entra answered " + LogSafe.value(error) + (errorDescription == null ? ""
                : ": " + LogSafe.value(firstLine(errorDescription)));
        accounts.settleStatusAfterFailedSignIn(integrationId, IntegrationStatus.NEEDS_SIGN_IN, detail);
        LoginView failed = failedView(integrationId, declined ? "declined" : "failed", detail);
        authCodeEnded(failed);
        return failed;
    }

    private StateCheck checkState(String integrationId, String state, URI redirectUri) {
        Optional<Taken> taken;
        try {
            // single use across replicas, even when rejected: the row is deleted as it is read
            taken = state == null ? Optional.empty() : states.take(state);
        } catch (VaultKeyException e) {
            return new StateCheck(null, "sign-in: the sign-in was started under a vault key that is no longer "
                    + "configured; start the sign-in again");
        }
        if (taken.isEmpty()) {
            return new StateCheck(null, "sign-in: unknown or already used state; start the sign-in again");
        }
        Taken p = taken.get();
        if (!p.integrationId().equals(integrationId)) {
            return new StateCheck(null, "sign-in: the state was issued for another integration");
        }
        if (!p.live()) { // by the database clock
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
}
