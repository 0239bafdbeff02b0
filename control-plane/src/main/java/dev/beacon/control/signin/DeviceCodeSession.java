package dev.beacon.control.signin;

import dev.beacon.control.ops.LoginView;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The progress of one device-code sign-in, as {@link LoginView}. Attempts are numbered so that a code issued
 * by an older attempt (before a slow_down restart) cannot overwrite the current one.
 */
final class DeviceCodeSession {
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
