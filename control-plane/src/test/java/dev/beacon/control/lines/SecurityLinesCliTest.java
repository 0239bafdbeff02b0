package dev.beacon.control.lines;

import static dev.beacon.control.sites.ReferenceTopicsProbe.TOMBSTONE;
import static dev.beacon.control.sites.ReferenceTopicsProbe.records;
import static dev.beacon.control.sites.ReferenceTopicsProbe.recordsAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.GraphResourceAccounts.Account;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.sites.ReferenceDataRig;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code beaconctl lines} against the real service (HTTP API, PostgreSQL, Kafka) and the Graph emulator's resource
 * accounts: exact rows and records, enrichment from a synced resource account (paged), republishing only what
 * changed, tombstones, rejected input, and the 403 path (status not-permitted, one WARN, no retry loop).
 */
class SecurityLinesCliTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    static final String TENANT = EntraEndpoints.DEFAULT_TENANT;
    static final String FORBIDDEN_TENANT = "0b0b0b0b-0000-4000-8000-00000000f0f0";
    static final String RA_OBJECT = "CC123456-5678-5678-1234-CCC123456789";
    static final String RA_LINE = "28:orgid:cc123456-5678-5678-1234-ccc123456789";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    static ReferenceDataRig rig;
    static KafkaFixture kafka;
    static MicrosoftEmulator emulator;
    static ControlPlaneService.Running cp;
    static ResourceAccountSync sync;
    static final List<String> ISSUED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        rig = ReferenceDataRig.start(PG, CLOCK);
        kafka = rig.kafka;
        emulator = rig.emulator;
        cp = rig.service;
        // The sync as the leader runs it, with tokens issued by the emulator for the integration's tenant (these
        // integrations never sign in: the test is about Graph's resource accounts, not about sign-in).
        Map<String, String> tenants = Map.of("contoso", TENANT, "tailspin", FORBIDDEN_TENANT);
        ResourceAccountsClient graph = new ResourceAccountsClient(MicrosoftEndpoints.routedTo(emulator.baseUri()),
                id -> {
                    Instant exp = CLOCK.instant().plus(Duration.ofHours(1));
                    String t = emulator.entra().issueAccessToken(new IssuedToken(tenants.get(id), "u-1",
                            "admin@contoso.com", "app-1", false, exp));
                    ISSUED.add(t);
                    return new GraphToken(t, exp, "u-1", "admin@contoso.com");
                }, new RetryPolicy(3, Duration.ofSeconds(1), new Backoff(Duration.ofMillis(1),
                        Duration.ofMillis(2), new Random(1)), d -> { }));
        sync = new ResourceAccountSync(graph, new ResourceAccountStore(cp.database().dataSource()),
                cp.controlPlane().referenceData().lines(), CLOCK, Duration.ofHours(1));
        addIntegration("contoso", TENANT);
        addIntegration("fabrikam", TENANT);
        addIntegration("tailspin", FORBIDDEN_TENANT);
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    @Test
    void linesArePublishedEnrichedFromResourceAccountsAndRemovedWithATombstone() {
        int before = records(kafka, ReferenceTopics.SECURITY_LINES).size();
        Cli phone = Cli.run("lines", "add", "contoso", "+1 (555) 010-0", "--name", "Security desk");
        assertThat(phone.exit).as(phone.err).isZero();
        assertThat(phone.out).isEqualTo("Line 4:+15550100 of contoso stored and published as \"Security desk\".\n");
        Cli account = Cli.run("lines", "add", "contoso", "28:orgid:" + RA_OBJECT);
        assertThat(account.exit).as(account.err).isZero();
        assertThat(account.out).isEqualTo("Line " + RA_LINE + " of contoso stored and published.\n");
        assertThat(rows("SELECT line_id, integration_id, name FROM security_line WHERE integration_id = 'contoso' "
                + "ORDER BY line_id")).containsExactly(row(RA_LINE, "contoso", null),
                row("4:+15550100", "contoso", "Security desk"));
        assertThat(recordsAfter(kafka, ReferenceTopics.SECURITY_LINES, before)).containsExactly(
                "4:+15550100=" + record("4:+15550100", "Security desk", null, "+15550100", null),
                RA_LINE + "=" + record(RA_LINE, null, null, null, null));

        // Graph knows both lines as resource accounts (one by object id, one by its number), three pages of one
        emulator.resourceAccounts().pageSize(1);
        emulator.resourceAccounts().put(TENANT, new Account(RA_OBJECT, "Front desk", "frontdesk@contoso.com",
                "tel:+15550199", "acs-1", "app-ra"));
        emulator.resourceAccounts().put(TENANT, new Account("dd000000-0000-4000-8000-000000000002", "Security hotline",
                "security@contoso.com", "tel:+15550100", "acs-2", "app-ra"));
        emulator.resourceAccounts().put(TENANT, new Account("ee000000-0000-4000-8000-000000000003", "Reception",
                "reception@contoso.com", null, null, "app-ra"));
        long callsBefore = graphCalls();
        assertThat(sync.runIfDue("contoso")).isTrue();
        assertThat(graphCalls() - callsBefore).isEqualTo(3);
        assertThat(rows("SELECT account_id, display_name, user_principal_name, phone_number, acs_resource_id "
                + "FROM resource_account WHERE integration_id = 'contoso' ORDER BY account_id")).containsExactly(
                row("cc123456-5678-5678-1234-ccc123456789", "Front desk", "frontdesk@contoso.com", "+15550199",
                        "acs-1"),
                row("dd000000-0000-4000-8000-000000000002", "Security hotline", "security@contoso.com", "+15550100",
                        "acs-2"),
                row("ee000000-0000-4000-8000-000000000003", "Reception", "reception@contoso.com", null, null));
        assertThat(rows("SELECT status, detail, accounts FROM resource_account_sync WHERE integration_id = "
                + "'contoso'")).containsExactly(row("ok", null, 3));
        assertThat(recordsAfter(kafka, ReferenceTopics.SECURITY_LINES, before + 2)).containsExactly(
                RA_LINE + "=" + record(RA_LINE, "Front desk", "frontdesk@contoso.com", "+15550199", "acs-1"),
                "4:+15550100=" + record("4:+15550100", "Security hotline", "security@contoso.com", "+15550100",
                        "acs-2"));

        // nothing changed in Graph: nothing republished; one name changed: only that line
        sync.run("contoso");
        assertThat(records(kafka, ReferenceTopics.SECURITY_LINES)).hasSize(before + 4);
        emulator.resourceAccounts().put(TENANT, new Account(RA_OBJECT, "Front desk (24/7)", "frontdesk@contoso.com",
                "tel:+15550199", "acs-1", "app-ra"));
        sync.run("contoso");
        assertThat(recordsAfter(kafka, ReferenceTopics.SECURITY_LINES, before + 4)).containsExactly(
                RA_LINE + "=" + record(RA_LINE, "Front desk (24/7)", "frontdesk@contoso.com", "+15550199", "acs-1"));

        Cli list = Cli.run("lines", "list", "--integration", "contoso");
        assertThat(list.exit).as(list.err).isZero();
        assertThat(list.out.lines().toList()).contains(
                "LINE                                           INTEGRATION  NAME           PUBLISHED AS       "
                        + "UPN                    PHONE      ACS RESOURCE  RESOURCE ACCOUNT",
                RA_LINE + "  contoso      -              Front desk (24/7)  frontdesk@contoso.com  +15550199  "
                        + "acs-1         yes",
                "4:+15550100                                    contoso      Security desk  Security hotline   "
                        + "security@contoso.com   +15550100  acs-2         yes");
        assertThat(list.out).containsPattern("contoso +ok +3 +now +now +-");

        Cli remove = Cli.run("lines", "remove", "contoso", "+15550100");
        assertThat(remove.exit).as(remove.err).isZero();
        assertThat(remove.out).isEqualTo("Removed line +15550100 from contoso.\n");
        assertThat(rows("SELECT line_id FROM security_line WHERE integration_id = 'contoso'"))
                .containsExactly(row(RA_LINE));
        assertThat(recordsAfter(kafka, ReferenceTopics.SECURITY_LINES, before + 5))
                .containsExactly("4:+15550100=" + TOMBSTONE);
        Cli again = Cli.run("lines", "remove", "contoso", "+15550100");
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).isEqualTo("error: HTTP 404: integration 'contoso' has no line +15550100\n");
    }

    @Test
    void invalidLinesAreRejectedAndChangeNothing() {
        Cli.run("lines", "add", "contoso", "+15550111", "--name", "Lobby");
        int before = records(kafka, ReferenceTopics.SECURITY_LINES).size();
        List<List<Object>> rowsBefore = rows("SELECT line_id, integration_id, name FROM security_line ORDER BY 1");
        String lineRule = "error: HTTP 400: a line is a phone number in E.164 form (+15550100: '+', country code, "
                + "at most 15 digits) or a Teams resource account id (28:orgid:<object id GUID>)\n";
        assertThat(Cli.run("lines", "add", "contoso", "5550100").err).isEqualTo(lineRule);
        assertThat(Cli.run("lines", "add", "contoso", "+1234567890123456").err).isEqualTo(lineRule);
        assertThat(Cli.run("lines", "add", "contoso", "28:orgid:not-a-guid").err).isEqualTo(lineRule);
        assertThat(Cli.run("lines", "add", "contoso", "8:acs:abc").err).isEqualTo(lineRule);
        assertThat(Cli.run("lines", "add", "nobody", "+15550100").err)
                .isEqualTo("error: HTTP 404: no integration 'nobody'\n");
        assertThat(Cli.run("lines", "add", "contoso", "+15550112", "--name", "N".repeat(201)).err)
                .isEqualTo("error: HTTP 400: name is longer than 200 characters\n");
        assertThat(Cli.run("lines", "add", "fabrikam", "+15550111", "--name", "Taken").err)
                .isEqualTo("error: HTTP 400: line 4:+15550111 belongs to integration 'contoso'; remove it there "
                        + "first\n");
        assertThat(rows("SELECT line_id, integration_id, name FROM security_line ORDER BY 1")).isEqualTo(rowsBefore);
        assertThat(records(kafka, ReferenceTopics.SECURITY_LINES)).hasSize(before);
    }

    @Test
    void aForbiddenSyncSaysNotPermittedOnceAndWaitsForTheNextInterval() {
        Cli add = Cli.run("lines", "add", "tailspin", "+4930555000", "--name", "Gate");
        assertThat(add.exit).as(add.err).isZero();
        int before = records(kafka, ReferenceTopics.SECURITY_LINES).size();
        emulator.resourceAccounts().forbid(FORBIDDEN_TENANT, true);
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            long callsBefore = graphCalls();
            assertThat(sync.runIfDue("tailspin")).isTrue();
            assertThat(graphCalls() - callsBefore).as("403 is not retried").isEqualTo(1);
            assertThat(rows("SELECT status, detail, accounts, last_success_at FROM resource_account_sync "
                    + "WHERE integration_id = 'tailspin'")).containsExactly(row("not-permitted",
                    "Graph answered 403: grant the app the delegated permission TeamsResourceAccount.Read.All "
                            + "(admin consent); the signed-in account needs a Teams administrator role", 0, null));

            assertThat(sync.runIfDue("tailspin")).as("not due before the interval").isFalse();
            CLOCK.advance(Duration.ofMinutes(61));
            assertThat(sync.runIfDue("tailspin")).isTrue();
            assertThat(graphCalls() - callsBefore).isEqualTo(2);
            // (other components, e.g. Kafka clients of the same process, may warn meanwhile: only this sync's lines)
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN " + ResourceAccountSync.class.getName()))
                    .toList()).containsExactly(
                    "WARN " + ResourceAccountSync.class.getName() + " - integration tailspin: resource accounts not "
                            + "synced: Graph answered 403: grant the app the delegated permission "
                            + "TeamsResourceAccount.Read.All (admin consent); the signed-in account needs a Teams "
                            + "administrator role; security lines keep what ops named them until then");
            assertThat(ISSUED).isNotEmpty().allSatisfy(token -> assertThat(logs.text()).doesNotContain(token));
        }
        assertThat(records(kafka, ReferenceTopics.SECURITY_LINES)).hasSize(before);

        emulator.resourceAccounts().forbid(FORBIDDEN_TENANT, false);
        CLOCK.advance(Duration.ofMinutes(61));
        assertThat(sync.runIfDue("tailspin")).isTrue();
        assertThat(rows("SELECT status, accounts FROM resource_account_sync WHERE integration_id = 'tailspin'"))
                .containsExactly(row("ok", 0));
        assertThat(records(kafka, ReferenceTopics.SECURITY_LINES)).hasSize(before);
    }

    @Test
    void theLeaderRoundSyncsWithTheIntegrationsOwnToken() throws Exception {
        // an app-only integration: the leader gets its token with the client secret; Graph's resource accounts
        // take delegated tokens only, so the real round ends in not-permitted, once per interval
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("client-secret", ".txt");
        java.nio.file.Files.writeString(secret, "app-secret-for-lines");
        emulator.entra().registerClientSecret("c0ffee00-0000-4000-8000-0000000000aa", "app-secret-for-lines");
        Cli add = Cli.run("integrations", "add", "--id", "appco", "--tenant", TENANT, "--client-id",
                "c0ffee00-0000-4000-8000-0000000000aa", "--auth-mode", "client-credentials", "--client-secret-file",
                secret.toString());
        assertThat(add.exit).as(add.err).isZero();
        java.nio.file.Files.delete(secret);
        assertThat(Cli.run("lines", "add", "appco", "+4420555000").exit).isZero();
        long callsBefore = graphCalls();
        cp.controlPlane().tick();
        assertThat(graphCalls() - callsBefore).isEqualTo(1);
        assertThat(rows("SELECT status FROM resource_account_sync WHERE integration_id = 'appco'"))
                .containsExactly(row("not-permitted"));
        cp.controlPlane().tick();
        assertThat(graphCalls() - callsBefore).as("next attempt after the interval only").isEqualTo(1);
    }

    @Test
    void removingAnIntegrationRemovesItsLinesWithTombstones() {
        addIntegration("gone", TENANT);
        assertThat(Cli.run("lines", "add", "gone", "+3120555000", "--name", "Old desk").exit).isZero();
        int before = records(kafka, ReferenceTopics.SECURITY_LINES).size();
        Cli remove = Cli.run("integrations", "remove", "gone");
        assertThat(remove.exit).as(remove.err).isZero();
        assertThat(rows("SELECT line_id FROM security_line WHERE integration_id = 'gone'")).isEmpty();
        assertThat(recordsAfter(kafka, ReferenceTopics.SECURITY_LINES, before))
                .containsExactly("4:+3120555000=" + TOMBSTONE);
    }

    private static long graphCalls() {
        return emulator.countCalls("GET", "/beta/admin/teams/resourceAccounts");
    }

    private static String record(String lineId, String name, String upn, String phone, String acs) {
        return "{\"line_id\":\"" + lineId + "\",\"integration_id\":\"contoso\",\"tenant_id\":\"" + TENANT + "\","
                + "\"display_name\":" + json(name) + ",\"user_principal_name\":" + json(upn) + ",\"phone_number\":"
                + json(phone) + ",\"acs_resource_id\":" + json(acs) + "}";
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    private static void addIntegration(String id, String tenant) {
        Cli add = Cli.run("integrations", "add", "--id", id, "--tenant", tenant, "--client-id",
                "c0ffee00-0000-4000-8000-000000000001", "--auth-mode", "device-code");
        assertThat(add.exit).as(add.err).isZero();
    }

    static List<List<Object>> rows(String sql) {
        return rig.rows(sql);
    }

    static List<Object> row(Object... values) {
        return ReferenceDataRig.row(values);
    }

    /** One beaconctl invocation in-process, with its output. */
    record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            ReferenceDataRig.Cli c = rig.cli(args);
            return new Cli(c.exit(), c.out(), c.err());
        }
    }
}
