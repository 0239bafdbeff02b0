package dev.beacon.control.http;

import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.ops.ControlPlaneOperations;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.ops.Readiness;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.ops.TokenView;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal in-memory {@link ControlPlaneOperations} for the HTTP and CLI tests, until the real one is wired: it
 * keeps integrations and subscriptions in maps, records every call, and plays scripted sign-in states. The real
 * behaviour (Graph, MSAL, the database) is tested with the real components elsewhere.
 */
public final class RecordingOperations implements ControlPlaneOperations {

    public static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    /** A value that must never appear in any response or CLI output. */
    public static final String SECRET = "s3cr3t-Client-Secret-Value~42";
    public static final String AUTH_STATE = "state-123";

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<NewIntegration> added = new CopyOnWriteArrayList<>();
    /** Answers of {@link #loginState}, one per call; the last one repeats. */
    public final Queue<LoginView> loginStates = new ConcurrentLinkedQueue<>();
    public final Map<String, IntegrationView> integrations = new LinkedHashMap<>();
    public final Map<String, SubscriptionView> subscriptions = new LinkedHashMap<>();
    public volatile Readiness readiness = new Readiness(true, List.of());
    private LoginView lastLogin;
    /** The server's clock ({@link #now()}), reported in every answer. */
    public volatile Instant serverNow = NOW;

    /** {@link #clockRate()}: 1, or a demo's scale. */
    public volatile double clockRate = 1;

    @Override
    public Instant now() {
        return serverNow;
    }

    @Override
    public double clockRate() {
        return clockRate;
    }

    public RecordingOperations() {
        integrations.put("contoso", integration("contoso", "active", "replica-a"));
        subscriptions.put("sub-1", subscription("sub-1", "contoso", NOW.plus(Duration.ofHours(35)).plusSeconds(720),
                3, 0, null));
        subscriptions.put("sub-2", subscription("sub-2", "contoso", NOW.plusSeconds(600), 0, 2,
                "429 throttled, retry after 30 s"));
    }

    public static IntegrationView integration(String id, String status, String leader) {
        return new IntegrationView(id, "Contoso Ltd", "tenant-" + id, "client-" + id, "device-code", status, null,
                false, leader, List.of(new DesiredSubscriptionView("/users/{user}/chats/getAllMessages",
                "created,updated", "EventHub:https://ns.servicebus.windows.net/eventhubname/hub?tenantId=t", null,
                true, 4320)), NOW);
    }

    static SubscriptionView subscription(String id, String integration, Instant expires, int renewals, int failures,
                                         String lastError) {
        return new SubscriptionView(id, integration, "/users/u-1/chats/getAllMessages", "created,updated",
                "EventHub:https://ns.servicebus.windows.net/eventhubname/hub?tenantId=t", "active", expires,
                NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofHours(1)), renewals, failures, lastError, null,
                "cert-1", NOW.minusSeconds(90));
    }

    @Override
    public synchronized List<IntegrationView> listIntegrations() {
        calls.add("listIntegrations");
        return List.copyOf(integrations.values());
    }

    @Override
    public synchronized Optional<IntegrationView> integration(String integrationId) {
        return Optional.ofNullable(integrations.get(integrationId));
    }

    @Override
    public synchronized IntegrationView addIntegration(NewIntegration request) {
        calls.add("addIntegration " + request.id());
        if (request.id() == null || !request.id().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("integration id must be a lowercase slug");
        }
        added.add(request);
        IntegrationView v = new IntegrationView(request.id(), request.displayName(), request.tenantId(),
                request.clientId(), request.authMode(), "needs-sign-in", null, true, null, request.subscriptions(),
                NOW);
        integrations.put(request.id(), v);
        return v;
    }

    @Override
    public synchronized boolean removeIntegration(String integrationId) {
        calls.add("removeIntegration " + integrationId);
        return integrations.remove(integrationId) != null;
    }

    @Override
    public synchronized LoginView startDeviceCodeLogin(String integrationId) {
        calls.add("startDeviceCodeLogin " + integrationId);
        return new LoginView(integrationId, "pending", "https://microsoft.com/devicelogin", "ABCD-EFGH",
                "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the "
                        + "code ABCD-EFGH to authenticate.", NOW.plusSeconds(900), null, null);
    }

    public static final String GOOD_TICKET = "v1.good-ticket.mac";
    public static final String CONNECT_LINK = "https://beacon.example/api/org/fabrikam/ms-teams/connect?ticket="
            + GOOD_TICKET;

    @Override
    public synchronized LoginView startLogin(String integrationId) {
        calls.add("startLogin " + integrationId);
        IntegrationView i = integrations.get(integrationId);
        if (i != null && "auth-code".equals(i.authMode())) {
            return new LoginView(integrationId, "pending", CONNECT_LINK, null, "Open this link in a browser and "
                    + "sign in with the service account. It works once, needs no admin token, and expires in 10 "
                    + "minutes.", NOW.plusSeconds(600), null, null);
        }
        if (i != null && "client-credentials".equals(i.authMode())) {
            throw new IllegalArgumentException("integration '" + integrationId + "' uses client-credentials: "
                    + "app-only tokens come from its client secret or certificate, nobody signs in");
        }
        return startDeviceCodeLogin(integrationId);
    }

    @Override
    public URI authorizationUrlWithTicket(String integrationId, String ticket) {
        calls.add("authorizationUrlWithTicket " + integrationId);
        if (!GOOD_TICKET.equals(ticket)) {
            throw new dev.beacon.control.ops.ConnectLinkRefusedException("This sign-in link was already used; a "
                    + "link works once. Run 'beaconctl login " + integrationId + "' for a new link.");
        }
        return authorizationUrl(integrationId);
    }

    @Override
    public synchronized LoginView loginState(String integrationId) {
        calls.add("loginState " + integrationId);
        LoginView next = loginStates.poll();
        if (next != null) {
            lastLogin = next;
        }
        return lastLogin != null ? lastLogin
                : new LoginView(integrationId, "none", null, null, null, null, null, null);
    }

    @Override
    public URI authorizationUrl(String integrationId) {
        calls.add("authorizationUrl " + integrationId);
        return URI.create("https://login.microsoftonline.com/tenant-" + integrationId
                + "/oauth2/v2.0/authorize?client_id=client-" + integrationId + "&response_type=code&state="
                + AUTH_STATE);
    }

    @Override
    public LoginView authorizationDenied(String integrationId, String state, String error, String description) {
        calls.add("authorizationDenied " + integrationId + " " + error);
        return new LoginView(integrationId, "declined", null, null, null, null, null, error);
    }

    @Override
    public LoginView completeAuthorization(String integrationId, String code, String state) {
        calls.add("completeAuthorization " + integrationId);
        if (!AUTH_STATE.equals(state)) {
            throw new IllegalArgumentException("unknown or expired sign-in state");
        }
        if (code.equals("explode")) {
            throw new IllegalStateException("token endpoint said no for client secret " + SECRET);
        }
        return new LoginView(integrationId, "signed-in", null, null, null, null, "svc-beacon@contoso.com", null);
    }

    @Override
    public synchronized List<SubscriptionView> listSubscriptions(String integrationId) {
        calls.add("listSubscriptions " + integrationId);
        if ("explode".equals(integrationId)) {
            // An internal failure whose message must not reach the client.
            throw new IllegalStateException("connection to postgres failed with password " + SECRET);
        }
        return subscriptions.values().stream()
                .filter(s -> integrationId == null || s.integrationId().equals(integrationId)).toList();
    }

    @Override
    public synchronized SubscriptionView renewSubscription(String subscriptionId) {
        calls.add("renewSubscription " + subscriptionId);
        SubscriptionView s = subscriptions.get(subscriptionId);
        if (s == null) {
            throw new NoSuchElementException("no subscription '" + subscriptionId + "'");
        }
        SubscriptionView renewed = subscription(s.subscriptionId(), s.integrationId(), NOW.plus(Duration.ofDays(3)),
                s.renewalCount() + 1, s.failureCount(), null);
        subscriptions.put(subscriptionId, renewed);
        return renewed;
    }

    @Override
    public synchronized boolean deleteSubscription(String subscriptionId) {
        calls.add("deleteSubscription " + subscriptionId);
        return subscriptions.remove(subscriptionId) != null;
    }

    @Override
    public List<CertificateView> rotateCertificates(String integrationId) {
        calls.add("rotateCertificates " + integrationId);
        return List.of(new CertificateView("cert-2", integrationId, NOW.plus(Duration.ofDays(365)), NOW, null, 2),
                new CertificateView("cert-1", integrationId, NOW.plus(Duration.ofDays(30)), NOW.minus(
                        Duration.ofDays(335)), NOW, 0));
    }

    @Override
    public synchronized dev.beacon.control.ops.BackfillView requestBackfill(String integrationId) {
        calls.add("requestBackfill " + integrationId);
        Instant last = NOW.minus(Duration.ofMinutes(5));
        return new dev.beacon.control.ops.BackfillView(integrationId, last, last, "ok", last, 3, 0, null, NOW, 1);
    }

    @Override
    public synchronized dev.beacon.control.directory.DirectorySyncView requestDirectorySync(String integrationId) {
        calls.add("requestDirectorySync " + integrationId);
        Instant last = NOW.minus(Duration.ofMinutes(50));
        return new dev.beacon.control.directory.DirectorySyncView(integrationId, "ok", null, last, 1200, last, 0,
                null, NOW, true);
    }

    @Override
    public synchronized StatusReport status() {
        calls.add("status");
        List<TokenView> tokens = new ArrayList<>();
        tokens.add(new TokenView("contoso", "home-1", "svc-beacon@contoso.com", NOW.plusSeconds(3000),
                NOW.minus(Duration.ofDays(1)), false, false, null));
        return new StatusReport(NOW, "replica-a", List.copyOf(integrations.values()), tokens,
                List.copyOf(subscriptions.values()),
                List.of(new GapView(7, "contoso", "/users/u-1/chats/getAllMessages", "sub-0",
                        NOW.minus(Duration.ofMinutes(20)), null, "missed")),
                List.of(), List.of(), List.of(), HYDRATION);
    }

    /** This replica's hydration consumer as status shows it: mid-burst, one request waiting on Graph. */
    static final dev.beacon.control.ops.HydrationView HYDRATION = new dev.beacon.control.ops.HydrationView(true, 8,
            List.of(0, 2), 1200, 1190, 4, 6, 3, 57, 5, 1, "GRAPH_THROTTLED: Graph answered 503",
            NOW.minus(Duration.ofSeconds(12)));

    @Override
    public Readiness readiness() {
        return readiness;
    }
}
