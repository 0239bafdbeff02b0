package dev.beacon.control.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaconctl integrations add --backfill-user} and {@code integrations set-backfill-users}, and the admin API
 * behind them ({@code PUT /api/integrations/{id}/backfill-users}), against a running control plane on PostgreSQL:
 * exact rows in {@code backfill_user}, clearing, refusal for delegated integrations, 400s naming the field, and the
 * {@code backfill-uncovered} flag in {@code integrations list}.
 */
class BackfillUsersCliTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    static final String CLIENT_ID = "22222222-3333-4444-5555-666666666666";
    static final String CLIENT_SECRET = "app-secret-for-the-emulator";
    static final String HUB = "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso";
    static final String ADMIN = "backfill-users-admin-token-0123456789";
    static final String DESK_OID = "0d0d0d0d-1111-2222-3333-444444444444";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    final HttpClient http = HttpClient.newHttpClient();

    record Run(int exit, String out, String err) {}

    Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, clock).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    List<String> rows() {
        return PG.query("SELECT integration_id, user_ref FROM backfill_user ORDER BY integration_id, user_ref")
                .stream().map(r -> r.get("integration_id") + " " + r.get("user_ref")).toList();
    }

    @Test
    void addSetClearRefuseAndValidate() throws Exception {
        PG.truncateAll();
        Path secret = dir.resolve("secret");
        Files.writeString(secret, CLIENT_SECRET);
        try (MicrosoftEmulator emulator = MicrosoftEmulator.start(clock)) {
            emulator.entra().registerClientSecret(CLIENT_ID, CLIENT_SECRET);
            Map<String, String> env = new HashMap<>();
            env.put("BEACON_JDBC_URL", PG.jdbcUrl());
            env.put("BEACON_JDBC_USER", PG.user());
            env.put("BEACON_JDBC_PASSWORD", PG.password());
            env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
            env.put("BEACON_ADMIN_TOKEN", ADMIN);
            env.put("BEACON_HTTP_PORT", "0");
            env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
            env.put("BEACON_RECONCILE_INTERVAL", "1h");
            env.put("BEACON_LEASE_DURATION", "3h");
            try (ControlPlaneService.Running cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock,
                    SignInSettings.defaults())) {
                Map<String, String> cli = Map.of("BEACON_SERVER", "http://127.0.0.1:" + cp.port(),
                        "BEACON_ADMIN_TOKEN", ADMIN);

                // add with two users (one given twice, differently cased): two rows
                Run added = run(cli, "integrations", "add", "--id", "fabrikam", "--tenant",
                        EntraEndpoints.DEFAULT_TENANT, "--client-id", CLIENT_ID, "--auth-mode", "client-credentials",
                        "--client-secret-file", secret.toString(), "--resource", "/chats/getAllMessages?model=B",
                        "--notification-url", HUB, "--backfill-user", "desk@contoso.com", "--backfill-user",
                        DESK_OID, "--backfill-user", "DESK@contoso.com");
                assertThat(added.exit()).as(added.err()).isZero();
                assertThat(added.out()).doesNotContain("Warning");
                assertThat(rows()).containsExactly("fabrikam " + DESK_OID, "fabrikam desk@contoso.com");
                assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().backfillUsers())
                        .containsExactly(DESK_OID, "desk@contoso.com");
                assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().flags()).isEmpty();

                // set replaces the list
                Run set = run(cli, "integrations", "set-backfill-users", "fabrikam", "night.desk@contoso.com");
                assertThat(set.exit()).as(set.err()).isZero();
                assertThat(set.out()).isEqualTo("Integration fabrikam backfill users: night.desk@contoso.com "
                        + "(listed from the next backfill run).\n");
                assertThat(rows()).containsExactly("fabrikam night.desk@contoso.com");
                Run list = run(cli, "integrations", "list");
                assertThat(list.out()).containsPattern("fabrikam .* - +night\\.desk@contoso\\.com ");

                // none given: cleared, and the tenant-wide subscription is flagged uncovered
                Run clear = run(cli, "integrations", "set-backfill-users", "fabrikam");
                assertThat(clear.exit()).as(clear.err()).isZero();
                assertThat(clear.out()).startsWith("Integration fabrikam has no backfill users.\n")
                        .contains("Warning: fabrikam subscribes to the tenant-wide /chats/getAllMessages")
                        .contains("beaconctl integrations set-backfill-users fabrikam <user>...");
                assertThat(rows()).isEmpty();
                assertThat(cp.controlPlane().integration("fabrikam").orElseThrow().flags())
                        .containsExactly(TenantWideCoverage.FLAG);
                assertThat(run(cli, "integrations", "list").out()).containsPattern("fabrikam .* backfill-uncovered");
                assertThat(run(cli, "status").out()).containsPattern("fabrikam .* backfill-uncovered");

                // delegated integrations are refused, with the reason, at add and at set
                Run delegatedAdd = run(cli, "integrations", "add", "--id", "acme", "--tenant", "contoso.com",
                        "--client-id", CLIENT_ID, "--auth-mode", "device-code", "--notification-url", HUB,
                        "--backfill-user", "desk@contoso.com");
                assertThat(delegatedAdd.exit()).isNotZero();
                assertThat(delegatedAdd.err()).contains("signs in as a user (device-code)")
                        .contains("client-credentials");
                assertThat(cp.controlPlane().integration("acme")).isEmpty();
                Run plainDelegated = run(cli, "integrations", "add", "--id", "acme", "--tenant", "contoso.com",
                        "--client-id", CLIENT_ID, "--auth-mode", "device-code", "--notification-url", HUB);
                assertThat(plainDelegated.exit()).as(plainDelegated.err()).isZero();
                Run delegatedSet = run(cli, "integrations", "set-backfill-users", "acme", "desk@contoso.com");
                assertThat(delegatedSet.exit()).isNotZero();
                assertThat(delegatedSet.err()).contains("signs in as a user (device-code)");
                assertThat(rows()).isEmpty();

                // the API validates before anything is stored: 400 naming the field, never the value
                String base = "http://127.0.0.1:" + cp.port();
                assertThat(put(base + "/api/integrations/fabrikam/backfill-users",
                        "{\"users\":[\"desk@contoso.com\",\"not a user\"]}"))
                        .isEqualTo("400 {\"error\":\"users[1] must be an Entra user object id (GUID) or a user "
                                + "principal name such as desk@contoso.com (at most 256 characters)\"}");
                assertThat(put(base + "/api/integrations/fabrikam/backfill-users", "{\"users\":[\"a/b@contoso.com\"]}"))
                        .startsWith("400 {\"error\":\"users[0] must be");
                assertThat(put(base + "/api/integrations/fabrikam/backfill-users", "{}"))
                        .isEqualTo("400 {\"error\":\"users is required (an empty list removes them all)\"}");
                String tooMany = IntStream.range(0, BackfillUsers.MAX_USERS + 1)
                        .mapToObj(i -> "\"u" + i + "@contoso.com\"").collect(Collectors.joining(","));
                assertThat(put(base + "/api/integrations/fabrikam/backfill-users", "{\"users\":[" + tooMany + "]}"))
                        .isEqualTo("400 {\"error\":\"users: at most 500 entries\"}");
                HttpResponse<String> badAdd = http.send(HttpRequest.newBuilder(URI.create(base + "/api/integrations"))
                        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"tailspin\",\"tenantId\":\"contoso.com\","
                                + "\"clientId\":\"" + CLIENT_ID + "\",\"authMode\":\"client-credentials\","
                                + "\"backfillUsers\":[\"$weird@contoso.com\"]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(badAdd.statusCode()).isEqualTo(400);
                assertThat(badAdd.body()).startsWith("{\"error\":\"backfillUsers[0] must be");
                assertThat(rows()).isEmpty();

                // the API sets (UPN and object id) and returns the integration
                assertThat(put(base + "/api/integrations/fabrikam/backfill-users",
                        "{\"users\":[\"desk@contoso.com\",\"" + DESK_OID + "\"]}"))
                        .startsWith("200 {").contains("\"backfillUsers\":[\"" + DESK_OID + "\",\"desk@contoso.com\"]")
                        .contains("\"flags\":[]");
                assertThat(rows()).containsExactly("fabrikam " + DESK_OID, "fabrikam desk@contoso.com");

                // removing the integration removes its users
                assertThat(run(cli, "integrations", "remove", "fabrikam").exit()).isZero();
                assertThat(rows()).isEmpty();
            }
        }
    }

    private String put(String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
