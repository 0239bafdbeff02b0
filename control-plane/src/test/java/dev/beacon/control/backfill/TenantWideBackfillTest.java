package dev.beacon.control.backfill;

import static dev.beacon.control.subscriptions.SubscriptionRig.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill of an app-only integration subscribed to the tenant-wide {@code /chats/getAllMessages}, which Graph
 * cannot list: per backfill user ({@code /users/{id | UPN}/chats/getAllMessages}), deduplicated against per-user
 * resources, and never silently skipped without users. Real PostgreSQL, Kafka and the emulator.
 */
class TenantWideBackfillTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String CHAT = "19:desk@thread.v2";
    static final String DESK_OID = "0d0d0d0d-1111-2222-3333-444444444444";
    static final String DESK_UPN = "security.desk@contoso.com";
    static final String GET_ALL = "/v1\\.0/users/[^/]+/chats/getAllMessages";

    @TempDir
    Path exportDir;
    BackfillRig b;
    BackfillUsers users;
    TenantWideCoverage coverage;
    Backfiller backfiller;
    Instant t0;

    @BeforeEach
    void setUp() {
        b = new BackfillRig(PG, KAFKA.get(), exportDir);
        users = new BackfillUsers(b.rig.sql, b.rig.integrations, b.rig.clock);
        coverage = new TenantWideCoverage();
        backfiller = b.backfiller(users, coverage);
        t0 = b.rig.clock.instant();
        ObjectNode desk = BackfillRig.JSON.createObjectNode();
        desk.put("id", DESK_OID);
        desk.put("userPrincipalName", DESK_UPN);
        b.rig.emulator.directory().putUser(BackfillRig.TENANT, desk);
    }

    @AfterEach
    void tearDown() {
        b.close();
    }

    @Test
    void tenantWideIsListedForEachBackfillUserByUpnOrObjectId() throws Exception {
        b.desireAppOnly("/chats/getAllMessages?model=B");
        users.replace(BackfillRig.APP_ONLY, List.of(DESK_UPN));
        b.message(CHAT, "emergency-1", t0.minus(Duration.ofMinutes(3)));

        BackfillResult r = backfiller.run(BackfillRig.APP_ONLY);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(r.published()).isEqualTo(1);
        assertThat(r.requests()).isEqualTo(1);
        assertThat(b.publishedIds()).containsExactly("emergency-1");
        assertThat(b.rig.emulator.calls()).containsExactly(
                "GET /v1.0/users/" + DESK_UPN + "/chats/getAllMessages");
        assertThat(coverage.uncoveredRuns(BackfillRig.APP_ONLY)).isZero();

        // an object id works as well; without ?model= on the resource, none is sent
        b.rig.integrations.removeDesired(BackfillRig.APP_ONLY, "/chats/getAllMessages?model=B");
        b.desireAppOnly("/chats/getAllMessages");
        users.replace(BackfillRig.APP_ONLY, List.of(DESK_OID));
        b.rig.clock.advance(Duration.ofMinutes(5));
        assertThat(backfiller.run(BackfillRig.APP_ONLY).outcome()).isEqualTo(Backfiller.OK);
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + DESK_OID + "/chats/getAllMessages"))
                .isEqualTo(1);
    }

    @Test
    void aUserNamedByAPerUserResourceIsListedOnceAndAnUnknownUpnDoesNotStopTheOthers() throws Exception {
        b.desireAppOnly(BackfillRig.USER_ALL_MESSAGES);
        b.desireAppOnly("/chats/getAllMessages?model=B");
        users.replace(BackfillRig.APP_ONLY, List.of(USER.toUpperCase(), "nobody@contoso.com", DESK_UPN));
        b.message(CHAT, "m1", t0.minus(Duration.ofMinutes(1))); // inside the second run's overlap too

        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            BackfillResult r = backfiller.run(BackfillRig.APP_ONLY);
            BackfillResult again = backfiller.run(BackfillRig.APP_ONLY);

            assertThat(r.outcome()).isEqualTo(Backfiller.OK);
            assertThat(again.outcome()).isEqualTo(Backfiller.OK);
            // per run: the per-user resource's user, the unknown UPN (404) and the desk; the upper-cased USER is
            // the per-user resource's user, not listed twice
            assertThat(r.requests()).isEqualTo(3);
            assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + USER + "/chats/getAllMessages"))
                    .isEqualTo(2);
            assertThat(b.rig.emulator.countCalls("GET", "(?i)/v1\\.0/users/" + USER + "/chats/getAllMessages"))
                    .isEqualTo(2);
            assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/nobody@contoso.com/chats/getAllMessages"))
                    .isEqualTo(2);
            assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + DESK_UPN + "/chats/getAllMessages"))
                    .isEqualTo(2);
            // the message once per run (found three times, published once; the second run re-lists the overlap)
            assertThat(b.publishedIds()).containsExactly("m1", "m1");
            // the stored list is sorted: "aaaa…" (USER), "nobody@…", "security.desk@…": the unknown one is #2 of 3,
            // warned once, without its UPN (personal data)
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("404")).containsExactly(
                    "WARN dev.beacon.control.backfill.Backfiller - integration acme-app: Graph has no user for "
                            + "backfill user #2 of 3 (404); backfilled the others. Check the list: beaconctl "
                            + "integrations list");
            assertThat(logs.text()).doesNotContain("nobody@contoso.com");
        }
    }

    @Test
    void backfillUserWithoutChatReadAllFallsBackToTheUsersChats() throws Exception {
        b.desireAppOnly("/chats/getAllMessages?model=A");
        users.replace(BackfillRig.APP_ONLY, List.of(DESK_OID));
        b.message(CHAT, "x", t0.minus(Duration.ofMinutes(3)));
        b.rig.emulator.inject("GET", GET_ALL, Response.json(403, "{\"error\":{\"code\":\"Forbidden\","
                + "\"message\":\"Missing role permissions on the request.\"}}"), 1);

        BackfillResult r = backfiller.run(BackfillRig.APP_ONLY);

        assertThat(r.outcome()).isEqualTo(Backfiller.OK);
        assertThat(r.requests()).isEqualTo(1 + 1 + 1); // refused getAllMessages, the user's chats, the one chat
        assertThat(b.publishedIds()).containsExactly("x");
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/users/" + DESK_OID + "/chats")).isEqualTo(1);
    }

    @Test
    void withoutBackfillUsersNothingIsListedOneWarnAndEveryRunCounted() throws Exception {
        b.desireAppOnly("/chats/getAllMessages?model=B");
        b.message(CHAT, "lost", t0.minus(Duration.ofMinutes(3)));

        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            for (int run = 0; run < 3; run++) {
                BackfillResult r = backfiller.run(BackfillRig.APP_ONLY);
                assertThat(r.outcome()).isEqualTo(Backfiller.OK);
                assertThat(r.requests()).isZero();
                b.rig.clock.advance(Duration.ofMinutes(5));
            }
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN")).containsExactly(
                    "WARN dev.beacon.control.backfill.Backfiller - integration acme-app: subscribed to the "
                            + "tenant-wide /chats/getAllMessages, which Graph cannot list, and has no backfill users: "
                            + "notifications Graph loses are NOT recovered. Name the security desk: beaconctl "
                            + "integrations set-backfill-users acme-app <user>...");
        }
        assertThat(coverage.uncoveredRuns(BackfillRig.APP_ONLY)).isEqualTo(3);
        assertThat(b.rig.emulator.countCalls("GET", "/v1\\.0/.*")).isZero(); // no Graph list call at all
        assertThat(b.publishedIds()).isEmpty();

        // covered: listed; uncovered again later: warned anew
        users.replace(BackfillRig.APP_ONLY, List.of(DESK_UPN));
        assertThat(backfiller.run(BackfillRig.APP_ONLY).published()).isEqualTo(0); // "lost" is out of the window now
        users.replace(BackfillRig.APP_ONLY, List.of());
        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            backfiller.run(BackfillRig.APP_ONLY);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(1);
        }
        assertThat(coverage.uncoveredRuns(BackfillRig.APP_ONLY)).isEqualTo(4);
    }

    @Test
    void storeKeepsExactRowsAndRefusesDelegatedIntegrationsAndBadReferences() {
        assertThat(users.replace(BackfillRig.APP_ONLY, List.of(DESK_UPN, " " + DESK_OID + " ",
                DESK_UPN.toUpperCase()))).containsExactly(DESK_OID, DESK_UPN);
        assertThat(PG.query("SELECT integration_id, user_ref FROM backfill_user ORDER BY user_ref")).containsExactly(
                java.util.Map.of("integration_id", BackfillRig.APP_ONLY, "user_ref", DESK_OID),
                java.util.Map.of("integration_id", BackfillRig.APP_ONLY, "user_ref", DESK_UPN));
        assertThatThrownBy(() -> users.replace("acme", List.of(DESK_UPN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signs in as a user")
                .hasMessageContaining("Chat.Read.All");
        assertThatThrownBy(() -> users.replace(BackfillRig.APP_ONLY, List.of("not a user")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backfill user #1 must be");
        assertThat(users.list(BackfillRig.APP_ONLY)).containsExactly(DESK_OID, DESK_UPN); // unchanged
        assertThat(users.replace(BackfillRig.APP_ONLY, List.of())).isEmpty();
        assertThat(PG.query("SELECT * FROM backfill_user")).isEmpty();
        // removing the integration removes its users (ON DELETE CASCADE)
        users.replace(BackfillRig.APP_ONLY, List.of(DESK_UPN));
        b.rig.sql.update("DELETE FROM integration WHERE integration_id = ?", BackfillRig.APP_ONLY);
        assertThat(PG.query("SELECT * FROM backfill_user")).isEmpty();
    }
}
