package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.certs.JobSecretsExport;
import dev.beacon.control.fetch.FetchedMessagePublisher;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything a reconciler test needs, real: PostgreSQL (the fixture), the emulator sharing a {@link MutableClock},
 * the stores, a Graph client whose Sleeper records waits, and a token source issuing emulator tokens for one user.
 */
public final class SubscriptionRig implements AutoCloseable {

    public static final String INTEGRATION = "acme";
    public static final String APP = "11111111-2222-3333-4444-555555555555";
    public static final String USER = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public static final String HUB =
            "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso.com";
    public static final String LIFECYCLE_HUB =
            "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/lifecycle?tenantId=contoso.com";
    public static final String ALL_MESSAGES = "/users/{user}/chats/getAllMessages?model=B";
    public static final String ALL_MESSAGES_RESOLVED = "/users/" + USER + "/chats/getAllMessages?model=B";

    public final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    public final MicrosoftEmulator emulator = MicrosoftEmulator.start(clock);
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    public final AtomicBoolean signedOut = new AtomicBoolean();
    public final Database db;
    public final Sql sql;
    public final SealedBox vault = SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of());
    public final IntegrationStore integrations;
    public final SubscriptionStore subscriptions;
    public final GapStore gaps;
    public final ClientStates clientStates;
    public final EncryptionCertificates certificates;
    public final JobSecretsExport export;
    public final GraphClient graph;
    public final SubscriptionReconciler reconciler;
    public int exports;

    public SubscriptionRig(PostgresFixture pg, Path exportDir) {
        pg.truncateAll();
        db = Database.open(pg.jdbcUrl(), pg.user(), pg.password(), 4);
        sql = new Sql(db.dataSource());
        integrations = new IntegrationStore(sql, vault, clock);
        subscriptions = new SubscriptionStore(sql);
        gaps = new GapStore(sql, clock);
        clientStates = new ClientStates(sql, vault, clock, Duration.ofHours(1));
        certificates = new EncryptionCertificates(sql, vault, clock, Duration.ofDays(365), Duration.ofDays(30),
                Duration.ofDays(1));
        export = new JobSecretsExport(exportDir, certificates, clientStates::accepted,
                () -> vault.derivedKeys(FetchedMessagePublisher.SIGNING_KEY_PURPOSE), null);
        RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), new Random(7)), sleeps::add);
        graph = GraphClient.create(MicrosoftEndpoints.routedTo(emulator.baseUri()), this::token, retry, clock);
        reconciler = new SubscriptionReconciler(integrations, subscriptions, gaps, clientStates, certificates, graph,
                this::token, () -> {
                    exports++;
                    export.export();
                },
                new ReconcilerSettings(
                        new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), new Random(11)), Duration.ofHours(1)),
                clock);
        integrations.add(INTEGRATION, "Acme", "contoso.com", APP, AuthMode.DEVICE_CODE, null, null);
        integrations.setStatus(INTEGRATION, IntegrationStatus.ACTIVE, null);
    }

    /** What signin's TokenSource does, minus MSAL: an emulator token for the service account. */
    public GraphToken token(String integrationId) throws SignInRequiredException {
        if (signedOut.get()) {
            throw new SignInRequiredException("refresh token revoked; sign in again");
        }
        Instant exp = clock.instant().plus(Duration.ofHours(1));
        String t = emulator.entra().issueAccessToken(new IssuedToken("contoso.com", USER, "svc@contoso.com", APP,
                false, exp));
        return new GraphToken(t, exp, USER, "svc@contoso.com");
    }

    public DesiredSubscription desire(String resource, boolean richData, int lifetimeMinutes) {
        DesiredSubscription d = new DesiredSubscription(INTEGRATION, resource, "created,updated,deleted", HUB,
                LIFECYCLE_HUB, richData, lifetimeMinutes);
        integrations.putDesired(d);
        return d;
    }

    public SubscriptionStore.Row onlyActive() {
        List<SubscriptionStore.Row> rows = subscriptions.active(INTEGRATION);
        if (rows.size() != 1) {
            throw new AssertionError("expected one active subscription, got " + rows);
        }
        return rows.get(0);
    }

    /** A row in the job's audit table, as if the job processed a notification of this subscription. */
    public void audited(String subscriptionId, Instant processedAt, long offset) {
        sql.update("INSERT INTO notification_audit (source, source_partition, source_offset, item_index, "
                + "subscription_id, outcome, processed_at) VALUES ('graph', 0, ?, 0, ?, 'ignored', ?)",
                offset, subscriptionId, processedAt);
    }

    @Override
    public void close() {
        emulator.close();
        db.close();
    }
}
