package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.ops.ConnectLinkRefusedException;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connect tickets on the real database: used nonces are in {@code connect_ticket_use}, shared by all replicas. */
class ConnectTicketsTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final SealedBox vault = SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of());
    private Database db;
    private Sql sql;
    private ConnectTickets tickets;

    @BeforeEach
    void setUp() {
        PG.truncateAll();
        db = Database.open(PG.jdbcUrl(), PG.user(), PG.password(), 2);
        sql = new Sql(db.dataSource());
        tickets = new ConnectTickets(vault.derivedKey("connect-ticket"), sql, clock, ConnectTickets.DEFAULT_LIFETIME);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aTicketWorksOnceForItsIntegrationWithinTenMinutes() {
        ConnectTickets.Ticket t = tickets.issue("acme");
        assertThat(t.expiresAt()).isEqualTo(Instant.parse("2026-11-27T12:10:00Z"));
        assertThat(t.value()).matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(t.toString()).doesNotContain(t.value());
        clock.advance(Duration.ofMinutes(9));
        tickets.redeem("acme", t.value());
        assertThatThrownBy(() -> tickets.redeem("acme", t.value())).isInstanceOf(ConnectLinkRefusedException.class)
                .hasMessage("This sign-in link was already used; a link works once. Run 'beaconctl login acme' for "
                        + "a new link.");
        // one row, by the nonce's hash (never the ticket), kept an hour past the ticket's ten minutes
        assertThat(PG.queryValue("SELECT count(*) FROM connect_ticket_use")).isEqualTo(1L);
        assertThat(PG.queryValue("SELECT length(nonce_hash) FROM connect_ticket_use")).isEqualTo(32);
        assertThat(PG.queryValue("SELECT expires_at - used_at BETWEEN interval '60 minutes' AND interval '61 minutes' "
                + "FROM connect_ticket_use")).isEqualTo(true);
    }

    @Test
    void aTicketUsedOnOneReplicaIsUsedOnEveryReplica() {
        ConnectTickets replicaB = new ConnectTickets(vault.derivedKey("connect-ticket"), sql, clock,
                ConnectTickets.DEFAULT_LIFETIME);
        ConnectTickets.Ticket t = tickets.issue("acme");
        tickets.redeem("acme", t.value());
        assertThatThrownBy(() -> replicaB.redeem("acme", t.value())).isInstanceOf(ConnectLinkRefusedException.class)
                .hasMessageContaining("already used");
        // a row past its keep time is purged by the next use; a fresh ticket still works once
        PG.execute("UPDATE connect_ticket_use SET expires_at = now() - interval '1 second'");
        ConnectTickets.Ticket next = replicaB.issue("acme");
        replicaB.redeem("acme", next.value());
        assertThat(PG.queryValue("SELECT count(*) FROM connect_ticket_use")).isEqualTo(1L);
    }

    @Test
    void expiredTamperedForeignOrForeignKeyedTicketsAreRefused() {
        ConnectTickets.Ticket late = tickets.issue("acme");
        ConnectTickets.Ticket other = tickets.issue("globex");
        ConnectTickets.Ticket good = tickets.issue("acme");
        String notValid = "This sign-in link is not valid: it was changed, cut short, or not issued by this Beacon. "
                + "Run 'beaconctl login acme' for a new link.";

        // another integration's name in the payload, MAC kept: tampered
        String[] p = good.value().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8);
        String swapped = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("acme", "evil").getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        for (String bad : new String[] {swapped, good.value().substring(0, good.value().length() - 2),
                good.value() + "x", "v2" + good.value().substring(2), "", "garbage", "v1..", "v1.%%%.%%%"}) {
            assertThatThrownBy(() -> tickets.redeem("acme", bad)).as(bad).hasMessage(notValid);
        }
        assertThatThrownBy(() -> tickets.redeem("acme", null)).hasMessage(notValid);
        // signed with another vault key (another Beacon, or before a key rotation)
        ConnectTickets foreign = new ConnectTickets(SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of())
                .derivedKey("connect-ticket"), sql, clock, ConnectTickets.DEFAULT_LIFETIME);
        assertThatThrownBy(() -> tickets.redeem("acme", foreign.issue("acme").value())).hasMessage(notValid);

        assertThatThrownBy(() -> tickets.redeem("acme", other.value()))
                .hasMessage("This sign-in link was issued for another integration.");
        clock.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> tickets.redeem("acme", late.value()))
                .hasMessage("This sign-in link expired at 2026-11-27T12:10:00Z. Run 'beaconctl login acme' for a "
                        + "new link.");
        // none of the refusals spent the good ticket's nonce... but it expired too
        assertThatThrownBy(() -> tickets.redeem("acme", good.value())).hasMessageContaining("expired");
    }

    @Test
    void theKeyComesFromTheVaultKeyAndDiffersPerPurpose() {
        assertThat(vault.derivedKey("connect-ticket")).hasSize(32).isEqualTo(vault.derivedKey("connect-ticket"))
                .isNotEqualTo(vault.derivedKey("something-else"));
    }
}
