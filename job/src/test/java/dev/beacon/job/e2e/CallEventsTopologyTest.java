package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole topology ({@link BeaconJob#defineWorkflow(BeaconSources, BeaconSinks, Configuration)}) on the
 * MiniCluster with an encrypted Graph chat notification, a Graph emergency call event naming the caller by UPN
 * only, and reference data (the caller's directory entry, a site). The event started before the chat message, or
 * after it: either way exactly one fact, under the id of the earliest observation, with the event's structured
 * fields, the chat's location text, the directory's caller fields and both sources.
 */
class CallEventsTopologyTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final String CLIENT_STATE = "call-events-client-state-" + System.nanoTime();
    private static final String SUBSCRIPTION = "7d2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a77";
    private static final String TENANT = ChatMessages.TENANT_ID;
    private static final String CALLER = "dddddddd-1111-4222-8333-444444444444";
    private static final String UPN = "Dana.Caller@Contoso.example";
    private static final String CHAT = "19:desk-events@thread.v2";
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

    /**
     * The directory does not know the event's UPN: at the end of the (bounded) input the waiting event goes on under
     * its fallback caller, so it is a fact of its own rather than lost.
     */
    @org.junit.jupiter.api.Test
    void anEventWhoseUpnNobodyKnowsIsStillAFact() throws Exception {
        EmergencyCallEvent event = CallEventSamples.started("ev-2", CREATED_MILLIS).callerUserId(null).upn(UPN)
                .build();
        event = new EmergencyCallEvent(new SourceRef("emergency-events", 0, 8, 0, 0), event.subscriptionId(), TENANT,
                event.eventId(), event.eventType(), event.eventAtMillis(), event.policyName(), event.dialedNumber(),
                event.callerDisplayName(), event.callerUpn(), event.callerPhoneNumber(), null, event.location(),
                event.contentHash());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        String run = CollectingSink.newRun();
        try {
            BeaconSources sources = BeaconSources.of(env.fromData(List.of(new RawRecord("teams-events", 0, 0,
                            CREATED_MILLIS, null, new String[0], GraphPayloads.collection().getBytes(
                                    StandardCharsets.UTF_8))), TypeInformation.of(RawRecord.class)))
                    .emergencyCallEvents(env.fromData(List.of(event), TypeInformation.of(EmergencyCallEvent.class)))
                    .referenceData(env.fromData(List.of(CallEventSamples.site("site-1", TENANT, "lobby")),
                            TypeInformation.of(ReferenceUpdate.class)));
            BeaconJob.defineWorkflow(sources, new BeaconSinks()
                    .facts(CollectingSink.to(run, "facts"))
                    .audit(CollectingSink.to(run, "audit")), conf);
            env.execute("call-events-unknown-upn");

            List<EmergencyCallFact> facts = CollectingSink.collected(run, "facts");
            assertThat(facts).extracting(f -> f.callerUserId, f -> f.factId).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("upn:dana.caller@contoso.example",
                            FactIds.factId(TENANT, "upn:dana.caller@contoso.example", CREATED_MILLIS)));
            assertThat(CollectingSink.<AuditRecord>collected(run, "audit")).filteredOn(a -> "ev-2".equals(a.messageId()))
                    .extracting(AuditRecord::outcome).containsExactly(AuditOutcome.EMITTED);
        } finally {
            CollectingSink.clear(run);
        }
    }

    @ParameterizedTest(name = "event started {0} s from the chat message")
    @CsvSource({"-4", "3"})
    void chatAndEventAreExactlyOneFactWithMergedFields(long eventOffsetSeconds) throws Exception {
        long eventAt = CREATED_MILLIS + eventOffsetSeconds * 1_000;
        ObjectNode message = ChatMessages.emergency().id("1763802010001").chatId(CHAT).times(CREATED).node();
        ChatMessages.fromUser(message, CALLER, "Dana Caller", TENANT);
        byte[] chat = GraphPayloads.collection(GraphPayloads.chatMessageItem(SUBSCRIPTION, "created", CLIENT_STATE,
                TENANT, CHAT, "1763802010001", GraphEncryption.encrypt(FetchedMessages.bytes(message), keys,
                        keys.certificateId()))).getBytes(StandardCharsets.UTF_8);
        RawRecord record = new RawRecord("teams-events", 0, 0, CREATED_MILLIS, null, new String[0], chat);
        EmergencyCallEvent event = CallEventSamples.started("ev-1", eventAt).callerUserId(null).upn(UPN)
                .dialed("911").build();
        event = new EmergencyCallEvent(new SourceRef("emergency-events", 0, 7, 0, 0), event.subscriptionId(),
                TENANT, event.eventId(), event.eventType(), event.eventAtMillis(), event.policyName(),
                event.dialedNumber(), event.callerDisplayName(), event.callerUpn(), event.callerPhoneNumber(), null,
                event.location(), event.contentHash());
        ReferenceUpdate user = CallEventSamples.directoryUser(TENANT, CALLER, UPN.toLowerCase());
        ReferenceUpdate site = CallEventSamples.site("site-42", TENANT, "building 42");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        String run = CollectingSink.newRun();
        try {
            BeaconSources sources = BeaconSources.of(env.fromData(List.of(record), TypeInformation.of(RawRecord.class)))
                    .emergencyCallEvents(env.fromData(List.of(event), TypeInformation.of(EmergencyCallEvent.class)))
                    .referenceData(env.fromData(List.of(user, site), TypeInformation.of(ReferenceUpdate.class)));
            BeaconJob.defineWorkflow(sources, new BeaconSinks()
                    .facts(CollectingSink.to(run, "facts"))
                    .audit(CollectingSink.to(run, "audit"))
                    .deadLetters(CollectingSink.to(run, "dead-letters")), conf);
            env.execute("call-events-topology");

            List<EmergencyCallFact> facts = CollectingSink.collected(run, "facts");
            List<AuditRecord> audit = CollectingSink.collected(run, "audit");
            List<DeadLetter> deadLetters = CollectingSink.collected(run, "dead-letters");

            List<EmergencyCallFact> live = new LiveFacts().applyAll(facts).facts();
            assertThat(live).as("published: %s", facts).hasSize(1);
            EmergencyCallFact f = live.get(0);
            assertThat(f.factId).isEqualTo(FactIds.factId(TENANT, CALLER, Math.min(eventAt, CREATED_MILLIS)));
            assertThat(f.callerUserId).isEqualTo(CALLER);
            assertThat(f.notificationCount).isEqualTo(1);
            assertThat(f.events).extracting(e -> e.eventId).containsExactly("ev-1");
            assertThat(f.sources).containsExactly("emergency-call-event:" + CallEventSamples.SUBSCRIPTION,
                    "graph:" + SUBSCRIPTION);
            assertThat(f.dialedNumber).isEqualTo("911");
            assertThat(f.callerUpn).isEqualTo(UPN);
            assertThat(f.callerPhoneNumber).isEqualTo(CallEventSamples.PHONE);
            assertThat(f.policyName).isEqualTo(CallEventSamples.POLICY);
            assertThat(f.callerDepartment).isEqualTo("Facilities");
            assertThat(f.callerJobTitle).isEqualTo("Engineer");
            assertThat(f.location.source).as("the event's location wins over the site")
                    .isEqualTo(StructuredLocation.FROM_EMERGENCY_CALL_EVENT);
            assertThat(f.locationText).contains("Building 42");
            assertThat(deadLetters).isEmpty();
            assertThat(audit).extracting(AuditRecord::outcome)
                    .containsExactlyInAnyOrder(AuditOutcome.EMITTED, AuditOutcome.MERGED);
            assertThat(audit).extracting(AuditRecord::changeType).containsExactlyInAnyOrder("created", "callStarted");
        } finally {
            CollectingSink.clear(run);
        }
    }
}
