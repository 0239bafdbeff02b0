package dev.beacon.control.console;

import dev.beacon.control.ops.BackfillView;
import dev.beacon.control.ops.ControlPlaneOperations;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.ops.TokenView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the console page shows, in one answer it polls. Countdowns are computed here, on the control plane's
 * clock ({@code serverTime}), so a browser with a wrong clock (or the demo's fast clock) shows the server's truth.
 * No secret is in here: {@link StatusReport} and {@link LoginView} carry none, and the SQL reads no payloads.
 */
public record ConsoleOverview(
        Instant serverTime,
        String replicaId,
        List<IntegrationRow> integrations,
        List<TokenRow> tokens,
        List<SubscriptionRow> subscriptions,
        List<ConsoleQueries.Gap> gaps,
        List<BackfillView> backfills,
        DeadLetters deadLetters,
        List<ConsoleQueries.Fact> facts) {

    /** Entra forgets a refresh token 90 days after it was last issued. */
    static final Duration REFRESH_TOKEN_INACTIVITY = Duration.ofDays(90);

    /**
     * An integration and its sign-in state ({@code signIn.phase}: none, pending, signed-in, …); {@code flags} as in
     * {@link IntegrationView#flags} (e.g. {@code backfill-uncovered}).
     */
    public record IntegrationRow(String id, String displayName, String tenantId, String authMode, String status,
                                 String statusDetail, boolean needsHuman, String leader, LoginView signIn,
                                 List<String> flags) {}

    /** A signed-in account's tokens: seconds until the access token expires and until the 90-day clock runs out. */
    public record TokenRow(String integrationId, String username, Instant accessExpiresAt,
                           Long accessRemainingSeconds, Instant refreshedAt, Long refreshRemainingSeconds,
                           boolean needsInteraction, boolean refreshTokenNearExpiry, String detail) {}

    /** A Graph subscription: its expiry countdown and renewal history as the database has it. */
    public record SubscriptionRow(String subscriptionId, String integrationId, String resource, String policyName,
                                  String state, Instant expiresAt, Long remainingSeconds, Instant createdAt,
                                  Instant lastRenewedAt, int renewalCount, int failureCount, String lastError,
                                  Instant nextAttemptAt, Instant lastNotificationAt) {}

    /** Dead letters by reason, and the sums. */
    public record DeadLetters(long last24h, long total, List<ConsoleQueries.DeadLetterCount> byReason) {}

    /** Builds the overview from the operations (status, sign-in states) and the console's own SQL reads. */
    public static ConsoleOverview build(ControlPlaneOperations ops, ConsoleQueries queries) {
        StatusReport status = ops.status();
        Instant now = status.generatedAt();
        List<IntegrationRow> integrations = status.integrations().stream().map(i -> row(ops, i)).toList();
        List<TokenRow> tokens = status.tokens().stream().map(t -> row(t, now)).toList();
        List<SubscriptionRow> subscriptions = status.subscriptions().stream().map(s -> row(s, now)).toList();
        List<ConsoleQueries.DeadLetterCount> byReason = queries.deadLettersByReason(now);
        DeadLetters deadLetters = new DeadLetters(
                byReason.stream().mapToLong(ConsoleQueries.DeadLetterCount::last24h).sum(),
                byReason.stream().mapToLong(ConsoleQueries.DeadLetterCount::total).sum(), byReason);
        return new ConsoleOverview(now, status.replicaId(), integrations, tokens, subscriptions,
                queries.recentGaps(), status.backfills(), deadLetters, queries.latestFacts());
    }

    private static IntegrationRow row(ControlPlaneOperations ops, IntegrationView i) {
        LoginView signIn;
        try {
            signIn = ops.loginState(i.id());
        } catch (RuntimeException e) { // removed meanwhile, or the vault cannot open it: the status says why
            signIn = new LoginView(i.id(), "unknown", null, null, null, null, null, e.getClass().getSimpleName());
        }
        return new IntegrationRow(i.id(), i.displayName(), i.tenantId(), i.authMode(), i.status(), i.statusDetail(),
                i.needsHuman(), i.leader(), signIn, i.flags());
    }

    private static TokenRow row(TokenView t, Instant now) {
        Instant refreshDeadline = t.refreshedAt() == null ? null : t.refreshedAt().plus(REFRESH_TOKEN_INACTIVITY);
        return new TokenRow(t.integrationId(), t.username(), t.accessExpiresAt(), remaining(t.accessExpiresAt(), now),
                t.refreshedAt(), remaining(refreshDeadline, now), t.needsInteraction(), t.refreshTokenNearExpiry(),
                t.detail());
    }

    private static SubscriptionRow row(SubscriptionView s, Instant now) {
        return new SubscriptionRow(s.subscriptionId(), s.integrationId(), s.resource(), s.policyName(), s.state(),
                s.expiresAt(), "active".equals(s.state()) ? remaining(s.expiresAt(), now) : null, s.createdAt(),
                s.lastRenewedAt(), s.renewalCount(), s.failureCount(), s.lastError(), s.nextAttemptAt(),
                s.lastNotificationAt());
    }

    /** Whole seconds from now until {@code at} (negative once past), or null when there is no such time. */
    static Long remaining(Instant at, Instant now) {
        return at == null ? null : Duration.between(now, at).toSeconds();
    }
}
