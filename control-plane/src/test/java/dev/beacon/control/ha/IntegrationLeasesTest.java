package dev.beacon.control.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.testing.PostgresFixture;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IntegrationLeasesTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static Database db;
    private static Sql sql;

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
        for (String id : List.of("contoso", "fabrikam", "tailspin")) {
            LeaseTestData.addIntegration(PG, id);
        }
    }

    @Test
    void exactlyOneReplicaHoldsEachIntegrationAndTheHolderRenews() {
        var a = new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30));
        var b = new IntegrationLeases(sql, "replica-b", Duration.ofSeconds(30));

        assertThat(a.tryAcquire("contoso")).isTrue();
        assertThat(b.tryAcquire("contoso")).isFalse();
        assertThat(b.tryAcquire("fabrikam")).isTrue();
        assertThat(a.tryAcquire("fabrikam")).isFalse();

        Map<String, Object> before = lease("contoso");
        assertThat(a.tryAcquire("contoso")).isTrue(); // renewal
        Map<String, Object> after = lease("contoso");
        assertThat(after.get("holder")).isEqualTo("replica-a");
        assertThat(after.get("acquired_at")).isEqualTo(before.get("acquired_at"));
        assertThat((Timestamp) after.get("expires_at")).isAfterOrEqualTo((Timestamp) before.get("expires_at"));

        assertThat(a.holder("contoso")).contains("replica-a");
        assertThat(b.holder("contoso")).contains("replica-a");
        assertThat(a.holder("tailspin")).isEmpty();
        assertThat(a.held()).containsExactly("contoso");
        assertThat(b.held()).containsExactly("fabrikam");
        assertThat(PG.queryValue("SELECT count(*) FROM integration_lease")).isEqualTo(2L);
    }

    @Test
    void releaseHandsTheLeaseOverAtOnce() {
        var a = new IntegrationLeases(sql, "replica-a", Duration.ofSeconds(30));
        var b = new IntegrationLeases(sql, "replica-b", Duration.ofSeconds(30));
        a.tryAcquire("contoso");
        a.tryAcquire("fabrikam");

        assertThat(b.release("contoso")).isFalse(); // not b's to release
        assertThat(a.release("contoso")).isTrue();
        assertThat(b.tryAcquire("contoso")).isTrue();
        assertThat(a.releaseAll()).isEqualTo(1);
        assertThat(b.tryAcquire("fabrikam")).isTrue();
        assertThat(b.held()).containsExactly("contoso", "fabrikam");
        assertThat(a.held()).isEmpty();
    }

    @Test
    void anotherReplicaTakesOverWhenTheHolderStopsRenewing() throws Exception {
        Duration duration = Duration.ofSeconds(2);
        Duration interval = Duration.ofMillis(300);
        var dead = new IntegrationLeases(sql, "replica-dead", duration);
        var alive = new IntegrationLeases(sql, "replica-alive", duration);
        assertThat(dead.tryAcquire("contoso")).isTrue();
        Timestamp deadExpiry = (Timestamp) lease("contoso").get("expires_at");

        // "dead" never renews again; "alive" tries every interval, as its LeaderLoop would.
        int attempts = 0;
        while (!alive.tryAcquire("contoso")) {
            attempts++;
            assertThat(attempts).as("attempts before takeover").isLessThan(100);
            Thread.sleep(interval.toMillis());
        }

        Map<String, Object> taken = lease("contoso");
        Timestamp acquired = (Timestamp) taken.get("acquired_at");
        assertThat(taken.get("holder")).isEqualTo("replica-alive");
        // By the database clock: never before the dead lease expired (no overlap) ...
        assertThat(acquired).isAfterOrEqualTo(deadExpiry);
        // ... and at most one interval (plus statement slack) after it, i.e. within duration + interval of the
        // dead replica's last renewal.
        assertThat(acquired.getTime() - deadExpiry.getTime()).isLessThanOrEqualTo(interval.toMillis() + 200);
        assertThat(dead.tryAcquire("contoso")).isFalse();
        assertThat(dead.holder("contoso")).contains("replica-alive");
    }

    private static Map<String, Object> lease(String id) {
        return PG.query("SELECT holder, acquired_at, expires_at FROM integration_lease WHERE integration_id = ?", id)
                .get(0);
    }
}
