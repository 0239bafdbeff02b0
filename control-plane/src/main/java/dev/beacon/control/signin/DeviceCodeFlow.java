package dev.beacon.control.signin;

import static dev.beacon.control.signin.SignInFailures.classify;
import static dev.beacon.control.signin.SignInFailures.unwrap;

import com.microsoft.aad.msal4j.DeviceCode;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.signin.SignInFailures.Failure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-code sign-in (public client): Entra issues a code a person types at Microsoft's sign-in page, and MSAL
 * polls in the background until they approve. One session per integration; Entra's {@code slow_down} restarts the
 * polling later, with a new code, a bounded number of times within the first code's lifetime.
 */
final class DeviceCodeFlow implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeviceCodeFlow.class);

    private final IntegrationStore integrations;
    private final MsalApps apps;
    private final SignInAccounts accounts;
    private final Clock clock;
    private final SignInSettings settings;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(MsalApps.daemon("sign-in"));
    private final Map<String, DeviceCodeSession> sessions = new ConcurrentHashMap<>();

    DeviceCodeFlow(IntegrationStore integrations, MsalApps apps, SignInAccounts accounts, Clock clock,
                   SignInSettings settings) {
        this.integrations = integrations;
        this.apps = apps;
        this.accounts = accounts;
        this.clock = clock;
        this.settings = settings;
    }

    /** Starts (or returns the running) sign-in; returns once Entra issued the code, or after the Entra timeout. */
    LoginView start(String integrationId) {
        Integration in = accounts.requireMode(integrationId, AuthMode.DEVICE_CODE);
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

    /** The latest device-code sign-in since start, or null when none ran. */
    LoginView latest(String integrationId) {
        DeviceCodeSession s = sessions.get(integrationId);
        return s == null ? null : s.view();
    }

    private void requestDeviceCode(DeviceCodeSession session, Integration in) {
        try {
            PublicClientApplication app = (PublicClientApplication) apps.app(in).app();
            int attempt = session.newAttempt();
            app.acquireToken(DeviceCodeFlowParameters.builder(settings.delegatedScopes(),
                                    code -> codeIssued(session, attempt, code))
                            .build())
                    .whenComplete((result, error) -> {
                        if (error == null) {
                            accounts.signedIn(in, result);
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
        // the user code is a credential for the next minutes: only the operator who asked sees it (API, CLI)
        log.info("integration {}: device code sign-in pending at {} until {}", session.integrationId,
                code.verificationUri(), expiresAt);
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
        accounts.settleStatusAfterFailedSignIn(in.id(), status, detail); // before the phase: watchers see both
        session.finished(phase, detail);
        log.warn("integration {}: device code sign-in ended: {} ({})", in.id(), phase, detail);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
