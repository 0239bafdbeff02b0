package dev.beacon.control.signin;

import com.microsoft.aad.msal4j.AuthenticationErrorCode;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.vault.VaultKeyException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Sign-in failures in plain words: a phase, an integration status and a detail. Details carry Entra's error code and
 * the first line of its description, never tokens, codes or secrets.
 */
final class SignInFailures {

    private SignInFailures() {
    }

    /** How a sign-in attempt ended: the phase {@code beaconctl login} shows, the status, and why. */
    record Failure(String phase, IntegrationStatus status, String detail) {}

    static Failure classify(Throwable t) {
        if (t instanceof VaultKeyException vk) {
            return new Failure("failed", IntegrationStatus.ERROR, "vault: " + vk.getMessage());
        }
        if (t instanceof MsalInteractionRequiredException) {
            return new Failure("needs-interaction", IntegrationStatus.NEEDS_INTERACTION,
                    "sign-in: Entra requires the user to interact (" + describe(t) + ")");
        }
        String code = t instanceof MsalException me ? me.errorCode() : null;
        if ("expired_token".equals(code) || AuthenticationErrorCode.CODE_EXPIRED.equals(code)) {
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
    static String describe(Throwable t) {
        if (t instanceof MsalException me) {
            String msg = firstLine(me.getMessage());
            return me.errorCode() == null ? msg : me.errorCode() + (msg.isEmpty() ? "" : ": " + msg);
        }
        if (t instanceof EntraUnavailableException || t instanceof VaultKeyException) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName();
    }

    static String detailOf(Throwable t) {
        return t instanceof EntraUnavailableException || t instanceof VaultKeyException ? t.getMessage()
                : describe(t);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().split("\\R", 2)[0];
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The meaningful exception: a vault key problem anywhere in the chain, else the innermost MSAL one. */
    static Throwable unwrap(Throwable t) {
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

    static LoginView failedView(String integrationId, String phase, String detail) {
        return new LoginView(integrationId, phase, null, null, null, null, null, detail);
    }
}
