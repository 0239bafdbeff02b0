package dev.beacon.control.directory;

import static dev.beacon.control.subscriptions.SubscriptionRig.APP;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.DirectoryUserRecord;
import dev.beacon.control.directory.DirectoryRig.Rec;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory sync against real PostgreSQL, Kafka (a compacted topic) and the emulator's {@code /users/delta}:
 * exact records and tombstones on the topic, the delta link moving only after Kafka acknowledged, and what each
 * failure leaves behind.
 */
class DirectorySyncTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String ADA = "6F1C2A3B-0000-4000-8000-00000000000A";
    static final String BOB = "6f1c2a3b-0000-4000-8000-00000000000b";
    static final String CY = "6f1c2a3b-0000-4000-8000-00000000000c";

    @TempDir
    Path exportDir;
    DirectoryRig d;
    Instant t0;

    @BeforeEach
    void setUp() {
        d = new DirectoryRig(PG, KAFKA.get(), exportDir);
        t0 = d.rig.clock.instant();
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    static String key(String userId) {
        return "contoso.com|" + userId.toLowerCase();
    }

    static String json(String id, String name, String upn, String department, String phones) {
        return "{\"tenant_id\":\"contoso.com\",\"user_id\":\"" + id + "\",\"display_name\":\"" + name + "\","
                + "\"user_principal_name\":\"" + upn + "\",\"department\":\"" + department + "\",\"job_title\":"
                + "\"Engineer\",\"office_location\":\"Building 7\",\"business_phones\":" + phones + ","
                + "\"mobile_phone\":null}";
    }

    @Test
    void fullSyncPagesThroughGraphAndPublishesExactlyTheSelectedFields() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security", "+1 555 0100", "+1 555 0101");
        d.user(BOB, "Bob Ross", "Facilities");
        d.user(CY, "Cy Young", "Security", "+1 555 0102");
        d.rig.emulator.directory().pageSize(2);

        DirectorySyncResult r = d.sync.run(INTEGRATION);

        assertThat(r).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, true, 3, 2));
        assertThat(d.records()).containsExactly(
                new Rec(key(ADA), json(ADA, "Ada Lovelace", "ada.lovelace@contoso.com", "Security",
                        "[\"+1 555 0100\",\"+1 555 0101\"]")),
                new Rec(key(BOB), json(BOB, "Bob Ross", "bob.ross@contoso.com", "Facilities", "[]")),
                new Rec(key(CY), json(CY, "Cy Young", "cy.young@contoso.com", "Security", "[\"+1 555 0102\"]")));
        // What the job reads back is the contract record (the unselected mail never travels).
        assertThat(DirectoryUserRecord.fromJson(DirectoryRig.JSON.readTree(d.records().get(0).value())).key())
                .isEqualTo(key(ADA));
        assertThat(d.deltaCalls()).isEqualTo(2);
        assertThat(d.rig.emulator.calls()).first().asString()
                .isEqualTo("GET /v1.0/users/delta");
        assertThat(d.pacerWaits).containsExactly(Duration.ofMillis(200)); // 5/s, clock standing still

        DirectorySyncState s = d.store.get(INTEGRATION);
        assertThat(s.deltaPath()).isEqualTo("/users/delta?$deltatoken=0.3");
        assertThat(s).isEqualTo(new DirectorySyncState(INTEGRATION, s.deltaPath(), t0, 3, "ok", null, t0, 0, null,
                null));
        assertThat(d.counters.of(INTEGRATION).published()).isEqualTo(3);
        assertThat(d.counters.of(INTEGRATION).lastSuccess()).isEqualTo(t0);
        assertThat(d.sync.due(INTEGRATION)).isFalse();
        d.rig.clock.advance(Duration.ofHours(1));
        assertThat(d.sync.due(INTEGRATION)).isTrue();
    }

    @Test
    void deltaSyncPublishesOnlyChangesAndRemovedUsersAsTombstones() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security");
        d.user(BOB, "Bob Ross", "Facilities");
        d.sync.run(INTEGRATION);
        d.rig.clock.advance(Duration.ofHours(1));
        d.user(BOB, "Bob Ross", "Security Operations"); // moved
        d.rig.emulator.directory().removeUser(DirectoryRig.TENANT, ADA, "deleted");
        d.user(CY, "Cy Young", "Security");

        DirectorySyncResult r = d.sync.runIfDue(INTEGRATION, () -> true).orElseThrow();

        assertThat(r).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, false, 3, 1));
        List<Rec> all = d.records();
        assertThat(all.subList(2, all.size())).containsExactly(
                new Rec(key(ADA), null),
                new Rec(key(BOB), json(BOB, "Bob Ross", "bob.ross@contoso.com", "Security Operations", "[]")),
                new Rec(key(CY), json(CY, "Cy Young", "cy.young@contoso.com", "Security", "[]")));
        assertThat(d.store.get(INTEGRATION).deltaPath()).isEqualTo("/users/delta?$deltatoken=0.5");
        assertThat(d.store.get(INTEGRATION).usersPublished()).isEqualTo(3);

        // Nothing changed: a round that publishes nothing but still moves on.
        d.rig.clock.advance(Duration.ofHours(1));
        assertThat(d.sync.run(INTEGRATION)).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, false,
                0, 1));
        assertThat(d.records()).hasSize(5);
    }

    @Test
    void withoutThePermissionTheStatusSaysSoOnceAndNothingIsPublished() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security");
        d.rig.emulator.directory().denyUserRead(APP);

        try (CapturedLogs logs = CapturedLogs.atDebug()) {
            DirectorySyncResult r = d.sync.run(INTEGRATION);
            assertThat(r.status()).isEqualTo(DirectorySync.NOT_PERMITTED);
            assertThat(d.sync.due(INTEGRATION)).isFalse(); // not an error loop: the next interval
            d.rig.clock.advance(Duration.ofHours(1));
            assertThat(d.sync.due(INTEGRATION)).isTrue();
            assertThat(d.sync.run(INTEGRATION).status()).isEqualTo(DirectorySync.NOT_PERMITTED);
            List<String> warnings = logs.lines().stream()
                    .filter(l -> l.startsWith("WARN") && l.contains("DirectorySync")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("User.Read.All").contains(INTEGRATION);
        }
        assertThat(d.deltaCalls()).isEqualTo(2); // a 403 is not retried inline
        assertThat(d.records()).isEmpty();
        DirectorySyncState s = d.store.get(INTEGRATION);
        assertThat(s.status()).isEqualTo("not-permitted");
        assertThat(s.detail()).isEqualTo(DirectorySync.PERMISSION_HINT);
        assertThat(s.deltaPath()).isNull();
        assertThat(s.nextAttemptAt()).isEqualTo(d.rig.clock.instant().plus(Duration.ofHours(1)));
        assertThat(d.sync.views()).extracting(DirectorySyncView::status).containsExactly("not-permitted");

        d.rig.emulator.directory().allowUserRead(APP); // an admin consented
        d.sync.request(INTEGRATION);
        assertThat(d.sync.runIfDue(INTEGRATION, () -> true).orElseThrow().status()).isEqualTo(DirectorySync.OK);
        assertThat(d.records()).extracting(Rec::key).containsExactly(key(ADA));
        assertThat(d.store.get(INTEGRATION).requestedAt()).isNull();
        assertThat(d.store.get(INTEGRATION).consecutiveFailures()).isZero();
    }

    @Test
    void kafkaDownKeepsTheDeltaLinkAndTheNextSyncPublishesTheChanges() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security");
        d.sync.run(INTEGRATION);
        String link = d.store.get(INTEGRATION).deltaPath();
        d.user(BOB, "Bob Ross", "Facilities");
        d.rig.clock.advance(Duration.ofHours(1));

        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:1"); // nothing listens
        p.put("max.block.ms", "300");
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer());
             DirectoryPublisher down = new DirectoryPublisher(producer, d.topic, Duration.ofSeconds(1))) {
            DirectorySyncResult r = d.sync(down).run(INTEGRATION);
            assertThat(r.status()).isEqualTo(DirectorySync.PUBLISH_FAILED);
        }
        DirectorySyncState s = d.store.get(INTEGRATION);
        assertThat(s.deltaPath()).isEqualTo(link);
        assertThat(s.status()).isEqualTo("publish-failed");
        assertThat(s.lastSyncedAt()).isEqualTo(t0);
        assertThat(s.nextAttemptAt()).isEqualTo(d.rig.clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(d.counters.of(INTEGRATION).failures()).isEqualTo(1);

        d.rig.clock.advance(Duration.ofMinutes(1));
        DirectorySyncResult again = d.sync.runIfDue(INTEGRATION, () -> true).orElseThrow();
        assertThat(again).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, false, 1, 1));
        assertThat(d.records()).extracting(Rec::key).containsExactly(key(ADA), key(BOB));
    }

    @Test
    void anExpiredDeltaLinkRestartsAFullSyncThatTombstonesUsersGraphNoLongerHas() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security");
        d.user(BOB, "Bob Ross", "Facilities");
        d.sync.run(INTEGRATION);
        d.rig.emulator.directory().expireDeltaTokens(DirectoryRig.TENANT);
        d.rig.emulator.directory().removeUser(DirectoryRig.TENANT, BOB, "deleted"); // a full round will not say
        d.user(CY, "Cy Young", "Security");

        DirectorySyncResult r = d.sync.run(INTEGRATION);

        assertThat(r).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, true, 3, 1));
        List<Rec> all = d.records();
        assertThat(all.subList(2, all.size())).containsExactly(
                new Rec(key(ADA), json(ADA, "Ada Lovelace", "ada.lovelace@contoso.com", "Security", "[]")),
                new Rec(key(CY), json(CY, "Cy Young", "cy.young@contoso.com", "Security", "[]")),
                new Rec(key(BOB), null));
        assertThat(d.store.get(INTEGRATION).deltaPath()).isEqualTo("/users/delta?$deltatoken=1.4");
        assertThat(d.deltaCalls()).isEqualTo(3); // full, the refused link, full again

        // Another tenant's users on the topic are not this integration's to tombstone.
        d.kafka.send(d.topic, null, "fabrikam.com|someone", "{}".getBytes());
        d.rig.emulator.directory().expireDeltaTokens(DirectoryRig.TENANT);
        assertThat(d.sync.run(INTEGRATION).published()).isEqualTo(2); // Ada and Cy again, nobody tombstoned
        assertThat(d.records()).extracting(Rec::key).endsWith("fabrikam.com|someone", key(ADA), key(CY));
        assertThat(d.sync.run(INTEGRATION)).isEqualTo(new DirectorySyncResult(INTEGRATION, DirectorySync.OK, false,
                0, 1)); // the new link holds
    }

    @Test
    void throttlingIsWaitedOutInlineWhenShortAndScheduledWhenLong() throws Exception {
        d.user(ADA, "Ada Lovelace", "Security");
        d.rig.emulator.directory().throttleNext(1, 2);
        assertThat(d.sync.run(INTEGRATION).status()).isEqualTo(DirectorySync.OK);
        assertThat(d.rig.sleeps).containsExactly(Duration.ofSeconds(2)); // the GraphClient's Retry-After wait

        d.user(BOB, "Bob Ross", "Facilities");
        String link = d.store.get(INTEGRATION).deltaPath();
        d.rig.emulator.directory().throttleNext(1, 600);
        DirectorySyncResult r = d.sync.run(INTEGRATION);

        assertThat(r.status()).isEqualTo(DirectorySync.THROTTLED);
        DirectorySyncState s = d.store.get(INTEGRATION);
        assertThat(s.deltaPath()).isEqualTo(link);
        assertThat(s.detail()).isEqualTo("HTTP 429 TooManyRequests");
        assertThat(s.nextAttemptAt()).isEqualTo(d.rig.clock.instant().plus(Duration.ofMinutes(10))); // Retry-After
        assertThat(d.sync.due(INTEGRATION)).isFalse();
        d.rig.clock.advance(Duration.ofMinutes(10));
        assertThat(d.sync.runIfDue(INTEGRATION, () -> true).orElseThrow().published()).isEqualTo(1);
    }

    @Test
    void aMissingTopicFailsTheFullSyncWithoutMovingTheCursor() {
        d.user(ADA, "Ada Lovelace", "Security");
        DirectorySync noTopic = new DirectorySync(d.rig.integrations, d.store,
                new DirectoryDelta(d.rig.graph, new dev.beacon.control.backfill.RequestPacer(5, () -> 0L, x -> { })),
                d.publisher, new DirectoryTopicKeys(d.kafka.bootstrapServers(), "no-such-topic",
                Duration.ofSeconds(5)), d.settings, d.counters, d.rig.clock);

        assertThat(noTopic.run(INTEGRATION).status()).isEqualTo(DirectorySync.FAILED);
        DirectorySyncState s = d.store.get(INTEGRATION);
        assertThat(s.detail()).isEqualTo("topic no-such-topic does not exist: create it with cleanup.policy=compact");
        assertThat(s.deltaPath()).isNull();
        assertThat(s.lastSyncedAt()).isNull();
    }

    @Test
    void opsRequestRunsEvenWithTheScheduleOff() throws Exception {
        DirectorySync unscheduled = new DirectorySync(d.rig.integrations, d.store,
                new DirectoryDelta(d.rig.graph, new dev.beacon.control.backfill.RequestPacer(5, () -> 0L, x -> { })),
                d.publisher, d.topicKeys(), new DirectorySettings(Duration.ZERO, 5, Duration.ofMinutes(1)), d.counters,
                d.rig.clock);
        ObjectNode ada = d.user(ADA, "Ada Lovelace", "Security");
        assertThat(ada.path("id").asText()).isEqualTo(ADA);
        assertThat(unscheduled.due(INTEGRATION)).isFalse();

        DirectorySyncView requested = unscheduled.request(INTEGRATION);
        assertThat(requested.requestedAt()).isEqualTo(t0);
        assertThat(requested.status()).isNull();
        assertThat(unscheduled.runIfDue(INTEGRATION, () -> true).orElseThrow().status())
                .isEqualTo(DirectorySync.OK);
        assertThat(unscheduled.due(INTEGRATION)).isFalse();
        assertThat(unscheduled.view(INTEGRATION)).isEqualTo(new DirectorySyncView(INTEGRATION, "ok", null, t0, 1, t0,
                0, null, null, true));
    }
}
