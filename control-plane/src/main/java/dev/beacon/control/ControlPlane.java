package dev.beacon.control;

import dev.beacon.control.alerts.Alerts;
import dev.beacon.control.backfill.BackfillService;
import dev.beacon.control.backfill.BackfillUsers;
import dev.beacon.control.backfill.TenantWideCoverage;
import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.certs.JobSecretsExport;
import dev.beacon.control.directory.DirectorySync;
import dev.beacon.control.directory.DirectorySyncView;
import dev.beacon.control.emergency.EmergencyEventSubscriptions;
import dev.beacon.control.emergency.EmergencyEventsApi;
import dev.beacon.control.emergency.EmergencyPolicies;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.ha.IntegrationLeases;
import dev.beacon.control.ha.LeaderLoop;
import dev.beacon.control.hydration.HydrationConsumer;
import dev.beacon.control.hydration.HydrationCounters;
import dev.beacon.control.hydration.HydrationOutcomes;
import dev.beacon.control.hydration.MessageHydrator;
import dev.beacon.control.hydration.TenantRateLimiter;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.lifecycle.LifecycleConsumer;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.ops.BackfillView;
import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.ops.ConnectLinkRefusedException;
import dev.beacon.control.ops.ControlPlaneOperations;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.ops.Readiness;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.signin.AppCredential;
import dev.beacon.control.signin.ConnectTickets;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInService;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.sites.ReferenceData;
import dev.beacon.control.store.Sql;
import dev.beacon.control.subscriptions.ClientStates;
import dev.beacon.control.subscriptions.IngressWebhookUrls;
import dev.beacon.control.subscriptions.ReconcilerSettings;
import dev.beacon.control.subscriptions.GapStore;
import dev.beacon.control.subscriptions.SubscriptionGraphs;
import dev.beacon.control.subscriptions.SubscriptionReconciler;
import dev.beacon.control.subscriptions.SubscriptionStore;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.TokenVault;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's components, wired once, and the {@link ControlPlaneOperations} ops use through the HTTP API
 * and the CLI. {@link #startBackground} adds the long-running parts: the leader loop (one replica per integration
 * keeps tokens fresh and reconciles subscriptions), the lifecycle consumer and the hydration consumer.
 *
 * <p>Each leader-loop round, per integration it leads: refresh the integration's tokens if they expire within the
 * margin, then reconcile its subscriptions (which also rotates certificates when due and re-exports the job's
 * secrets when they change), then, when Kafka is configured, backfill if a run is due
 * ({@link BackfillService}) and sync the directory if a sync is due ({@link DirectorySync}). Everything it decides is in PostgreSQL, so any replica can answer status.
 */
public final class ControlPlane implements ControlPlaneOperations, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    /** What an integration subscribes to when ops name no resource: every chat of the signed-in service account. */
    public static final String DEFAULT_DELEGATED_RESOURCE = "/users/{user}/chats/getAllMessages?model=B";
    public static final String DEFAULT_CHANGE_TYPES = "created,updated,deleted";

    private static final Pattern INTEGRATION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final ControlPlaneSettings settings;
    private final Clock clock;
    private final Sql sql;
    private final SealedBox vault;
    private final IntegrationStore integrations;
    private final TokenVault tokenVault;
    private final SignInService signIn;
    private final ConnectTickets tickets;
    private final SubscriptionStore subscriptions;
    private final GapStore gaps;
    private final ClientStates clientStates;
    private final EncryptionCertificates certificates;
    private final SubscriptionReconciler reconciler;
    private final EmergencyPolicies emergencyPolicies;
    private final BackfillUsers backfillUsers; // the security desk, for tenant-wide subscriptions
    private final IntegrationLeases leases;
    private final ControlPlaneMetrics metrics;
    private final BackfillService backfill; // null without Kafka: FetchedMessages have nowhere to go
    private final DirectorySync directory; // null without Kafka: directory records have nowhere to go
    private LeaderLoop loop;
    private LifecycleConsumer lifecycle;
    private final GraphClient graph;
    private HydrationConsumer hydration;
    private FetchedMessagePublisher hydrationPublisher;
    private final ReferenceData referenceData; // sites, security lines, resource-account sync
    private final Alerts alerts; // routes and the notifier on emergency-call-facts

    /**
     * @param clock     the control plane's clock (subscription schedules, gaps, status); tests and the demo share
     *                  it with the emulator
     * @param endpoints where Microsoft is ({@link MicrosoftEndpoints#PRODUCTION} unless routed to the emulator)
     */
    public ControlPlane(ControlPlaneSettings settings, DataSource dataSource, SealedBox vault, Clock clock,
                        MicrosoftEndpoints endpoints, SignInSettings signInSettings, RetryPolicy retry) {
        this.settings = settings;
        this.clock = clock;
        this.sql = new Sql(dataSource);
        this.vault = vault;
        this.integrations = new IntegrationStore(sql, vault, clock);
        this.tokenVault = new TokenVault(sql, vault, clock);
        this.signIn = new SignInService(integrations, tokenVault, sql, vault, endpoints, clock, signInSettings);
        this.tickets = new ConnectTickets(vault.derivedKey("connect-ticket"), sql, clock,
                ConnectTickets.DEFAULT_LIFETIME);
        this.subscriptions = new SubscriptionStore(sql);
        this.gaps = new GapStore(sql, clock);
        this.clientStates = new ClientStates(sql, vault, clock);
        this.certificates = new EncryptionCertificates(sql, vault, clock);
        Runnable secretsChanged = exporter();
        this.graph = GraphClient.create(endpoints, signIn, retry, clock);
        this.emergencyPolicies = new EmergencyPolicies(sql, integrations, clock);
        this.backfillUsers = new BackfillUsers(sql, integrations, clock);
        this.reconciler = new SubscriptionReconciler(integrations, subscriptions, gaps, clientStates, certificates,
                SubscriptionGraphs.of(graph, EmergencyEventsApi.version(settings.env())), signIn, secretsChanged,
                ReconcilerSettings.defaults(), clock, IngressWebhookUrls.of(settings.ingressPublicUrl()),
                new EmergencyEventSubscriptions(integrations, emergencyPolicies));
        this.leases = new IntegrationLeases(sql, settings.replicaId(), settings.leaseDuration());
        this.metrics = new ControlPlaneMetrics(this::status, clock, Duration.ofSeconds(5));
        this.backfill = settings.kafkaBootstrap() == null ? null : BackfillService.create(settings.env(),
                settings.kafkaBootstrap(), sql, integrations, certificates,
                () -> vault.derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), graph, signIn, clock);
        if (backfill != null) {
            metrics.bindBackfill(backfill.counters());
        }
        this.directory = settings.kafkaBootstrap() == null ? null : DirectorySync.create(settings.env(),
                settings.kafkaBootstrap(), sql, integrations, graph, clock);
        if (directory != null) {
            directory.counters().bind(metrics.registry());
        }
        this.referenceData = ReferenceData.create(settings.kafkaBootstrap(), settings.env(), dataSource,
                integrations, endpoints, signIn, retry, clock);
        this.alerts = Alerts.create(settings.env(), settings.kafkaBootstrap(), sql, vault, metrics.registry(), clock);
    }

    /** Exports the job's secrets (PKCS12, clientStates, fetch-signing keys) when an export directory is configured. */
    private Runnable exporter() {
        if (settings.exportDir() == null) {
            return () -> log.debug("job secrets changed; no BEACON_EXPORT_DIR, nothing exported");
        }
        JobSecretsExport export = new JobSecretsExport(settings.exportDir(), certificates, clientStates::accepted,
                () -> vault.derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE),
                ControlPlaneSettings.secret(settings.env(), "BEACON_EXPORT_KEYSTORE_PASSWORD").orElse(null));
        return export::export;
    }

    /** Starts the leader loop and, when Kafka is configured, the lifecycle and hydration consumers. */
    public synchronized ControlPlane startBackground() {
        if (loop == null) {
            loop = new LeaderLoop(leases, settings.reconcileInterval(),
                    () -> integrations.list().stream().map(Integration::id).toList(), this::work).start();
            Thread republish = new Thread(referenceData::republishAll, "reference-republish");
            republish.setDaemon(true); // idempotent on compacted topics: a recreated topic gets the tables back
            republish.start();
        }
        if (lifecycle == null && settings.lifecycleConsumerEnabled()) {
            lifecycle = new LifecycleConsumer(LifecycleConsumer.Settings
                    .of(settings.kafkaBootstrap(), settings.lifecycleTopic(), settings.consumerGroup())
                    .withDeadLetterTopic(settings.lifecycleDeadLetterTopic()), reconciler, clock).start();
            metrics.bindLifecycle(lifecycle.counters());
        }
        if (hydration == null && settings.hydrationEnabled()) {
            startHydration();
        }
        alerts.start();
        return this;
    }

    /**
     * The hydration consumer: every replica runs one in the same group (Kafka splits the partitions), since any
     * replica can use any integration's tokens; the job holds no Graph token, so hydration lives here.
     */
    private void startHydration() {
        hydrationPublisher = FetchedMessagePublisher.create(settings.kafkaBootstrap(), settings.eventsTopic(),
                certificates, () -> vault.derivedKey(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), clock);
        MessageHydrator hydrator = new MessageHydrator(subscriptions, integrations, graph,
                TenantRateLimiter.perSecond(settings.hydrationRate()), hydrationPublisher,
                new HydrationOutcomes(sql, clock), new HydrationCounters(clock));
        hydration = new HydrationConsumer(HydrationConsumer.Settings.of(settings.kafkaBootstrap(),
                settings.hydrationTopic(), settings.hydrationGroup(), settings.hydrationDeadLetterTopic())
                .withConcurrency(settings.hydrationConcurrency()), hydrator).start();
        metrics.bindHydration(hydration.counters());
    }

    /** One leader round for one integration. Failures are logged by the loop and retried next round. */
    void work(String integrationId) {
        Integration i = integrations.get(integrationId).orElse(null);
        if (i == null || i.status() == IntegrationStatus.DISABLED) {
            return;
        }
        if (i.authMode().delegated() && (i.status() == IntegrationStatus.NEEDS_SIGN_IN
                || i.status() == IntegrationStatus.SIGNING_IN)) {
            return; // nobody signed in yet: status says so; nothing to reconcile without a token
        }
        if (i.authMode().delegated()) {
            signIn.refreshDue(integrationId, settings.tokenRefreshMargin());
        }
        reconciler.reconcile(integrationId); // logs what it changed
        referenceData.syncIfDue(integrationId); // Teams resource accounts behind the security lines
        if (backfill != null) {
            // lists and publishes what notifications may have lost, on the backfill's own pool: a slow or throttled
            // integration never holds up this loop or another integration's backfill
            backfill.runIfDue(integrationId, () -> leases.tryAcquire(integrationId));
        }
        if (directory != null) {
            directory.runIfDue(integrationId, () -> leases.tryAcquire(integrationId)); // users for enrichment
        }
    }

    /** Runs one leader round now (tests and the demo use it instead of waiting for the interval). */
    public void tick() {
        if (loop == null) {
            throw new IllegalStateException("background not started");
        }
        loop.tick();
        if (backfill != null) {
            try {
                // a round's backfill runs on the backfill pool: callers of tick() expect the round's effects
                backfill.awaitIdle(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public ControlPlaneMetrics metrics() {
        return metrics;
    }

    public SignInService signIn() {
        return signIn;
    }

    public SubscriptionReconciler reconciler() {
        return reconciler;
    }

    public IntegrationStore integrations() {
        return integrations;
    }

    public Alerts alerts() {
        return alerts;
    }

    public ReferenceData referenceData() {
        return referenceData;
    }

    public Optional<LifecycleConsumer> lifecycleConsumer() {
        return Optional.ofNullable(lifecycle);
    }

    public Optional<HydrationConsumer> hydrationConsumer() {
        return Optional.ofNullable(hydration);
    }

    // ---- operations -------------------------------------------------------------------------------------------------

    @Override
    public List<IntegrationView> listIntegrations() {
        return integrations.list().stream().map(this::view).toList();
    }

    @Override
    public Optional<IntegrationView> integration(String integrationId) {
        return integrations.get(integrationId).map(this::view);
    }

    @Override
    public java.time.Instant now() {
        return clock.instant();
    }

    @Override
    public double clockRate() {
        return clock instanceof RatedClock rated ? rated.rate() : 1;
    }

    @Override
    public IntegrationView addIntegration(NewIntegration r) {
        require(r.id(), "id");
        if (!INTEGRATION_ID.matcher(r.id()).matches()) {
            throw new IllegalArgumentException("id must be lower-case letters, digits and '-', at most 63 characters");
        }
        require(r.tenantId(), "tenant");
        require(r.clientId(), "client id");
        AuthMode mode = AuthMode.parse(r.authMode() == null ? "device-code" : r.authMode());
        if (integrations.get(r.id()).isPresent()) {
            throw new IllegalArgumentException("integration '" + r.id() + "' already exists");
        }
        List<DesiredSubscription> desired = new ArrayList<>();
        for (DesiredSubscriptionView d : r.subscriptions() == null ? List.<DesiredSubscriptionView>of()
                : r.subscriptions()) {
            desired.add(desired(r.id(), mode, d));
        }
        List<String> policies = EmergencyPolicies.checkedNames(r.emergencyPolicies() == null ? List.of()
                : r.emergencyPolicies());
        if (!policies.isEmpty() && mode.delegated()) {
            throw new IllegalArgumentException("emergency policies need a client-credentials integration: Graph "
                    + "offers CallEvents-Emergency.Read.All as an application permission only, not to "
                    + mode.dbValue() + " sign-ins");
        }
        List<String> deskUsers = BackfillUsers.checked(r.backfillUsers() == null ? List.of() : r.backfillUsers());
        if (!deskUsers.isEmpty()) {
            BackfillUsers.requireAppOnly(r.id(), mode.delegated(), mode.dbValue());
        }
        if (!policies.isEmpty() && desired.isEmpty()) {
            throw new IllegalArgumentException("emergency policies are delivered where the integration's "
                    + "subscriptions are: give a resource and --notification-url too");
        }
        String kind = null;
        byte[] credential = null;
        if (r.credential() != null && !r.credential().isBlank()) {
            kind = r.credentialKind() == null ? "secret" : r.credentialKind();
            credential = switch (kind) {
                case "secret" -> r.credential().getBytes(StandardCharsets.UTF_8);
                case "certificate" -> AppCredential.certificateEnvelope(decodeBase64(r.credential()),
                        r.credentialPassword() == null ? "" : r.credentialPassword());
                default -> throw new IllegalArgumentException("credential kind must be 'secret' or 'certificate'");
            };
        } else if (mode != AuthMode.DEVICE_CODE) {
            throw new IllegalArgumentException(mode.dbValue() + " needs a client secret or certificate");
        }
        integrations.add(r.id(), r.displayName(), r.tenantId(), r.clientId(), mode, kind, credential);
        desired.forEach(integrations::putDesired);
        if (!policies.isEmpty()) {
            emergencyPolicies.replace(r.id(), policies);
        }
        if (!deskUsers.isEmpty()) {
            backfillUsers.replace(r.id(), deskUsers);
        }
        log.info("integration {} added ({}, tenant {}, {} desired subscription(s))", r.id(), mode.dbValue(),
                r.tenantId(), desired.size());
        return view(integrations.require(r.id()));
    }

    private static DesiredSubscription desired(String integrationId, AuthMode mode, DesiredSubscriptionView d) {
        String resource = d.resource();
        if (resource == null || resource.isBlank()) {
            if (!mode.delegated()) {
                throw new IllegalArgumentException("app-only integrations must name their resources");
            }
            resource = DEFAULT_DELEGATED_RESOURCE;
        }
        require(d.notificationUrl(), "notification URL");
        // Rejects unknown forms now rather than at the first reconcile; 'ingress' is resolved by the reconciler.
        IngressWebhookUrls.check(integrationId, d.notificationUrl());
        if (d.lifecycleNotificationUrl() != null && !d.lifecycleNotificationUrl().isBlank()) {
            IngressWebhookUrls.check(integrationId, d.lifecycleNotificationUrl());
        }
        return new DesiredSubscription(integrationId, resource,
                d.changeTypes() == null || d.changeTypes().isBlank() ? DEFAULT_CHANGE_TYPES : d.changeTypes(),
                d.notificationUrl(), d.lifecycleNotificationUrl(),
                d.includeResourceData() == null || d.includeResourceData(),
                d.lifetimeMinutes() == null ? DesiredSubscription.MAX_LIFETIME_MINUTES : d.lifetimeMinutes());
    }

    @Override
    public boolean removeIntegration(String integrationId) {
        if (integrations.get(integrationId).isEmpty()) {
            return false;
        }
        // Best effort: stop Graph delivering before forgetting the secrets that authenticate the deliveries.
        for (SubscriptionView s : subscriptions.views(integrationId)) {
            if ("active".equals(s.state())) {
                try {
                    reconciler.delete(s.subscriptionId());
                } catch (RuntimeException e) {
                    log.warn("integration {}: could not delete subscription {} in Graph ({}); it will expire",
                            integrationId, s.subscriptionId(), e.getClass().getSimpleName());
                }
            }
        }
        referenceData.removeLinesOf(integrationId); // tombstones: its lines stop being security lines
        leases.release(integrationId);
        boolean removed = integrations.remove(integrationId);
        log.info("integration {} removed", integrationId);
        return removed;
    }

    @Override
    public LoginView startDeviceCodeLogin(String integrationId) {
        Integration i = integrations.require(integrationId);
        if (i.authMode() != AuthMode.DEVICE_CODE) {
            throw new IllegalArgumentException("integration '" + integrationId + "' signs in with "
                    + i.authMode().dbValue() + ", not the device code");
        }
        return signIn.startDeviceCode(integrationId);
    }

    @Override
    public LoginView loginState(String integrationId) {
        integrations.require(integrationId);
        return signIn.loginState(integrationId);
    }

    @Override
    public LoginView startLogin(String integrationId) {
        Integration i = integrations.require(integrationId);
        return switch (i.authMode()) {
            case DEVICE_CODE -> signIn.startDeviceCode(integrationId);
            case AUTH_CODE -> {
                ConnectTickets.Ticket t = tickets.issue(integrationId);
                String base = settings.publicUrl().toString().replaceAll("/+$", "");
                yield signIn.authCodeLinkIssued(integrationId, base + "/api/org/" + integrationId
                        + "/ms-teams/connect?ticket=" + t.value(), t.expiresAt());
            }
            case CLIENT_CREDENTIALS -> throw new IllegalArgumentException("integration '" + integrationId
                    + "' uses client-credentials: app-only tokens come from its client secret or certificate, "
                    + "nobody signs in");
        };
    }

    @Override
    public URI authorizationUrlWithTicket(String integrationId, String ticket) {
        integrations.require(integrationId);
        try {
            tickets.redeem(integrationId, ticket);
        } catch (ConnectLinkRefusedException e) {
            log.warn("integration {}: sign-in link refused: {}", LogSafe.value(integrationId), e.getMessage());
            throw e;
        }
        return authorizationUrl(integrationId);
    }

    @Override
    public URI authorizationUrl(String integrationId) {
        Integration i = integrations.require(integrationId);
        if (i.authMode() != AuthMode.AUTH_CODE) {
            throw new IllegalArgumentException("integration '" + integrationId + "' signs in with "
                    + i.authMode().dbValue() + ", not the authorization code");
        }
        return signIn.authorizationUrl(integrationId, settings.callbackUri(integrationId));
    }

    @Override
    public LoginView completeAuthorization(String integrationId, String code, String state) {
        integrations.require(integrationId);
        return signIn.completeAuthorizationCode(integrationId, code, state, settings.callbackUri(integrationId));
    }

    @Override
    public LoginView authorizationDenied(String integrationId, String state, String error, String description) {
        integrations.require(integrationId);
        return signIn.authorizationDenied(integrationId, state, settings.callbackUri(integrationId), error,
                description);
    }

    @Override
    public IntegrationView setEmergencyPolicies(String integrationId, List<String> policyNames) {
        List<String> names = emergencyPolicies.replace(integrationId, policyNames == null ? List.of() : policyNames);
        if (!names.isEmpty() && integrations.desired(integrationId).isEmpty()) {
            log.warn("integration {} has emergency policies but no desired subscription (delivery target)",
                    integrationId);
        }
        log.info("integration {}: {} emergency polic(ies) set", integrationId, names.size());
        return view(integrations.require(integrationId));
    }

    @Override
    public IntegrationView setBackfillUsers(String integrationId, List<String> users) {
        List<String> set = backfillUsers.replace(integrationId, users == null ? List.of() : users);
        log.info("integration {}: {} backfill user(s) set", integrationId, set.size()); // personal data: the count
        return view(integrations.require(integrationId));
    }

    /** Conditions ops must see besides the status ({@link IntegrationView#flags}). */
    private List<String> flags(Integration i, List<DesiredSubscription> desired) {
        boolean uncovered = TenantWideCoverage.uncovered(i.authMode().delegated(),
                desired.stream().map(DesiredSubscription::resource).toList(), backfillUsers.list(i.id()));
        return uncovered ? List.of(TenantWideCoverage.FLAG) : List.of();
    }

    @Override
    public List<SubscriptionView> listSubscriptions(String integrationId) {
        return subscriptions.views(integrationId);
    }

    @Override
    public SubscriptionView renewSubscription(String subscriptionId) {
        requireSubscription(subscriptionId);
        return reconciler.renewNow(subscriptionId);
    }

    @Override
    public boolean deleteSubscription(String subscriptionId) {
        requireSubscription(subscriptionId);
        return reconciler.delete(subscriptionId);
    }

    @Override
    public List<CertificateView> rotateCertificates(String integrationId) {
        integrations.require(integrationId);
        return reconciler.rotateCertificates(integrationId);
    }

    @Override
    public BackfillView requestBackfill(String integrationId) {
        integrations.require(integrationId);
        if (backfill == null) {
            throw new IllegalArgumentException("backfill needs BEACON_KAFKA_BOOTSTRAP (it publishes to the job's topic)");
        }
        return backfill.request(integrationId);
    }

    public Optional<BackfillService> backfill() {
        return Optional.ofNullable(backfill);
    }

    @Override
    public DirectorySyncView requestDirectorySync(String integrationId) {
        integrations.require(integrationId);
        if (directory == null) {
            throw new IllegalArgumentException("the directory sync needs BEACON_KAFKA_BOOTSTRAP (it publishes to "
                    + "the beacon-directory topic)");
        }
        return directory.request(integrationId);
    }

    public Optional<DirectorySync> directory() {
        return Optional.ofNullable(directory);
    }

    @Override
    public StatusReport status() {
        return new StatusReport(clock.instant(), settings.replicaId(), listIntegrations(), signIn.tokenHealth(),
                subscriptions.views(null), gaps.list(null, true), certificates.views(null),
                backfill == null ? List.of() : backfill.views(), directory == null ? List.of() : directory.views(),
                hydration == null ? null : hydration.view());
    }

    @Override
    public Readiness readiness() {
        List<String> problems = new ArrayList<>();
        try {
            sql.queryOne("SELECT 1", rs -> rs.getInt(1));
        } catch (RuntimeException e) {
            return new Readiness(false, List.of("database unreachable: " + e.getClass().getSimpleName()));
        }
        // A vault key that cannot open what is stored is a configuration error ops must see before tokens expire.
        Set<String> needed = new TreeSet<>(sql.query("SELECT DISTINCT vault_key_id FROM token_cache",
                rs -> rs.getString(1)));
        needed.removeAll(vault.keyIds());
        if (!needed.isEmpty()) {
            problems.add("the token vault holds rows sealed with vault key(s) " + needed
                    + " that are not configured (configured: " + vault.keyIds() + ")");
        }
        return new Readiness(problems.isEmpty(), problems);
    }

    private IntegrationView view(Integration i) {
        List<DesiredSubscription> stored = integrations.desired(i.id());
        List<DesiredSubscriptionView> desired = stored.stream()
                .map(d -> new DesiredSubscriptionView(d.resource(), d.changeTypes(), d.notificationUrl(),
                        d.lifecycleNotificationUrl(), d.includeResourceData(), d.lifetimeMinutes()))
                .toList();
        return new IntegrationView(i.id(), i.displayName(), i.tenantId(), i.clientId(), i.authMode().dbValue(),
                i.status().dbValue(), i.statusDetail(), i.status().needsHuman(), leases.holder(i.id()).orElse(null),
                desired, i.updatedAt(), emergencyPolicies.list(i.id()), backfillUsers.list(i.id()), flags(i, stored));
    }

    private void requireSubscription(String subscriptionId) {
        if (subscriptions.find(subscriptionId).isEmpty()) {
            throw new NoSuchElementException("no subscription '" + subscriptionId + "'");
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
    }

    private static byte[] decodeBase64(String s) {
        try {
            return Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the certificate must be a base64 PKCS12");
        }
    }

    /** Stops the loop (releasing leases so another replica takes over at once) and the consumer. */
    @Override
    public synchronized void close() {
        if (lifecycle != null) {
            lifecycle.close();
            lifecycle = null;
        }
        if (hydration != null) {
            hydration.close();
            hydration = null;
            hydrationPublisher.close();
        }
        if (backfill != null) {
            // before the loop releases the leases: a run still going would renew (re-take) its integration's lease;
            // rounds the loop triggers after this are refused
            backfill.close();
        }
        if (loop != null) {
            loop.close();
            loop = null;
        }
        signIn.close();
        if (directory != null) {
            directory.close();
        }
        referenceData.close();
        alerts.close();
    }
}
