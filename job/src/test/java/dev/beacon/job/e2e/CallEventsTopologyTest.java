package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.BeaconSinks;
import dev.beacon.job.BeaconSources;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.GraphCallEventNotifications;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole topology ({@link BeaconJob#defineWorkflow(BeaconSources, BeaconSinks, Configuration)}) on the
 * MiniCluster: an encrypted Graph chat notification and an encrypted Graph emergency call event notification (it
 * names the caller by UPN only) in one ordered partition, with reference data (the caller's directory entry, a
 * site). Chat first or event first, the event's call starting before or after the chat message: always exactly one
 * fact, under the id of the earliest observation, with the event's structured fields, the chat's location text,
 * the directory's caller fields and both sources; each notification has one audit row.
 */
class CallEventsTopologyTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final String CLIENT_STATE = "call-events-client-state-" + System.nanoTime();
    private static final String CHAT_SUBSCRIPTION = "7d2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a77";
    private static final String EVENT_SUBSCRIPTION = "5a9b2c4d-0000-4000-8000-00000000e911";
    private static final String TENANT = ChatMessages.TENANT_ID;
    private static final String CALLER = "dddddddd-1111-4222-8333-444444444444";
    private static final String UPN = "Dana.Caller@Contoso.example";
    private static final String CHAT = "19:desk-events@thread.v2";
    private static final String MESSAGE = "1763802010001";
    private static final String CREATED = "2026-11-22T09:00:10.000Z";
    private static final long CREATED_MILLIS = Instant.parse(CREATED).toEpochMilli();

    @TempDir
    static Path dir;

    static TestKeys keys;
    static Configuration conf;

    @BeforeAll
    static void configure() throws Exception {
        keys = TestKeys.generate("call-events-certificate");
        conf = new Configuration();
        char[] password = "call-events-password".toCharArray();
        conf.set(BeaconOptions.KEYSTORE_PATH, TestKeys.writePkcs12(dir.resolve("keys.p12"), password, keys).toString());
        conf.set(BeaconOptions.KEYSTORE_PASSWORD_FILE,
                Files.writeString(dir.resolve("password"), new String(password)).toString());
        conf.set(BeaconOptions.CLIENT_STATE_FILE, Files.writeString(dir.resolve("client-state"), CLIENT_STATE)
                .toString());
        conf.set(BeaconOptions.FETCH_SIGNING_KEY_FILE, Files.writeString(dir.resolve("fetch-signing-keys"),
                FetchedMessages.base64(FetchedMessages.newKey()) + "\n").toString());
    }

    /** What one run of the job published. */
    private record Outputs(List<EmergencyCallFact> facts, List<AuditRecord> audit, List<DeadLetter> deadLetters) {}

    private static Outputs run(List<byte[]> values, List<ReferenceUpdate> reference) throws Exception {
        List<RawRecord> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new RawRecord("teams-events", 0, i, CREATED_MILLIS + i, null, new String[0], values.get(i)));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1); // one partition, in order
        String run = CollectingSink.newRun();
        try {
            BeaconJob.defineWorkflow(BeaconSources.of(env.fromData(records, TypeInformation.of(RawRecord.class)))
                    .referenceData(env.fromData(reference, TypeInformation.of(ReferenceUpdate.class))),
                    new BeaconSinks()
                            .facts(CollectingSink.to(run, "facts"))
                            .audit(CollectingSink.to(run, "audit"))
                            .deadLetters(CollectingSink.to(run, "dead-letters")), conf);
            env.execute("call-events-topology");
            return new Outputs(CollectingSink.collected(run, "facts"), CollectingSink.collected(run, "audit"),
                    CollectingSink.collected(run, "dead-letters"));
        } finally {
            CollectingSink.clear(run);
        }
    }

    private static byte[] chatNotification() {
        ObjectNode message = ChatMessages.emergency().id(MESSAGE).chatId(CHAT).times(CREATED).node();
        ChatMessages.fromUser(message, CALLER, "Dana Caller", TENANT);
        return utf8(GraphPayloads.collection(GraphPayloads.chatMessageItem(CHAT_SUBSCRIPTION, "created",
                CLIENT_STATE, TENANT, CHAT, MESSAGE, GraphEncryption.encrypt(FetchedMessages.bytes(message), keys,
                        keys.certificateId()))));
    }

    private static byte[] eventNotification(String eventId, String type, long at) {
        return utf8(GraphPayloads.collection(GraphCallEventNotifications.item(EVENT_SUBSCRIPTION, CLIENT_STATE,
                TENANT, eventId, type, at, UPN, "911", keys)));
    }

    private static ReferenceUpdate directoryEntry() {
        return CallEventSamples.directoryUser(TENANT, CALLER, UPN.toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest(name = "event started {0} s from the chat message, event first: {1}")
    @CsvSource({"-4, true", "-4, false", "3, true", "3, false"})
    void chatAndEventAreExactlyOneFactWithMergedFields(long eventOffsetSeconds, boolean eventFirst) throws Exception {
        long eventAt = CREATED_MILLIS + eventOffsetSeconds * 1_000;
        byte[] chat = chatNotification();
        byte[] event = eventNotification("ev-1", "callStarted", eventAt);
        byte[] ended = eventNotification("ev-1", "callEnded", CREATED_MILLIS + 95_000);
        List<byte[]> values = eventFirst ? List.of(event, chat, ended) : List.of(chat, event, ended);

        Outputs out = run(values, List.of(directoryEntry(), CallEventSamples.site("site-42", TENANT, "building 42")));

        List<EmergencyCallFact> live = new LiveFacts().applyAll(out.facts()).facts();
        assertThat(live).as("published: %s", out.facts()).hasSize(1);
        EmergencyCallFact f = live.get(0);
        long start = Math.min(eventAt, CREATED_MILLIS);
        assertThat(f.factId).isEqualTo(FactIds.factId(TENANT, CALLER, start));
        assertThat(f.callerUserId).isEqualTo(CALLER);
        assertThat(f.notificationCount).isEqualTo(1);
        assertThat(f.events).extracting(e -> e.eventType).containsExactly("callStarted", "callEnded");
        assertThat(f.sources).containsExactly("emergency-call-event:" + EVENT_SUBSCRIPTION,
                "graph:" + CHAT_SUBSCRIPTION);
        assertThat(f.dialedNumber).isEqualTo("911");
        assertThat(f.callerDisplayName).isEqualTo("Caller from Graph");
        assertThat(f.callerUpn).isEqualTo(UPN);
        assertThat(f.callerPhoneNumber).isEqualTo("+15550100");
        assertThat(f.policyName).isEqualTo("EmergencyPolicy");
        assertThat(f.callerDepartment).isEqualTo("Facilities");
        assertThat(f.callerJobTitle).isEqualTo("Engineer");
        assertThat(f.location.source).as("the event's location wins over the site")
                .isEqualTo(StructuredLocation.FROM_EMERGENCY_CALL_EVENT);
        assertThat(f.location.city).isEqualTo("Redmond");
        assertThat(f.locationText).contains("Building 42");
        assertThat(f.endedAtMillis).isEqualTo(CREATED_MILLIS + 95_000);
        assertThat(f.durationSeconds).isEqualTo((CREATED_MILLIS + 95_000 - eventAt) / 1_000);
        assertThat(out.deadLetters()).isEmpty();
        // Which of chat and callStarted reaches the correlator first is a race (the event may wait for the
        // directory in the caller resolver): one is emitted, the other merged; callEnded follows its callStarted.
        assertThat(out.audit()).extracting(a -> a.changeType() + " " + a.outcome().label()).containsAnyOf(
                "created emitted", "callStarted emitted");
        assertThat(out.audit()).extracting(a -> a.outcome().label()).containsExactlyInAnyOrder(
                "emitted", "merged", "amended");
        assertThat(out.audit()).filteredOn(a -> "callEnded".equals(a.changeType()))
                .extracting(a -> a.outcome().label()).containsExactly("amended");
    }

    /**
     * The directory does not know the event's UPN: at the end of the (bounded) input the waiting event goes on under
     * its fallback caller, so it is a fact of its own rather than lost.
     */
    @Test
    void anEventWhoseUpnNobodyKnowsIsStillAFact() throws Exception {
        Outputs out = run(List.of(eventNotification("ev-2", "callStarted", CREATED_MILLIS)),
                List.of(CallEventSamples.site("site-1", TENANT, "lobby")));

        String fallback = "upn:" + UPN.toLowerCase(Locale.ROOT);
        assertThat(out.facts()).extracting(f -> f.callerUserId, f -> f.factId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(fallback, FactIds.factId(TENANT, fallback, CREATED_MILLIS)));
        assertThat(out.audit()).extracting(AuditRecord::outcome).containsExactly(AuditOutcome.EMITTED);
    }

    /** An ACS call to a security line, in the same records: a fact of its own (kind security-line). */
    @Test
    void anAcsCallToASecurityLineIsAFactOfItsOwnNextToTheChatsFact() throws Exception {
        String acs = new String(CallEventsTopologyTest.class.getResourceAsStream(
                "/securitylines/incoming-call-eventgrid.json").readAllBytes(), StandardCharsets.UTF_8);
        ReferenceUpdate line = ReferenceUpdate.of(new SecurityLineRecord("4:+15550100", "integration-1", TENANT,
                "Lobby security", null, "+15550100", null));

        Outputs out = run(List.of(chatNotification(), utf8(acs)), List.of(directoryEntry(), line));

        assertThat(new LiveFacts().applyAll(out.facts()).facts())
                .extracting(f -> f.kind, f -> f.callerUserId, f -> f.calledLine, f -> f.calledLineName)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(EmergencyCallFact.KIND_EMERGENCY, CALLER, null, null),
                        org.assertj.core.groups.Tuple.tuple(EmergencyCallFact.KIND_SECURITY_LINE, "4:+14255550123", "4:+15550100",
                                "Lobby security"));
        assertThat(out.audit()).extracting(a -> a.source().offset() + " " + a.outcome().label())
                .containsExactlyInAnyOrder("0 emitted", "1 emitted");
        assertThat(out.deadLetters()).isEmpty();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
