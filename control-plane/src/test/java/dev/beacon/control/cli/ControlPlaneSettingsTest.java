package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Settings from the environment, and {@code beaconctl db migrate} which uses only the JDBC ones. */
class ControlPlaneSettingsTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path dir;

    @Test
    void defaults() {
        ControlPlaneSettings s = ControlPlaneSettings.fromEnv(Map.of());
        assertThat(s.httpHost()).isEqualTo("127.0.0.1");
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.publicUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(s.lifecycleTopic()).isEqualTo("graph-lifecycle");
        assertThat(s.lifecycleDeadLetterTopic()).isEqualTo("graph-lifecycle-dead-letters");
        assertThat(ControlPlaneSettings.fromEnv(Map.of("BEACON_LIFECYCLE_DEAD_LETTER_TOPIC", "lc-dlq"))
                .lifecycleDeadLetterTopic()).isEqualTo("lc-dlq");
        assertThat(s.consumerGroup()).isEqualTo("beacon-control-plane");
        assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.reconcileInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.tokenRefreshMargin()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.kafkaBootstrap()).isNull();
        assertThat(s.lifecycleConsumerEnabled()).isFalse();
        assertThat(s.replicaId()).matches(".+-[0-9a-f]{6}");
        assertThat(s.warnings()).isEmpty();
        assertThat(s.callbackUri("contoso"))
                .isEqualTo(URI.create("http://127.0.0.1:8080/api/org/contoso/ms-teams/callback"));
    }

    @Test
    void secretsFromFilesAndNeverDescribed() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "db-Pa55word\n");
        Path token = Files.writeString(dir.resolve("token"), "admin-token-0123456789\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "BEACON_JDBC_URL", "jdbc:postgresql://db:5432/beacon?password=inline-secret",
                "BEACON_JDBC_USER", "beacon",
                "BEACON_JDBC_PASSWORD_FILE", pw.toString(),
                "BEACON_ADMIN_TOKEN_FILE", token.toString(),
                "BEACON_VAULT_KEY", "vault-key-material",
                "BEACON_HTTP_PORT", "9090",
                "BEACON_LEASE_DURATION", "45s",
                "BEACON_RECONCILE_INTERVAL", "PT20S",
                "BEACON_MICROSOFT_ROUTE", "http://127.0.0.1:4000",
                "BEACON_KAFKA_BOOTSTRAP", "kafka:9092"));
        ControlPlaneSettings s = ControlPlaneSettings.fromEnv(env).validateForService();
        assertThat(s.jdbcPassword()).isEqualTo("db-Pa55word");
        assertThat(s.adminToken()).isEqualTo("admin-token-0123456789");
        assertThat(s.httpPort()).isEqualTo(9090);
        assertThat(s.publicUrl()).isEqualTo(URI.create("http://127.0.0.1:9090"));
        assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.reconcileInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(ControlPlaneSettings.secret(s.env(), "BEACON_VAULT_KEY")).contains("vault-key-material");
        assertThat(s.warnings()).containsExactly("BEACON_MICROSOFT_ROUTE is set: all Microsoft calls go to "
                + "http://127.0.0.1:4000");
        for (String text : new String[] {s.describe(), s.toString()}) {
            assertThat(text).doesNotContain("db-Pa55word").doesNotContain("admin-token-0123456789")
                    .doesNotContain("vault-key-material").doesNotContain("inline-secret");
        }
        assertThat(s.describe()).contains("jdbc password:         (set)", "vault key:             (set)",
                "password=***");
    }

    @Test
    void invalidSettingsAreNamedWithoutValuesOfSecrets() {
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_HTTP_PORT", "eighty")))
                .hasMessage("BEACON_HTTP_PORT must be a number, got 'eighty'");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_ADMIN_TOKEN", "a-secret-token",
                "BEACON_ADMIN_TOKEN_FILE", "/x"))).hasMessage("set BEACON_ADMIN_TOKEN or BEACON_ADMIN_TOKEN_FILE, not both");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_JDBC_PASSWORD_FILE", "/no/such/file")))
                .hasMessage("BEACON_JDBC_PASSWORD_FILE: no such file /no/such/file");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_LEASE_DURATION", "soon")))
                .hasMessageStartingWith("BEACON_LEASE_DURATION: not a duration");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_PUBLIC_URL", "ftp://x")))
                .hasMessageStartingWith("BEACON_PUBLIC_URL must be an http(s) URL");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of()).validateForService())
                .hasMessageContaining("BEACON_JDBC_URL is not set")
                .hasMessageContaining("BEACON_ADMIN_TOKEN or BEACON_ADMIN_TOKEN_FILE is not set");
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(Map.of("BEACON_JDBC_URL", "jdbc:postgresql://x/b",
                "BEACON_JDBC_USER", "u", "BEACON_JDBC_PASSWORD", "p", "BEACON_ADMIN_AUTH", "disabled",
                "BEACON_RECONCILE_INTERVAL", "20s")).validateForService())
                .hasMessageContaining("must be at most half of BEACON_LEASE_DURATION");
    }

    @Test
    void hydrationRunsWithKafkaOnTheJobsTopicsAtFifteenGetsPerSecondUnlessSetOtherwise() {
        ControlPlaneSettings none = ControlPlaneSettings.fromEnv(Map.of());
        assertThat(none.hydrationEnabled()).isFalse();
        ControlPlaneSettings s = ControlPlaneSettings.fromEnv(Map.of("BEACON_KAFKA_BOOTSTRAP", "k:9092"));
        assertThat(s.hydrationEnabled()).isTrue();
        assertThat(s.hydrationTopic()).isEqualTo("graph-needs-hydration");
        assertThat(s.hydrationDeadLetterTopic()).isEqualTo("graph-hydration-dead-letters");
        assertThat(s.hydrationGroup()).isEqualTo("beacon-hydration");
        assertThat(s.hydrationRate()).isEqualTo(15.0);
        assertThat(s.eventsTopic()).isEqualTo("teams-events");
        assertThat(s.describe()).contains("hydration:             graph-needs-hydration -> teams-events "
                + "(group beacon-hydration, dead letters graph-hydration-dead-letters, 15.0 GET/s per tenant, 8 in "
                + "flight)");
        assertThat(s.hydrationConcurrency()).isEqualTo(8);

        ControlPlaneSettings custom = ControlPlaneSettings.fromEnv(Map.of("BEACON_KAFKA_BOOTSTRAP", "k:9092",
                "BEACON_HYDRATION_TOPIC", "hyd", "BEACON_HYDRATION_DEAD_LETTER_TOPIC", "hyd-dl",
                "BEACON_HYDRATION_GROUP", "g", "BEACON_HYDRATION_RATE", "7.5", "BEACON_INGRESS_TOPIC", "events",
                "BEACON_HYDRATION_CONCURRENCY", "3"));
        assertThat(List.of(custom.hydrationTopic(), custom.hydrationDeadLetterTopic(), custom.hydrationGroup(),
                custom.eventsTopic())).containsExactly("hyd", "hyd-dl", "g", "events");
        assertThat(custom.hydrationRate()).isEqualTo(7.5);
        assertThat(custom.hydrationConcurrency()).isEqualTo(3);
        assertThat(ControlPlaneSettings.fromEnv(Map.of("BEACON_KAFKA_BOOTSTRAP", "k:9092", "BEACON_HYDRATION",
                "off")).hydrationEnabled()).isFalse();

        ControlPlaneSettings bad = ControlPlaneSettings.fromEnv(Map.of("BEACON_JDBC_URL", "jdbc:postgresql://x/b",
                "BEACON_JDBC_USER", "u", "BEACON_JDBC_PASSWORD", "p", "BEACON_ADMIN_TOKEN", "admin-token-0123456789",
                "BEACON_HYDRATION_RATE", "-3"));
        assertThatThrownBy(bad::validateForService).hasMessageContaining(
                "BEACON_HYDRATION_RATE must be a positive number of requests per second, got '-3'");
        for (String value : List.of("0", "65", "eight", "2.5")) {
            ControlPlaneSettings badConcurrency = ControlPlaneSettings.fromEnv(Map.of("BEACON_JDBC_URL",
                    "jdbc:postgresql://x/b", "BEACON_JDBC_USER", "u", "BEACON_JDBC_PASSWORD", "p",
                    "BEACON_ADMIN_TOKEN", "admin-token-0123456789", "BEACON_HYDRATION_CONCURRENCY", value));
            assertThatThrownBy(badConcurrency::validateForService).hasMessageContaining(
                    "BEACON_HYDRATION_CONCURRENCY must be a whole number from 1 to 64 (requests in flight), got '"
                            + value + "'");
        }
    }

    @Test
    void disabledAdminAuthIsAllowedButWarnedAbout() {
        ControlPlaneSettings s = ControlPlaneSettings.fromEnv(Map.of("BEACON_JDBC_URL", "jdbc:postgresql://x/b",
                "BEACON_JDBC_USER", "u", "BEACON_JDBC_PASSWORD", "p", "BEACON_ADMIN_AUTH", "disabled"))
                .validateForService();
        assertThat(s.adminAuthDisabled()).isTrue();
        assertThat(s.warnings()).singleElement().asString().startsWith("BEACON_ADMIN_AUTH=disabled: the admin API "
                + "is OPEN");
    }

    @Test
    void dbMigrateUsesTheJdbcSettingsOnly() {
        Map<String, String> env = Map.of("BEACON_JDBC_URL", PG.jdbcUrl(), "BEACON_JDBC_USER", PG.user(),
                "BEACON_JDBC_PASSWORD_FILE", PG.writePasswordFile(dir).toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, Clock.systemUTC()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute("db", "migrate");
        assertThat(err.toString()).isEmpty();
        assertThat(exit).isZero();
        // The fixture already migrated: nothing left to apply, and the schema is intact.
        assertThat(out.toString()).isEqualTo("Applied 0 migration(s).\n");
        assertThat(PG.queryValue("SELECT count(*) FROM integration_lease")).isEqualTo(0L);

        exit = BeaconCtl.commandLine(Map.of(), Clock.systemUTC()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute("db", "migrate");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("set BEACON_JDBC_URL, BEACON_JDBC_USER and BEACON_JDBC_PASSWORD");
    }

    @Test
    void ingressPublicUrlIsHttpsExceptToLocalhost() {
        assertThat(ControlPlaneSettings.fromEnv(Map.of()).ingressPublicUrl()).isEmpty();
        assertThat(ControlPlaneSettings.fromEnv(Map.of("BEACON_INGRESS_PUBLIC_URL", "https://hooks.example.com/b/"))
                .ingressPublicUrl()).hasValue(URI.create("https://hooks.example.com/b/"));
        assertThat(ControlPlaneSettings.fromEnv(Map.of("BEACON_INGRESS_PUBLIC_URL", "http://localhost:8088"))
                .ingressPublicUrl()).hasValue(URI.create("http://localhost:8088"));
        Map<String, String> env = new HashMap<>(Map.of("BEACON_JDBC_URL", "jdbc:postgresql://db/beacon",
                "BEACON_JDBC_USER", "beacon", "BEACON_JDBC_PASSWORD", "pw", "BEACON_ADMIN_AUTH", "disabled",
                "BEACON_INGRESS_PUBLIC_URL", "http://hooks.example.com"));
        assertThatThrownBy(() -> ControlPlaneSettings.fromEnv(env).validateForService())
                .hasMessageContaining("BEACON_INGRESS_PUBLIC_URL").hasMessageContaining("https");
    }
}
