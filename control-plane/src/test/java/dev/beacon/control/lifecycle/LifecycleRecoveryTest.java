package dev.beacon.control.lifecycle;

import static dev.beacon.control.lifecycle.KafkaProbe.await;
import static dev.beacon.control.lifecycle.KafkaProbe.committed;
import static dev.beacon.control.lifecycle.KafkaProbe.lifecycleRecord;
import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.emulator.MicrosoftEmulator.Fault;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.store.Sql;
import dev.beacon.control.subscriptions.ClientStates;
import dev.beacon.control.subscriptions.GapStore;
import dev.beacon.control.subscriptions.ReconcilerSettings;
import dev.beacon.control.subscriptions.SubscriptionReconciler;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.control.subscriptions.SubscriptionStore;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import dev.beacon.control.kafka.RetryBackoff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer with the real handler (the subscription reconciler on PostgreSQL, Graph from the emulator) while a
 * dependency is down: the event waits, is handled once when the dependency is back, and only then committed.
 */
class LifecycleRecoveryTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String ONE_SUB = "/v1\\.0/subscriptions/[^/]+";
    static final String SUBS = "/v1\\.0/subscriptions";
    private static final RetryBackoff FAST = new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(100),
            new Random(7));

    @TempDir
    Path exportDir;
    SubscriptionRig rig;
    String topic;
    String group;

    @BeforeEach
    void setUp(TestInfo test) {
        rig = new SubscriptionRig(PG, exportDir);
        // Events carry the broker's (real) time; the reconciler's clock starts there so gaps run forwards.
        rig.clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String name = test.getTestMethod().orElseThrow().getName();
        topic = "lr-" + name;
        group = "g-" + name;
        KAFKA.get().createTopic(topic, 1);
        KAFKA.get().createTopic(topic + "-dead-letters", 1);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** PostgreSQL refusing connections, as during a restart or failover, for the next {@code n} attempts. */
    static final class FlakyDataSource implements DataSource {
        final DataSource real;
        final AtomicInteger failNext = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        FlakyDataSource(DataSource real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refused.incrementAndGet();
                throw new SQLTransientConnectionException("connection refused (test)", "08001");
            }
            return real.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return real.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            real.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            real.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return real.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return real.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return real.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return real.isWrapperFor(iface);
        }
    }

    /** The rig's reconciler, but with its stores on {@code dataSource}. */
    private SubscriptionReconciler reconcilerOn(DataSource dataSource) {
        Sql sql = new Sql(dataSource);
        return new SubscriptionReconciler(new IntegrationStore(sql, rig.vault, rig.clock), new SubscriptionStore(sql),
                new GapStore(sql, rig.clock), new ClientStates(sql, rig.vault, rig.clock, Duration.ofHours(1)),
                new EncryptionCertificates(sql, rig.vault, rig.clock, Duration.ofDays(365), Duration.ofDays(30),
                        Duration.ofDays(1)),
                rig.graph, rig::token, rig.export::export,
                new ReconcilerSettings(new Backoff(Duration.ofMinutes(1), Duration.ofHours(1),
                        new Random(11)), Duration.ofHours(1)),
                rig.clock);
    }

    private LifecycleConsumer consumer(LifecycleHandler handler) {
        return new LifecycleConsumer(LifecycleConsumer.Settings.of(KAFKA.get().bootstrapServers(), topic, group)
                .withBackoff(FAST), handler, rig.clock);
    }

    private String subscribed() {
        rig.desire(ALL_MESSAGES, false, 4320);
        rig.reconciler.reconcile(INTEGRATION);
        return rig.onlyActive().subscriptionId();
    }

    @Test
    void aDatabaseOutageHoldsSubscriptionRemovedUntilRecoveryThenItIsHandledOnceAndOnlyThenCommitted()
            throws Exception {
        String id = subscribed();
        rig.emulator.graph().drop(id);
        FlakyDataSource db = new FlakyDataSource(rig.db.dataSource());
        SubscriptionReconciler reconciler = reconcilerOn(db);
        List<Map<Integer, Long>> committedAtEachAttempt = new CopyOnWriteArrayList<>();
        LifecycleHandler watched = e -> {
            committedAtEachAttempt.add(committed(KAFKA.get(), group, topic));
            return reconciler.handle(e);
        };
        db.failNext.set(3);

        KafkaProbe.send(KAFKA.get(), topic, 0, id, lifecycleRecord(id, "contoso.com", "subscriptionRemoved"));
        // Not ours (deleted or replaced earlier): handled by being ignored, neither retried nor dead-lettered.
        KafkaProbe.send(KAFKA.get(), topic, 0, "gone", lifecycleRecord("gone", "contoso.com", "missed"));
        rig.clock.set(Instant.now().plusSeconds(60));

        try (LifecycleConsumer consumer = consumer(watched).start()) {
            await("both handled", () -> consumer.counters().handledTotal() == 2);
            await("committed", () -> committed(KAFKA.get(), group, topic).equals(Map.of(0, 2L)));
            assertThat(consumer.counters().retries()).isEqualTo(3);
            assertThat(consumer.counters().waiting()).isEmpty();
            assertThat(consumer.counters().deadLettersTotal()).isZero();
        }
        assertThat(db.refused).hasValue(3);
        // Three refused attempts and the successful one all saw nothing committed.
        assertThat(committedAtEachAttempt.subList(0, 4)).containsOnly(Map.of());
        assertThat(committed(KAFKA.get(), group, topic)).isEqualTo(Map.of(0, 2L));
        // Handled once: one recreation, one gap (closed by it).
        assertThat(rig.emulator.countCalls("POST", SUBS)).isEqualTo(2);
        assertThat(rig.subscriptions.find(id).orElseThrow().state()).isEqualTo("removed");
        assertThat(rig.onlyActive().subscriptionId()).isNotEqualTo(id);
        assertThat(rig.gaps.list(INTEGRATION, false)).singleElement().satisfies(g -> {
            assertThat(g.subscriptionId()).isEqualTo(id);
            assertThat(g.reason()).isEqualTo("subscription-removed");
            assertThat(g.to()).isNotNull();
        });
        assertThat(KAFKA.get().readAll(topic + "-dead-letters", false)).isEmpty();
    }

    @Test
    void graphDownDuringReauthorizeIsRetriedUntilGraphAnswersThenCommitted() throws Exception {
        String id = subscribed();
        // The Graph client tries 3 times per call: two whole handler attempts fail, the third succeeds.
        Fault outage = rig.emulator.inject("POST", ONE_SUB + "/reauthorize", Response.json(503,
                "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try later\"}}"), 6);

        KafkaProbe.send(KAFKA.get(), topic, 0, id, lifecycleRecord(id, "contoso.com", "reauthorizationRequired"));
        try (LifecycleConsumer consumer = consumer(rig.reconciler).start()) {
            await("handled", () -> consumer.counters().handledTotal() == 1);
            await("committed", () -> committed(KAFKA.get(), group, topic).equals(Map.of(0, 1L)));
            assertThat(consumer.counters().retries()).isEqualTo(2);
        }
        assertThat(outage.hits()).isEqualTo(6);
        assertThat(rig.emulator.graph().subscription(id).orElseThrow().reauthorizations()).isEqualTo(1);
        assertThat(rig.emulator.countCalls("PATCH", ONE_SUB)).isZero(); // no renewal attempted while Graph was down
        assertThat(rig.onlyActive().failureCount()).isZero(); // the success cleared the recorded failures
        assertThat(committed(KAFKA.get(), group, topic)).isEqualTo(Map.of(0, 1L));
    }

    @Test
    void subscriptionRemovedWhileASignInIsNeededRecordsTheLossSoThePassAfterSignInRecreates() {
        String id = subscribed();
        rig.emulator.graph().drop(id);
        rig.signedOut.set(true);
        Instant received = rig.clock.instant();

        String done = rig.reconciler.handle(new LifecycleEvent(id, "contoso.com",
                LifecycleEvent.SUBSCRIPTION_REMOVED, received));

        // Handled (committed): a person must act, status says so, and the loss is on record for later.
        assertThat(done).startsWith("sign-in required");
        assertThat(rig.integrations.require(INTEGRATION).status()).isEqualTo(IntegrationStatus.NEEDS_INTERACTION);
        assertThat(rig.subscriptions.find(id).orElseThrow().state()).isEqualTo("removed");
        assertThat(rig.gaps.list(INTEGRATION, true)).singleElement()
                .extracting(GapView::subscriptionId, GapView::from, GapView::reason)
                .containsExactly(id, received, "subscription-removed");

        rig.signedOut.set(false);
        rig.integrations.setStatus(INTEGRATION, IntegrationStatus.ACTIVE, null);
        rig.clock.advance(Duration.ofMinutes(5));
        rig.reconciler.reconcile(INTEGRATION);
        assertThat(rig.onlyActive().subscriptionId()).isNotEqualTo(id);
        assertThat(rig.gaps.list(INTEGRATION, true)).isEmpty();
    }

    @Test
    void aThrottledReauthorizeAsksTheConsumerToWaitAtLeastRetryAfter() {
        String id = subscribed();
        rig.emulator.inject("POST", ONE_SUB + "/reauthorize", Response.json(429, "")
                .withHeader("Retry-After", "120"), 1);

        try {
            rig.reconciler.handle(new LifecycleEvent(id, "contoso.com", LifecycleEvent.REAUTHORIZATION_REQUIRED,
                    rig.clock.instant()));
            throw new AssertionError("expected RetryLaterException");
        } catch (RetryLaterException e) {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
            assertThat(RetryBackoff.defaults().delay(1, e.retryAfter())).isEqualTo(Duration.ofSeconds(120));
        }
        assertThat(rig.onlyActive().nextAttemptAt()).isEqualTo(rig.clock.instant().plusSeconds(120));
    }
}
