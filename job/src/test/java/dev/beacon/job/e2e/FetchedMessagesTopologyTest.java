package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.BeaconSinks;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.job.triage.HydrationRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology ({@link BeaconJob#defineWorkflow}) on the MiniCluster, over Graph's notifications mixed with
 * the control plane's fetched messages, records in one ordered partition: a call whose Graph notification never
 * came and only backfill found, a call Graph delivered and backfill found again, and a basic notification followed
 * by its hydration. Each call is exactly one fact; each record has exactly one audit row.
 */
class FetchedMessagesTopologyTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final String CLIENT_STATE = "topology-client-state-" + System.nanoTime();
    private static final String SUBSCRIPTION = "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99";
    private static final String TENANT = ChatMessages.TENANT_ID;
    private static final String TOPIC = "teams-events";
    private static final long BASE = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();

    private static final String RECOVERED_CALLER = "aaaaaaaa-1111-4222-8333-444444444444";
    private static final String DELIVERED_CALLER = "bbbbbbbb-1111-4222-8333-444444444444";
    private static final String HYDRATED_CALLER = "cccccccc-1111-4222-8333-444444444444";

    @TempDir
    static Path dir;

    static String run;
    static List<EmergencyCallFact> facts;
    static List<AuditRecord> audit;
    static List<DeadLetter> deadLetters;
    static List<HydrationRequest> hydration;

    @BeforeAll
    static void runTheJob() throws Exception {
        TestKeys keys = TestKeys.generate("topology-certificate");
        byte[] signingKey = FetchedMessages.newKey();
        Configuration conf = new Configuration();
        char[] password = "topology-password".toCharArray();
        conf.set(BeaconOptions.KEYSTORE_PATH, TestKeys.writePkcs12(dir.resolve("keys.p12"), password, keys).toString());
        conf.set(BeaconOptions.KEYSTORE_PASSWORD_FILE,
                Files.writeString(dir.resolve("password"), new String(password)).toString());
        conf.set(BeaconOptions.CLIENT_STATE_FILE, Files.writeString(dir.resolve("client-state"), CLIENT_STATE)
                .toString());
        conf.set(BeaconOptions.FETCH_SIGNING_KEY_FILE, Files.writeString(dir.resolve("fetch-signing-keys"),
                FetchedMessages.base64(signingKey) + "\n").toString());

        ObjectNode recovered = message("19:desk-recovered@thread.v2", "1763802000001", RECOVERED_CALLER,
                "2026-11-22T09:00:00.000Z");
        ObjectNode delivered = message("19:desk-delivered@thread.v2", "1763802000002", DELIVERED_CALLER,
                "2026-11-22T09:10:00.000Z");
        ObjectNode hydrated = message("19:desk-hydrated@thread.v2", "1763802000003", HYDRATED_CALLER,
                "2026-11-22T09:20:00.000Z");
        List<byte[]> values = List.of(
                // 0: Graph never delivered this call; the backfill found it.
                FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT, null, recovered, keys,
                        signingKey)),
                // 1, 2: Graph delivered this one; the backfill found it again.
                utf8(GraphPayloads.collection(GraphPayloads.chatMessageItem(SUBSCRIPTION, "created", CLIENT_STATE,
                        TENANT, chat(delivered), id(delivered),
                        GraphEncryption.encrypt(bytes(delivered), keys, keys.certificateId())))),
                FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT, null, delivered, keys,
                        signingKey)),
                // 3, 4: Graph sent a basic notification; the control plane hydrated it.
                utf8(GraphPayloads.collection(GraphPayloads.chatMessageItem(SUBSCRIPTION, "created", CLIENT_STATE,
                        TENANT, chat(hydrated), id(hydrated), null))),
                FetchedMessages.value(FetchedMessages.signed(Origin.HYDRATION, TENANT, SUBSCRIPTION, hydrated,
                        keys, signingKey)));
        List<RawRecord> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new RawRecord(TOPIC, 0, i, BASE + i * 1_000L, null, new String[0], values.get(i)));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1); // one partition, in order: Graph's delivery reaches the deduplicator first
        run = CollectingSink.newRun();
        BeaconJob.defineWorkflow(env.fromData(records, TypeInformation.of(RawRecord.class)), new BeaconSinks()
                .facts(CollectingSink.to(run, "facts"))
                .audit(CollectingSink.to(run, "audit"))
                .deadLetters(CollectingSink.to(run, "dead-letters"))
                .needsHydration(CollectingSink.to(run, "hydration")), conf);
        env.execute("fetched-messages-topology");
        facts = CollectingSink.collected(run, "facts");
        audit = CollectingSink.collected(run, "audit");
        deadLetters = CollectingSink.collected(run, "dead-letters");
        hydration = CollectingSink.collected(run, "hydration");
    }

    @AfterAll
    static void forget() {
        if (run != null) {
            CollectingSink.clear(run);
        }
    }

    @Test
    void eachCallIsExactlyOneFact() {
        assertThat(facts).as("published records, one revision per call").hasSize(3);
        assertThat(new LiveFacts().applyAll(facts).facts())
                .extracting(f -> f.factId + " " + f.callerUserId + " " + f.notificationCount + " " + f.sources)
                .containsExactlyInAnyOrder(
                        fact(RECOVERED_CALLER, "2026-11-22T09:00:00Z") + " " + RECOVERED_CALLER + " 1 [fetched:backfill]",
                        fact(DELIVERED_CALLER, "2026-11-22T09:10:00Z") + " " + DELIVERED_CALLER + " 1 [graph:"
                                + SUBSCRIPTION + "]",
                        fact(HYDRATED_CALLER, "2026-11-22T09:20:00Z") + " " + HYDRATED_CALLER + " 1 [fetched:"
                                + SUBSCRIPTION + "]");
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void eachRecordHasExactlyOneAuditRowWithItsOutcome() {
        assertThat(audit.stream().sorted(Comparator.comparingLong(a -> a.source().offset())))
                .extracting(a -> a.source().offset() + "#" + a.source().itemIndex() + " " + a.outcome().label()
                        + (a.reason() == null ? "" : " (" + a.reason() + ")"))
                .containsExactly(
                        "0#0 recovered (emitted)",
                        "1#0 emitted",
                        "2#0 duplicate",
                        "3#0 needs-hydration (no resource data)",
                        "4#0 emitted");
        assertThat(audit.stream().filter(a -> a.source().offset() == 0).findFirst().orElseThrow().factId())
                .isEqualTo(fact(RECOVERED_CALLER, "2026-11-22T09:00:00Z"));
        assertThat(hydration).extracting(HydrationRequest::messageId).containsExactly("1763802000003");
    }

    private static ObjectNode message(String chatId, String id, String caller, String created) {
        ObjectNode m = ChatMessages.emergency().id(id).chatId(chatId).times(created).node();
        ChatMessages.fromUser(m, caller, "Caller " + caller.substring(0, 8), TENANT);
        return m;
    }

    private static String fact(String caller, String created) {
        return FactIds.factId(TENANT, caller, Instant.parse(created).toEpochMilli());
    }

    private static String chat(ObjectNode m) {
        return m.path("chatId").asText();
    }

    private static String id(ObjectNode m) {
        return m.path("id").asText();
    }

    private static byte[] bytes(ObjectNode m) {
        return FetchedMessages.bytes(m);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
