package dev.beacon.control.subscriptions;

import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.signin.SignInRequiredException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the reconciler's problems show in the integration's status (and the log): no token without a human, a bad
 * desired entry, a missing ingress URL, and clearing {@code error} / {@code quota-exceeded} after a clean pass.
 * (A quota refusal is flagged where Graph says it, in {@link SubscriptionActions#create}.)
 */
final class IntegrationStatusFlags {

    /** Logged as the reconciler: these lines are its story, and operators filter on it. */
    private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

    private final IntegrationStore integrations;
    /** Integrations already warned about a missing BEACON_INGRESS_PUBLIC_URL: once, not every pass. */
    private final Set<String> warnedPublicUrlMissing = ConcurrentHashMap.newKeySet();

    private final dev.beacon.control.logging.LogLimiter limiter = dev.beacon.control.logging.LogLimiter.defaults();

    IntegrationStatusFlags(IntegrationStore integrations) {
        this.integrations = integrations;
    }

    /** Flags {@code needs-interaction} (unless a more precise human-needed status is set) and ends the report. */
    ReconcileReport signInRequired(String integrationId, ReconcileTally tally, SignInRequiredException e) {
        IntegrationStatus status = integrations.get(integrationId).map(Integration::status).orElse(null);
        // Sign-in code may already have set a more precise status (needs-sign-in); keep it.
        if (status != null && !status.needsHuman()) {
            integrations.setStatus(integrationId, IntegrationStatus.NEEDS_INTERACTION, e.getMessage());
        }
        // every pass (seconds) while nobody fixes it: the first WARN has the cause, then a summary per window
        limiter.warn(log, "sign-in:" + integrationId + ":" + e.getMessage(),
                "Integration {}: no Graph token without a human: {}", integrationId, e.getMessage());
        return tally.report(integrationId, "sign-in required");
    }

    /** A setting of this process, not of the integration: say it once, keep the status. */
    void publicUrlMissing(String integrationId, IngressWebhookUrls.PublicUrlMissing e) {
        if (warnedPublicUrlMissing.add(integrationId)) {
            log.warn("{}; its subscriptions are neither created nor moved until it is set", e.getMessage());
        }
        integrations.setStatus(integrationId, IntegrationStatus.ERROR, e.getMessage());
    }

    /** A bad desired entry (URL, {user} without a user): flagged, while the others are reconciled. */
    void invalidDesired(String integrationId, String desiredResource, IllegalArgumentException e) {
        log.warn("Integration {}: desired subscription {} is invalid: {}", integrationId, desiredResource,
                e.getMessage());
        integrations.setStatus(integrationId, IntegrationStatus.ERROR,
                "desired subscription " + desiredResource + ": " + e.getMessage());
    }

    /**
     * At the end of a pass: after one without a problem, an integration flagged {@code error} or
     * {@code quota-exceeded} is active again.
     */
    void settleAfterPass(String integrationId, boolean clean) {
        IntegrationStatus status = integrations.require(integrationId).status();
        if (clean && (status == IntegrationStatus.QUOTA_EXCEEDED || status == IntegrationStatus.ERROR)) {
            integrations.setStatus(integrationId, IntegrationStatus.ACTIVE, null);
        }
    }
}
