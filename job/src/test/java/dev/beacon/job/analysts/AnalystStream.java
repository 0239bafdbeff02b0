package dev.beacon.job.analysts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.GraphCallEventNotifications;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the job reads in the analyst tests: one tenant's realistic day and a half, every source of truth the job
 * has, in one ordered partition, plus the control plane's reference data. On top of {@link SampleStream} (three
 * chat-reported calls of Ada and Grace, one a 933 test call; chatter, a lifecycle event, a hydration request and
 * five dead letters):
 *
 * <ul>
 *   <li>19: an ACS call to the lobby security line (22 Nov 10:15 UTC);
 *   <li>20, 21: Dana's call reported only by Graph's emergency call event feed, callStarted 23 Nov 23:30 UTC and
 *       callEnded 150 s later (the caller named by UPN, resolved through the directory);
 *   <li>22: Eve's call that only the control plane's backfill found (23 Nov 08:00 UTC); Eve has no directory entry;
 *   <li>23: a second ACS call to the lobby line (23 Nov 10:20), 24: one to the garage line (23 Nov 11:00);
 *   <li>25: Frank's desk message without createdDateTime: its start is the record's timestamp (23 Nov 12:00:01),
 *       inferred;
 *   <li>26: Grace's call reported by the emergency call event feed, callStarted 24 Nov 07:45 UTC, not ended yet;
 *   <li>27, 28: Hal's call (no directory entry) in two desk chats, the later message (06:00:30) first: the fact
 *       moves to the id of the earlier one (06:00:00), and the first audit row stays under the provisional id
 *       (fact_alias).
 * </ul>
 *
 * Reference data: directory entries for Ada (Finance), Grace (Research), Dana (Facilities) and Frank (Finance); the
 * sites b4 ("Building 4") and b7 ("Building 7"); the lobby and garage security lines.
 */
final class AnalystStream {

    static final String TENANT = SampleStream.TENANT;
    static final String DANA = "d4d4d4d4-1111-4222-8333-444444444444";
    static final String DANA_UPN = "Dana.Responder@Contoso.example";
    static final String EVE = "e5e5e5e5-1111-4222-8333-444444444444";
    static final String FRANK = "f6f6f6f6-1111-4222-8333-444444444444";
    static final String EVENTS_SUBSCRIPTION = "5a9b2c4d-0000-4000-8000-00000000e911";
    static final String LOBBY_LINE = "4:+15550100";
    static final String GARAGE_LINE = "4:+15550101";

    static final String ACS1_AT = "2026-11-22T10:15:00Z";
    static final String DANA_AT = "2026-11-23T23:30:00Z";
    static final String DANA_ENDED_AT = "2026-11-23T23:32:30Z";
    static final String EVE_AT = "2026-11-23T08:00:00Z";
    static final String ACS2_AT = "2026-11-23T10:20:00Z";
    static final String ACS3_AT = "2026-11-23T11:00:00Z";
    static final String FRANK_RECORD_AT = "2026-11-23T12:00:00Z";
    static final String GRACE_AT = "2026-11-24T07:45:00Z";
    static final String HAL = "a8a8a8a8-1111-4222-8333-444444444444";
    static final String HAL_AT = "2026-11-24T06:00:00Z";
    static final String HAL_LATE_AT = "2026-11-24T06:00:30Z";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = SampleStream.TOPIC;

    private final String clientState;
    private final TestKeys keys;
    private final byte[] signingKey;

    AnalystStream(String clientState, TestKeys keys, byte[] signingKey) {
        this.clientState = clientState;
        this.keys = keys;
        this.signingKey = signingKey;
    }

    List<RawRecord> records() {
        List<RawRecord> out = new ArrayList<>();
        long sampleAt = millis("2026-11-22T09:00:00Z");
        for (SampleStream.Record r : new SampleStream(clientState, keys).records()) {
            out.add(new RawRecord(TOPIC, 0, out.size(), sampleAt + out.size() * 1_000L, r.key(), r.headers(),
                    r.value()));
        }
        add(out, ACS1_AT, acsCall("c0ffee01-0000-4000-8000-000000000001", "4:+14255550123", LOBBY_LINE, ACS1_AT));
        add(out, DANA_AT, utf8(GraphPayloads.collection(GraphCallEventNotifications.item(EVENTS_SUBSCRIPTION,
                clientState, TENANT, "dana-ev-1", "callStarted", millis(DANA_AT), DANA_UPN, "911", keys))));
        add(out, DANA_ENDED_AT, utf8(GraphPayloads.collection(GraphCallEventNotifications.item(EVENTS_SUBSCRIPTION,
                clientState, TENANT, "dana-ev-1", "callEnded", millis(DANA_ENDED_AT), DANA_UPN, "911", keys))));
        ObjectNode eve = ChatMessages.emergency().id("1763884800000").chatId("19:desk-eve@thread.v2").times(EVE_AT)
                .node();
        ChatMessages.fromUser(eve, EVE, "Eve Example", TENANT);
        add(out, "2026-11-23T09:00:00Z",
                FetchedMessages.value(FetchedMessages.signed(Origin.BACKFILL, TENANT, null, eve, keys, signingKey)));
        add(out, ACS2_AT, acsCall("c0ffee01-0000-4000-8000-000000000002", "4:+14255550124", LOBBY_LINE, ACS2_AT));
        add(out, ACS3_AT, acsCall("c0ffee01-0000-4000-8000-000000000003", "4:+14255550123", GARAGE_LINE, ACS3_AT));
        ObjectNode frank = ChatMessages.emergency().id("1763899200000").chatId("19:desk-frank@thread.v2").times(null)
                .node();
        ChatMessages.fromUser(frank, FRANK, "Frank Example", TENANT);
        add(out, FRANK_RECORD_AT, utf8(GraphPayloads.collection(GraphPayloads.chatMessageItem(SampleStream.SUB_ALICE,
                "created", clientState, TENANT, "19:desk-frank@thread.v2", "1763899200000",
                GraphEncryption.encrypt(FetchedMessages.bytes(frank), keys, keys.certificateId())))));
        add(out, GRACE_AT, utf8(GraphPayloads.collection(GraphCallEventNotifications.item(EVENTS_SUBSCRIPTION,
                clientState, TENANT, "grace-ev-1", "callStarted", millis(GRACE_AT), "grace@contoso.example", "911",
                keys))));
        add(out, HAL_LATE_AT, deskMessage(SampleStream.SUB_BOB, "19:bob-hal@thread.v2", "1763964030000", HAL_LATE_AT));
        add(out, HAL_LATE_AT, deskMessage(SampleStream.SUB_ALICE, "19:alice-hal@thread.v2", "1763964000000", HAL_AT));
        return out;
    }

    private byte[] deskMessage(String subscription, String chat, String messageId, String created) {
        ObjectNode m = ChatMessages.emergency().id(messageId).chatId(chat).times(created).node();
        ChatMessages.fromUser(m, HAL, "Hal Example", TENANT);
        return utf8(GraphPayloads.collection(GraphPayloads.chatMessageItem(subscription, "created", clientState,
                TENANT, chat, messageId, GraphEncryption.encrypt(FetchedMessages.bytes(m), keys,
                        keys.certificateId()))));
    }

    static List<ReferenceUpdate> reference() {
        return List.of(
                directoryUser(SampleStream.ADA, "ada@contoso.example", "Finance"),
                directoryUser(SampleStream.GRACE, "grace@contoso.example", "Research"),
                directoryUser(DANA, DANA_UPN.toLowerCase(Locale.ROOT), "Facilities"),
                directoryUser(FRANK, "frank@contoso.example", "Finance"),
                CallEventSamples.site("b4", TENANT, "Building 4"),
                CallEventSamples.site("b7", TENANT, "Building 7"),
                ReferenceUpdate.of(new SecurityLineRecord(LOBBY_LINE, "contoso", TENANT, "Lobby security", null,
                        "+15550100", null)),
                ReferenceUpdate.of(new SecurityLineRecord(GARAGE_LINE, "contoso", TENANT, "Garage security", null,
                        "+15550101", null)));
    }

    private static ReferenceUpdate directoryUser(String userId, String upn, String department) {
        ReferenceUpdate u = CallEventSamples.directoryUser(TENANT, userId, upn);
        u.user.department = department;
        return u;
    }

    /** An Event Grid IncomingCall as ACS delivers it (the shape of /securitylines/incoming-call-eventgrid.json). */
    private static byte[] acsCall(String correlationId, String from, String to, String at) {
        try {
            ObjectNode e = (ObjectNode) JSON.readTree(AnalystStream.class.getResourceAsStream(
                    "/securitylines/incoming-call-eventgrid.json")).get(0);
            e.put("id", "evt-" + correlationId).put("eventTime", at).put("subject", "/caller/" + from + "/recipient/"
                    + to);
            ObjectNode data = (ObjectNode) e.get("data");
            data.put("correlationId", correlationId).put("serverCallId", "server-" + correlationId);
            ((ObjectNode) data.get("to")).put("rawId", to).putObject("phoneNumber").put("value", to.substring(2));
            ((ObjectNode) data.get("from")).put("rawId", from).putObject("phoneNumber").put("value", from.substring(2));
            return JSON.writeValueAsBytes(JSON.createArrayNode().add(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(List<RawRecord> out, String at, byte[] value) {
        out.add(new RawRecord(TOPIC, 0, out.size(), millis(at) + 1_000, null, new String[0], value));
    }

    static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
