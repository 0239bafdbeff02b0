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
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-code sign-in (public client): Entra issues a code a person types at Microsoft's sign-in page, and MSAL
 * polls in the background until they approve. One sign-in per integration across all replicas: its progress lives in
 * PostgreSQL ({@link DeviceCodeLogins}), so any replica answers the poll and a second start joins the running one.
 * The replica that started it polls Entra (MSAL blocks there) and writes each change. Entra's {@code slow_down}
 * restarts the polling later, with a new code, a bounded number of times within the first code's lifetime.
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
    private final DeviceCodeLogins logins;
    private volatile boolean closed;

    DeviceCodeFlow(IntegrationStore integrations, MsalApps apps, SignInAccounts accounts, DeviceCodeLogins logins,
                   Clock clock, SignInSettings settings) {
        this.integrations = integrations;
        this.logins = logins;
        this.apps = apps;
        this.accounts = accounts;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Starts (or returns the running, on any replica) sign-in; returns once Entra issued the code, or after the
     * Entra timeout.
     */
    LoginView start(String integrationId) {
        Integration in = accounts.requireMode(integrationId, AuthMode.DEVICE_CODE);
        UUID flowId = UUID.randomUUID();
        // the claim outlives the wait for Entra's first answer, so a replica that stops before it does not block
        // the next start for longer than that
        if (!logins.claim(integrationId, flowId, settings.entraTimeout().multipliedBy(2))) {
            return awaitRunning(integrationId);
        }
        DeviceCodeSession session = new DeviceCodeSession(integrationId, flowId);
        integrations.setStatus(integrationId, IntegrationStatus.SIGNING_IN, "device code sign-in started");
        requestDeviceCode(session, in);
        session.awaitFirstAnswer(settings.entraTimeout());
        return latest(integrationId);
    }

    /** A sign-in another start (maybe on another replica) runs: its code, once Entra issued it, or how it ended. */
    private LoginView awaitRunning(String integrationId) {
        long deadline = System.nanoTime() + settings.entraTimeout().toNanos();
        LoginView v = latest(integrationId);
        while (v != null && !v.finished() && v.userCode() == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            v = latest(integrationId);
        }
        return v;
    }

    /** The latest device-code sign-in (any replica), or null when none ran. */
    LoginView latest(String integrationId) {
        return logins.get(integrationId).orElse(null);
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
                            String user = result.account() == null ? null : result.account().username();
                            write(() -> logins.ended(in.id(), session.flowId, "signed-in", user, null));
                            session.finished();
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
        if (!session.codeIssued(attempt, expiresAt, code.interval())) {
            return; // an older attempt's code, or the sign-in already ended
        }
        write(() -> logins.codeIssued(session.integrationId, session.flowId, code.verificationUri(), code.userCode(),
                code.message(), expiresAt, liveFor(code)));
        session.answered();
        // the user code is a credential for the next minutes: only the operator who asked sees it (API, CLI)
        log.info("integration {}: device code sign-in pending at {} until {}", session.integrationId,
                code.verificationUri(), expiresAt);
    }

    /**
     * How long the row stays live: the code's lifetime, plus one poll and one Entra call, so that the outcome this
     * replica records (expired_token, MSAL giving up) normally comes first and the lapse only ends flows whose
     * replica stopped.
     */
    private Duration liveFor(DeviceCode code) {
        return Duration.ofSeconds(code.expiresIn() + code.interval()).plus(settings.entraTimeout());
    }

    private void deviceCodeFailed(DeviceCodeSession session, Integration in, Throwable error) {
        if (error instanceof MsalServiceException se && "slow_down".equals(se.errorCode())) {
            // MSAL only keeps polling on authorization_pending; anything else ends its loop. Slow down means "poll
            // less often", so wait longer than the interval and then start polling again. MSAL cannot resume an
            // old device code, so the restart brings a new user code (shown by loginState).
            Instant now = clock.instant();
            if (session.slowDowns() < settings.maxSlowDowns() && session.withinWindow(now)) {
                Duration wait = settings.slowDownBackoff().plusSeconds(session.interval());
                session.slowDown();
                write(() -> logins.slowDown(in.id(), session.flowId, "Entra asked to poll more slowly (slow_down); "
                        + "a new code follows in " + wait.toSeconds() + " s", wait.plus(settings.entraTimeout())));
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
        write(() -> logins.ended(in.id(), session.flowId, phase, null, detail));
        session.finished();
        log.warn("integration {}: device code sign-in ended: {} ({})", in.id(), phase, detail);
    }

    /**
     * Writes a change of the sign-in, unless this replica is stopping: then the row is left to lapse (as when a
     * replica dies) rather than recording the interrupted MSAL call as the sign-in's outcome.
     */
    private void write(Runnable change) {
        if (closed) {
            return;
        }
        try {
            change.run();
        } catch (RuntimeException e) { // the database is away: the row lapses, the poll then says expired
            log.warn("device code sign-in: its progress could not be recorded: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }
}
