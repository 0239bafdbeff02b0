package dev.beacon.control.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.testing.PostgresFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderLoopTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final List<String> IDS = List.of("contoso", "fabrikam", "tailspin");

    private static Database db;
    private static Sql sql;

    /** (replica, integration) pairs the work function saw, in order. */
    private final List<String[]> worked = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        db = Database.open(PG.jdbcUrl(), PG.user(), PG.password(), 4);
        sql = new Sql(db.dataSource());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void clean() {
        PG.truncateAll();
        IDS.forEach(id -> LeaseTestData.addIntegration(PG, id));
    }

    @Test
    void everyIntegrationIsWorkedByExactlyOneReplicaAndAllMoveWhenOneStops() {
        LeaderLoop a = loop("replica-a", Duration.ofSeconds(30));
        LeaderLoop b = loop("replica-b", Duration.ofSeconds(30));

        for (int round = 0; round < 5; round++) {
            worked.clear();
            // Interleave so both compete in every round.
            if (round % 2 == 0) {
                a.tick();
                b.tick();
            } else {
                b.tick();
                a.tick();
            }
            Map<String, List<String>> byIntegration = workedByIntegration();
            assertThat(byIntegration.keySet()).containsExactlyInAnyOrderElementsOf(IDS);
            byIntegration.forEach((id, replicas) ->
                    assertThat(replicas).as("replicas that worked " + id).hasSize(1));
            Set<String> both = new HashSet<>(a.ledIntegrations());
            both.retainAll(b.ledIntegrations());
            assertThat(both).as("led by both replicas").isEmpty();
        }
        // The first ticker (a, round 0) took all three; leadership is sticky while it renews.
        assertThat(a.ledIntegrations()).containsExactlyInAnyOrderElementsOf(IDS);
        assertThat(b.ledIntegrations()).isEmpty();

        a.stop(); // releases its leases
        assertThat(PG.queryValue("SELECT count(*) FROM integration_lease")).isEqualTo(0L);
        worked.clear();
        b.tick();
        assertThat(worked).extracting(w -> w[0]).containsOnly("replica-b");
        assertThat(worked).extracting(w -> w[1]).containsExactlyInAnyOrderElementsOf(IDS);
        assertThat(b.ledIntegrations()).containsExactlyInAnyOrderElementsOf(IDS);
        b.stop();
    }

    @Test
    void oneFailingIntegrationDoesNotStopTheOthers() {
        var leases = new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30));
        List<String> done = new ArrayList<>();
        LeaderLoop loop = new LeaderLoop(leases, Duration.ofSeconds(10), () -> IDS, id -> {
            if (id.equals("fabrikam")) {
                throw new IllegalStateException("boom");
            }
            done.add(id);
        });
        loop.tick();
        assertThat(done).containsExactly("contoso", "tailspin");
        assertThat(loop.ledIntegrations()).containsExactlyInAnyOrderElementsOf(IDS);
        loop.stop();
    }

    @Test
    void aWrongVaultKeyIsOneClearLineAndARepeatedFailureOneStackTrace() {
        var leases = new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30));
        LeaderLoop loop = new LeaderLoop(leases, Duration.ofSeconds(10), () -> IDS, id -> {
            if (id.equals("contoso")) {
                throw new dev.beacon.control.vault.VaultKeyException("sealed under key k-2; configured: k-1");
            }
            if (id.equals("fabrikam")) {
                throw new IllegalStateException("boom");
            }
        });
        try (var logs = dev.beacon.control.testing.CapturedLogs.atDebug()) {
            for (int tick = 0; tick < 20; tick++) { // 20 ticks: 100 s at the demo's 5 s interval
                loop.tick();
            }
            List<String> lines = logs.lines().stream()
                    .filter(l -> l.startsWith("ERROR " + LeaderLoop.class.getName())).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("ERROR " + LeaderLoop.class.getName() + " - integration contoso: "
                    + "cannot open its sealed secrets: sealed under key k-2; configured: k-1. Check BEACON_VAULT_KEY "
                    + "and BEACON_VAULT_PREVIOUS_KEYS.");
            assertThat(lines.get(1)).startsWith("ERROR " + LeaderLoop.class.getName() + " - work on integration "
                    + "fabrikam failed: java.lang.IllegalStateException\njava.lang.IllegalStateException: boom");
        }
        loop.stop();
    }

    @Test
    void integrationsThatDisappearAreNoLongerLed() {
        List<String> current = new CopyOnWriteArrayList<>(IDS);
        LeaderLoop loop = new LeaderLoop(new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30)),
                Duration.ofSeconds(10), () -> List.copyOf(current), id -> { });
        loop.tick();
        current.remove("fabrikam");
        PG.execute("DELETE FROM integration WHERE integration_id = 'fabrikam'");
        loop.tick();
        assertThat(loop.ledIntegrations()).containsExactlyInAnyOrder("contoso", "tailspin");
        loop.stop();
    }

    @Test
    void aScheduledLoopTakesOverFromADeadReplica() throws Exception {
        Duration lease = Duration.ofSeconds(2);
        // The dead replica took everything once and never renewed again.
        var dead = new IntegrationLeases(sql, "replica-dead", lease);
        IDS.forEach(dead::tryAcquire);

        LeaderLoop alive = loop("replica-alive", lease, Duration.ofMillis(250)).start();
        try {
            assertThat(alive.ledIntegrations()).isEmpty();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!alive.ledIntegrations().containsAll(IDS) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(alive.ledIntegrations()).containsExactlyInAnyOrderElementsOf(IDS);
            assertThat(worked).extracting(w -> w[0]).containsOnly("replica-alive");
            IDS.forEach(id -> assertThat(dead.holder(id)).contains("replica-alive"));
        } finally {
            alive.stop();
        }
        assertThat(PG.queryValue("SELECT count(*) FROM integration_lease")).isEqualTo(0L);
    }

    @Test
    void theIntervalMustBeAtMostHalfTheLease() {
        var leases = new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30));
        assertThatThrownBy(() -> new LeaderLoop(leases, Duration.ofSeconds(16), () -> IDS, id -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most half");
        new LeaderLoop(leases, Duration.ofSeconds(15), () -> IDS, id -> { }); // the defaults are fine
    }

    private LeaderLoop loop(String replica, Duration lease) {
        return loop(replica, lease, lease.dividedBy(3));
    }

    private LeaderLoop loop(String replica, Duration lease, Duration interval) {
        return new LeaderLoop(new IntegrationLeases(sql, replica, lease), interval, () -> IDS,
                id -> worked.add(new String[] {replica, id}));
    }

    private Map<String, List<String>> workedByIntegration() {
        Map<String, List<String>> m = new HashMap<>();
        for (String[] w : worked) {
            m.computeIfAbsent(w[1], k -> new ArrayList<>()).add(w[0]);
        }
        return m;
    }

}
