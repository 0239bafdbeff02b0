package dev.beacon.control.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.testing.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vault's handling of MSAL's cache format, without MSAL: split per account, merge back, overwrite. */
class TokenVaultTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    private final SealedBox box = SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of());
    private final ObjectMapper json = new ObjectMapper();
    private Database db;
    private TokenVault vault;

    @BeforeEach
    void setUp() {
        PG.truncateAll();
        db = Database.open(PG.jdbcUrl(), PG.user(), PG.password(), 2);
        Sql sql = new Sql(db.dataSource());
        new IntegrationStore(sql, box, clock).add("acme", "Acme", "t", "c", AuthMode.DEVICE_CODE, null, null);
        vault = new TokenVault(sql, box, clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void eachAccountGetsItsOwnRowAndTheyMergeBack() throws Exception {
        vault.store("acme", cache(entry("u1", "rt-one", "at-one"), entry("u2", "rt-two", "at-two")));
        assertThat(PG.query("SELECT home_account_id, username FROM token_cache ORDER BY 1"))
                .extracting(r -> r.get("home_account_id") + "/" + r.get("username"))
                .containsExactly("u1/u1@contoso.example", "u2/u2@contoso.example");
        String u1 = box.openString((byte[]) PG.queryValue(
                "SELECT cache_sealed FROM token_cache WHERE home_account_id = 'u1'"), SealPurpose.tokenCache("acme", "u1"));
        assertThat(u1).contains("rt-one").doesNotContain("rt-two").doesNotContain("at-two");

        JsonNode merged = json.readTree(vault.load("acme"));
        assertThat(merged.path("RefreshToken").size()).isEqualTo(2);
        assertThat(merged.path("Account").size()).isEqualTo(2);
        assertThat(merged.path("AppMetadata").size()).isEqualTo(1);
    }

    @Test
    void aNewRefreshTokenOverwritesTheRowAndMovesTheNinetyDayClock() {
        vault.store("acme", cache(entry("u1", "rt-one", "at-one")));
        Instant first = clock.instant();
        clock.advance(Duration.ofDays(3));
        vault.store("acme", cache(entry("u1", "rt-one", "at-one-b"))); // same refresh token: clock unchanged
        assertThat(vault.account("acme", "u1").orElseThrow().refreshedAt()).isEqualTo(first);
        vault.markNeedsInteraction("acme", "u1", "revoked");

        clock.advance(Duration.ofDays(1));
        vault.store("acme", cache(entry("u1", "rt-two", "at-two")));
        TokenVault.StoredAccount a = vault.account("acme", "u1").orElseThrow();
        assertThat(a.refreshedAt()).isEqualTo(clock.instant());
        assertThat(a.needsInteraction()).isFalse(); // a new refresh token means someone signed in again
        assertThat(a.statusDetail()).isNull();
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache")).isEqualTo(1L);
        assertThat(vault.load("acme")).contains("rt-two").doesNotContain("rt-one");
    }

    @Test
    void appOnlyEntriesAreNotStored() {
        vault.store("acme", "{\"AccessToken\":{\"k\":{\"home_account_id\":\"\",\"secret\":\"app-token\"}},"
                + "\"Account\":{},\"RefreshToken\":{},\"IdToken\":{},\"AppMetadata\":{}}");
        assertThat(PG.queryValue("SELECT count(*) FROM token_cache")).isEqualTo(0L);
        assertThat(vault.load("acme")).isNull();
    }

    private record Entry(String home, String rt, String at) {}

    private static Entry entry(String home, String rt, String at) {
        return new Entry(home, rt, at);
    }

    /** A cache in MSAL's serialized shape (only the fields the vault reads, plus secrets). */
    private String cache(Entry... entries) {
        var root = json.createObjectNode();
        var accounts = root.putObject("Account");
        var refresh = root.putObject("RefreshToken");
        var access = root.putObject("AccessToken");
        root.putObject("IdToken");
        root.putObject("AppMetadata").putObject("appmetadata-login.windows.net-c").put("client_id", "c");
        long expiresOn = System.currentTimeMillis() / 1000 + 3600;
        for (Entry e : entries) {
            accounts.putObject(e.home() + "-acc").put("home_account_id", e.home())
                    .put("username", e.home() + "@contoso.example");
            refresh.putObject(e.home() + "-rt").put("home_account_id", e.home()).put("secret", e.rt());
            access.putObject(e.home() + "-at").put("home_account_id", e.home()).put("secret", e.at())
                    .put("expires_on", String.valueOf(expiresOn));
        }
        return root.toString();
    }
}
