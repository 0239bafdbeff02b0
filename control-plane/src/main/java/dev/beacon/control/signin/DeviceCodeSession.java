package dev.beacon.control.signin;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the replica that runs one device-code sign-in needs to drive it (its progress, as every replica sees it, is in
 * {@link DeviceCodeLogins}). Attempts are numbered so that a code issued by an older attempt (before a slow_down
 * restart) cannot overwrite the current one.
 */
final class DeviceCodeSession {
    final String integrationId;
    final UUID flowId;
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    private boolean ended;
    private Instant windowEndsAt;
    private int attempt;
    private int slowDowns;
    private long interval = 5;

    DeviceCodeSession(String integrationId, UUID flowId) {
        this.integrationId = integrationId;
        this.flowId = flowId;
    }

    synchronized int newAttempt() {
        return ++attempt;
    }

    /** @return whether this code is the current attempt's, of a sign-in still running */
    synchronized boolean codeIssued(int forAttempt, Instant expires, long pollInterval) {
        if (forAttempt != attempt || ended) {
            return false;
        }
        interval = pollInterval;
        if (windowEndsAt == null) {
            windowEndsAt = expires; // restarts after slow_down stay within the first code's lifetime
        }
        return true;
    }

    /** The first code (or the outcome) is recorded: {@link #awaitFirstAnswer} may return. */
    void answered() {
        firstAnswer.complete(null);
    }

    synchronized void slowDown() {
        slowDowns++;
    }

    void finished() {
        synchronized (this) {
            ended = true;
        }
        answered();
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

    void awaitFirstAnswer(Duration timeout) {
        try {
            firstAnswer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the row says "waiting for Entra"; loginState shows progress later
        }
    }
}
