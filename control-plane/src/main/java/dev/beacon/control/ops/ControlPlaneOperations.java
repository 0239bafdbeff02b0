package dev.beacon.control.ops;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Everything ops can ask of the control plane. The HTTP API and the CLI (through the API) are thin layers over
 * this; {@code dev.beacon.control.ControlPlane} implements it on the real components. Nothing returned here
 * contains a secret: tokens, client secrets, clientState and keys never leave the service this way.
 */
public interface ControlPlaneOperations {

    /**
     * The control plane's clock, which the API reports with every answer so clients show times relative to it (a
     * demo's scaled clock, too).
     */
    default java.time.Instant now() {
        return java.time.Instant.now();
    }

    /** Server seconds per real second: 1, or the local demo's time scale ({@link dev.beacon.control.RatedClock}). */
    default double clockRate() {
        return 1;
    }

    List<IntegrationView> listIntegrations();

    Optional<IntegrationView> integration(String integrationId);

    /** @throws IllegalArgumentException for invalid input (bad id, unknown auth mode, bad delivery URL, …) */
    IntegrationView addIntegration(NewIntegration request);

    /** Deletes the integration's Graph subscriptions (best effort), then its rows. */
    boolean removeIntegration(String integrationId);

    /** Starts a device-code sign-in (or returns the one in progress); the result shows URL and code. */
    LoginView startDeviceCodeLogin(String integrationId);

    /**
     * Starts the sign-in the integration's auth mode uses: device code (URL and code, as
     * {@link #startDeviceCodeLogin}), or auth code (a one-time, short-lived link to {@code /connect?ticket=…} that a
     * browser opens without the admin token). Client credentials need no sign-in: IllegalArgumentException.
     */
    LoginView startLogin(String integrationId);

    /**
     * The authorize URL for a browser that came with a sign-in link's ticket instead of the admin token; spends the
     * ticket.
     *
     * @throws ConnectLinkRefusedException the ticket is altered or not ours, another integration's, expired or used
     */
    URI authorizationUrlWithTicket(String integrationId, String ticket);

    /** The latest sign-in state of an integration (pending, signed-in, expired, declined, …). */
    LoginView loginState(String integrationId);

    /** Where to send the browser for an authorization-code sign-in (Entra's authorize URL, with a fresh state). */
    URI authorizationUrl(String integrationId);

    /** Finishes an authorization-code sign-in from the callback's {@code code} and {@code state}. */
    LoginView completeAuthorization(String integrationId, String code, String state);

    /** The callback came back with Entra's {@code error} (declined consent, …): record it on the integration. */
    LoginView authorizationDenied(String integrationId, String state, String error, String description);

    /**
     * Makes {@code policyNames} the integration's emergency calling policies (empty: none); the reconciler then
     * keeps one emergency-call-event subscription per policy. Returns the integration.
     *
     * @throws IllegalArgumentException for a delegated integration (the Graph permission is application-only) or a
     *                                  bad name
     */
    default IntegrationView setEmergencyPolicies(String integrationId, List<String> policyNames) {
        throw new IllegalArgumentException("emergency policies are not available");
    }

    /**
     * Makes {@code users} (object ids or UPNs) the users whose chats the backfill lists for the integration's
     * tenant-wide {@code /chats/getAllMessages} subscription (empty: none). Returns the integration.
     *
     * @throws IllegalArgumentException for a delegated integration (it backfills its account's chats) or a bad user
     */
    default IntegrationView setBackfillUsers(String integrationId, List<String> users) {
        throw new IllegalArgumentException("backfill users are not available");
    }

    /** @param integrationId null for all integrations */
    List<SubscriptionView> listSubscriptions(String integrationId);

    /** Renews now (PATCH expirationDateTime), whatever the schedule says. */
    SubscriptionView renewSubscription(String subscriptionId);

    /** Deletes in Graph and marks it deleted; the reconciler recreates it if it is still desired. */
    boolean deleteSubscription(String subscriptionId);

    /** Generates a new encryption certificate, moves the integration's subscriptions to it, re-exports keys. */
    List<CertificateView> rotateCertificates(String integrationId);

    /**
     * Asks the integration's leader to backfill now, at its next round, whatever the schedule says; returns the
     * backfill state (with {@code requestedAt} set). IllegalArgumentException when the backfill does not run here.
     */
    default BackfillView requestBackfill(String integrationId) {
        throw new IllegalArgumentException("backfill is not available");
    }

    /**
     * Asks the integration's leader to sync its directory ({@code /users/delta}) at its next round; returns the sync
     * state (with {@code requestedAt} set). IllegalArgumentException when the directory sync does not run here.
     */
    default dev.beacon.control.directory.DirectorySyncView requestDirectorySync(String integrationId) {
        throw new IllegalArgumentException("the directory sync is not available");
    }

    StatusReport status();

    /** Ready to serve: database reachable and vault keys open the stored secrets. */
    Readiness readiness();
}
