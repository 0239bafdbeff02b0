package dev.beacon.job.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A realistic, deterministic stream of what Graph writes into Event Hubs for one tenant with two security-desk
 * members (two subscriptions), used by the local run and by the end-to-end tests, which assert its exact outcome
 * (the failure drill builds its own scenario from {@link #deskNotification} and {@link #chatterNotification}):
 *
 * <ul>
 *   <li>call 1: Ada dials 911; both desk chats are notified; one notification is redelivered; a reaction arrives as
 *       an update; later one desk message is deleted → one fact, notification_count 2, deleted_count 1, revision 3;
 *   <li>call 2: Grace dials 933 (test call); the location is corrected by an edit → one test fact, revision 2;
 *   <li>call 3: Ada again, five hours later, dials 112; the second desk notification arrives as a CloudEvent →
 *       a separate fact, notification_count 2, revision 2;
 *   <li>around them: a validation record, chatter (also in CloudEvents binary mode), a lifecycle event, a
 *       notification without resource data, and five bad records (malformed, tampered, wrong clientState, unknown
 *       certificate, absurdly nested).
 * </ul>
 */
public final class SampleStream {

    public static final String TOPIC = "teams-events";
    public static final String TENANT = "5f2a7c1e-3d4b-4e8f-9a10-1b2c3d4e5f60";
    /** Desk member Alice's {@code /users/{id}/chats/getAllMessages} subscription. */
    public static final String SUB_ALICE = "6a1f0c52-8d3e-4b7a-9f21-0e4d5c6b7a81";
    /** Desk member Bob's subscription. */
    public static final String SUB_BOB = "7b2e1d63-9e4f-4c8b-8a32-1f5e6d7c8b92";
    public static final String ADA = "e3b0c442-98fc-4c14-9afb-f4c8996fb924";
    public static final String GRACE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    public static final String CERT_ID = "beacon-sample-2026-11";

    public static final String CHAT_ALICE_CALL1 = "19:alice-ada-0900@thread.v2";
    public static final String CHAT_BOB_CALL1 = "19:bob-ada-0900@thread.v2";
    public static final String CHAT_ALICE_CALL2 = "19:alice-grace-0930@thread.v2";
    public static final String CHAT_ALICE_CALL3 = "19:alice-ada-1400@thread.v2";
    public static final String CHAT_BOB_CALL3 = "19:bob-ada-1400@thread.v2";

    public static final String CALL1_AT = "2026-11-22T09:00:01.000Z";
    public static final String CALL2_AT = "2026-11-22T09:30:00.000Z";
    public static final String CALL3_AT = "2026-11-22T14:00:05.000Z";
    /** When the chatter of {@link #records()} was written. */
    private static final String CHATTER_AT = "2026-11-22T08:59:00.000Z";

    /** One Kafka record: key, value and headers (name/value pairs), plus what it stands for. */
    public record Record(String key, byte[] value, String[] headers, String what) {
        Record(String key, String value, String what) {
            this(key, value.getBytes(StandardCharsets.UTF_8), new String[0], what);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String clientState;
    private final TestKeys keys;
    private final TestKeys strangerKeys;

    /**
     * @param clientState the secret the subscriptions were created with
     * @param keys        the key pair the job can decrypt with (its certificate id is the keystore alias)
     */
    public SampleStream(String clientState, TestKeys keys) {
        this.clientState = clientState;
        this.keys = keys;
        this.strangerKeys = TestKeys.generate("retired-certificate");
    }

    public List<Record> records() {
        List<Record> out = new ArrayList<>();
        out.add(new Record(null, collection(validation()), "validation record of a new subscription"));
        out.add(new Record(null, chatterNotification(SUB_ALICE, "19:bob-alice@unq.gbl.spaces", "1763802000001",
                CHATTER_AT, "Lunch at noon? The usual place."), "ordinary chatter"));

        ObjectNode call1Alice = call1Alice();
        String call1AliceRecord = collection(rich(SUB_ALICE, "created", CHAT_ALICE_CALL1, "1763802001000", call1Alice));
        out.add(new Record(CHAT_ALICE_CALL1, call1AliceRecord, "call 1 (911), Alice's chat"));
        out.add(new Record(CHAT_BOB_CALL1, deskNotification(SUB_BOB, CHAT_BOB_CALL1, "1763802001400", CALL1_AT, ADA,
                "Ada Lovelace", "911", "Building 4, Floor 2, 1 Microsoft Way, Redmond, WA 98052"),
                "call 1, Bob's chat"));
        out.add(new Record(CHAT_ALICE_CALL1, call1AliceRecord, "call 1, Alice's chat, redelivered"));

        ObjectNode reacted = call1Alice.deepCopy();
        reacted.put("lastModifiedDateTime", "2026-11-22T09:00:09.000Z");
        ((ArrayNode) reacted.get("reactions")).addObject().put("reactionType", "like")
                .put("createdDateTime", "2026-11-22T09:00:09.000Z");
        out.add(new Record(CHAT_ALICE_CALL1, collection(
                rich(SUB_ALICE, "updated", CHAT_ALICE_CALL1, "1763802001000", reacted),
                rich(SUB_BOB, "created", "19:bob-carol@unq.gbl.spaces", "1763802005000",
                        chatter("1763802005000", "19:bob-carol@unq.gbl.spaces", CHATTER_AT,
                                "Did you see the fire drill memo?"))),
                "a reaction to call 1 (no content change) and chatter, in one collection"));

        out.add(new Record(CHAT_ALICE_CALL2, deskNotification(SUB_ALICE, CHAT_ALICE_CALL2, "1763803800000", CALL2_AT,
                GRACE, "Grace Hopper", "933", "Building 7, Floor 1"), "call 2 (933 test call)"));
        ObjectNode call2Edited = emergency("1763803800000", CHAT_ALICE_CALL2, GRACE, "Grace Hopper", "933", CALL2_AT,
                "Building 7, Floor 3, Room 301");
        call2Edited.put("lastModifiedDateTime", "2026-11-22T09:31:00.000Z");
        call2Edited.put("lastEditedDateTime", "2026-11-22T09:31:00.000Z");
        out.add(new Record(CHAT_ALICE_CALL2, collection(rich(SUB_ALICE, "updated", CHAT_ALICE_CALL2, "1763803800000",
                call2Edited)), "call 2, location corrected"));

        out.add(new Record(null, collection(lifecycle(SUB_ALICE, "reauthorizationRequired")),
                "lifecycle: reauthorization required"));
        out.add(new Record(null, "{\"value\":[{\"subscriptionId\":\"" + SUB_ALICE + "\",\"changeType\":",
                "malformed JSON"));

        ObjectNode tampered = rich(SUB_ALICE, "created", "19:alice-mallory@thread.v2", "1763803900000",
                emergency("1763803900000", "19:alice-mallory@thread.v2", GRACE, "Grace Hopper", "911",
                        "2026-11-22T09:31:40.000Z", "Nowhere"));
        EncryptedContent forged = GraphEncryption.tamperData(GraphEncryption.encrypt(
                bytes(emergency("1763803900000", "19:alice-mallory@thread.v2", GRACE, "Grace Hopper", "911",
                        "2026-11-22T09:31:40.000Z", "Nowhere")), keys.publicKey(), keys.certificateId()));
        tampered.set("encryptedContent", encrypted(forged));
        out.add(new Record(null, collection(tampered), "tampered data (HMAC mismatch)"));

        ObjectNode wrongSecret = rich(SUB_ALICE, "created", "19:alice-eve@thread.v2", "1763803910000",
                emergency("1763803910000", "19:alice-eve@thread.v2", ADA, "Ada Lovelace", "911",
                        "2026-11-22T09:31:50.000Z", "Somewhere"));
        wrongSecret.put("clientState", "not-the-secret");
        out.add(new Record(null, collection(wrongSecret), "wrong clientState"));

        ObjectNode unknownCert = notification(SUB_ALICE, "created", "19:alice-old@thread.v2", "1763803920000");
        unknownCert.set("encryptedContent", encrypted(GraphEncryption.encrypt(
                bytes(emergency("1763803920000", "19:alice-old@thread.v2", ADA, "Ada Lovelace", "911",
                        "2026-11-22T09:32:00.000Z", "Somewhere")),
                strangerKeys.publicKey(), strangerKeys.certificateId())));
        out.add(new Record(null, collection(unknownCert), "encrypted for a certificate Beacon does not hold"));

        out.add(new Record(null, collection(notification(SUB_BOB, "created", "19:bob-dave@thread.v2", "1763803930000")),
                "no resource data (needs hydration)"));

        out.add(new Record(CHAT_ALICE_CALL3, deskNotification(SUB_ALICE, CHAT_ALICE_CALL3, "1763820005000", CALL3_AT,
                ADA, "Ada Lovelace", "112", "Building 2, Floor 5"), "call 3 (112), five hours after call 1"));
        ObjectNode call3Bob = rich(SUB_BOB, "created", CHAT_BOB_CALL3, "1763820005300",
                emergency("1763820005300", CHAT_BOB_CALL3, ADA, "Ada Lovelace", "112", "2026-11-22T14:00:05.300Z",
                        "Building 2, Floor 5"));
        out.add(new Record(CHAT_BOB_CALL3, cloudEvent("Microsoft.Graph.ChatMessageCreated", call3Bob),
                "call 3, Bob's chat, as a CloudEvent from Event Grid"));

        out.add(new Record(CHAT_BOB_CALL1, collection(notification(SUB_BOB, "deleted", CHAT_BOB_CALL1,
                "1763802001400")), "call 1, Bob's message deleted"));
        out.add(new Record(null, "[".repeat(5000) + "]".repeat(5000), "absurdly nested JSON"));

        ObjectNode binary = rich(SUB_BOB, "created", "19:bob-erin@unq.gbl.spaces", "1763820100000",
                chatter("1763820100000", "19:bob-erin@unq.gbl.spaces", CHATTER_AT, "Coffee?"));
        out.add(new Record(null, bytes(binary), new String[] {"ce_specversion", "1.0", "ce_id", "evt-binary-1",
                "ce_type", "Microsoft.Graph.ChatMessageCreated", "ce_source", "/tenants/" + TENANT + "/applications/beacon",
                "content-type", "application/json"}, "chatter in CloudEvents binary mode"));
        return out;
    }

    /**
     * A longer stream for recovery tests: {@code calls} different callers, each reported in Alice's and Bob's chats,
     * Alice's notification delivered twice. Records are keyed by caller, so one call stays in one partition.
     * Expect one fact per call with notification_count 2 and revisions 1 and 2.
     */
    public List<Record> manyCalls(int calls) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String caller = String.format("00000000-0000-4000-8000-%012d", i);
            String name = "Caller " + i;
            String at = java.time.Instant.parse("2026-11-22T10:00:00Z").plusSeconds(600L * i).toString();
            String alice = "19:alice-call-" + i + "@thread.v2";
            String bob = "19:bob-call-" + i + "@thread.v2";
            String aliceRecord = deskNotification(SUB_ALICE, alice, "100" + i, at, caller, name, "911", "Site " + i);
            out.add(new Record(caller, aliceRecord, "call " + i + ", Alice's chat"));
            out.add(new Record(caller, deskNotification(SUB_BOB, bob, "200" + i, at, caller, name, "911", "Site " + i),
                    "call " + i + ", Bob's chat"));
            out.add(new Record(caller, aliceRecord, "call " + i + ", Alice's chat, redelivered"));
        }
        return out;
    }

    /**
     * One call reported in Alice's chat only, with the caller's name and location exactly as given (any text: the
     * encrypted message escapes what UTF-8 cannot hold). Expect one fact, revision 1.
     */
    public Record callInAlicesChat(String messageId, String caller, String name, String dialed, String at,
            String where) {
        String chat = "19:alice-" + messageId + "@thread.v2";
        return new Record(chat, deskNotification(SUB_ALICE, chat, messageId, at, caller, name, dialed, where),
                "call " + messageId + ", Alice's chat");
    }

    /**
     * One desk member's notification of an emergency call as Graph writes it to Event Hubs: a collection holding one
     * {@code created} rich notification of subscription {@code subscriptionId}, the message encrypted for the job's
     * certificate. The message is {@code messageId} in chat {@code chatId}, created {@code at} (ISO-8601), from
     * {@code caller} ({@code name}), who dialed {@code dialed} at {@code where}.
     */
    public String deskNotification(String subscriptionId, String chatId, String messageId, String at, String caller,
            String name, String dialed, String where) {
        return collection(rich(subscriptionId, "created", chatId, messageId,
                emergency(messageId, chatId, caller, name, dialed, at, where)));
    }

    /** An ordinary chat message (from Bob Builder), in the same shape: the job must ignore it and keep nothing of it. */
    public String chatterNotification(String subscriptionId, String chatId, String messageId, String at, String text) {
        return collection(rich(subscriptionId, "created", chatId, messageId, chatter(messageId, chatId, at, text)));
    }

    /** Ada's call-1 message in Alice's chat, as Graph would return it. */
    private ObjectNode call1Alice() {
        return emergency("1763802001000", CHAT_ALICE_CALL1, ADA, "Ada Lovelace", "911", CALL1_AT,
                "Building 4, Floor 2, 1 Microsoft Way, Redmond, WA 98052");
    }

    /**
     * Calls whose two desk messages were created two seconds apart: {@code early.get(i)} and {@code late.get(i)} are
     * the messages of call i (caller {@link #reorderedCaller(int)}, earliest message at {@link #reorderedCallAt(int)}).
     */
    public record ReorderedCalls(List<Record> early, List<Record> late) {}

    public static String reorderedCaller(int i) {
        return String.format("00000000-0000-4000-9000-%012d", i);
    }

    public static java.time.Instant reorderedCallAt(int i) {
        return java.time.Instant.parse("2026-11-23T08:00:00Z").plusSeconds(600L * i);
    }

    public ReorderedCalls reorderedCalls(int calls) {
        List<Record> early = new ArrayList<>();
        List<Record> late = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String caller = reorderedCaller(i);
            String name = "Caller " + i;
            String at = reorderedCallAt(i).toString();
            String later = reorderedCallAt(i).plusSeconds(2).toString();
            String alice = "19:alice-reordered-" + i + "@thread.v2";
            String bob = "19:bob-reordered-" + i + "@thread.v2";
            early.add(new Record(caller, deskNotification(SUB_ALICE, alice, "300" + i, at, caller, name, "911",
                    "Site " + i), "call " + i + ", earlier"));
            late.add(new Record(caller, deskNotification(SUB_BOB, bob, "400" + i, later, caller, name, "911",
                    "Site " + i), "call " + i + ", later"));
        }
        return new ReorderedCalls(early, late);
    }

    /** The security-desk message as far as it is publicly known: from the caller, important, with the location. */
    ObjectNode emergency(String id, String chatId, String userId, String name, String dialed, String at, String where) {
        String html = "<div><p><b>" + name + "</b> has placed an Emergency Call to " + dialed + ".</p>"
                + "<p>Location: " + where + "</p></div>";
        ObjectNode m = message(id, chatId, at, html);
        m.put("importance", "high");
        user(m, userId, name);
        return m;
    }

    private ObjectNode chatter(String id, String chatId, String at, String text) {
        ObjectNode m = message(id, chatId, at, "<p>" + text + "</p>");
        user(m, "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "Bob Builder");
        return m;
    }

    private ObjectNode message(String id, String chatId, String at, String html) {
        ObjectNode m = json.createObjectNode();
        m.put("id", id).put("chatId", chatId).put("messageType", "message")
                .put("createdDateTime", at).put("lastModifiedDateTime", at).putNull("deletedDateTime")
                .put("importance", "normal").putNull("subject");
        m.putObject("body").put("contentType", "html").put("content", html);
        m.putArray("attachments");
        m.putArray("mentions");
        m.putArray("reactions");
        return m;
    }

    private static void user(ObjectNode message, String id, String name) {
        ObjectNode from = message.putObject("from");
        from.putNull("application");
        from.putNull("device");
        from.putObject("user").put("@odata.type", "#microsoft.graph.teamworkUserIdentity").put("id", id)
                .put("displayName", name).put("userIdentityType", "aadUser").put("tenantId", TENANT);
    }

    private ObjectNode validation() {
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", "NA").put("subscriptionExpirationDateTime", "NA").put("clientState", "NA")
                .put("changeType", "Validation: Testing client application reachability for subscription "
                        + "Request-Id: 522a8e7e-096a-494c-aaf1-ac0dcfca45b7")
                .put("resource", "NA");
        n.putObject("resourceData").put("@odata.type", "NA").put("@odata.id", "NA").put("id", "NA");
        return n;
    }

    private ObjectNode lifecycle(String subscriptionId, String event) {
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", subscriptionId).put("subscriptionExpirationDateTime", "2026-11-22T12:00:00.0000000Z")
                .put("tenantId", TENANT).put("clientState", clientState).put("lifecycleEvent", event);
        return n;
    }

    /** A basic notification: no resource data. */
    private ObjectNode notification(String subscriptionId, String changeType, String chatId, String messageId) {
        String resource = "chats('" + chatId + "')/messages('" + messageId + "')";
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", subscriptionId).put("changeType", changeType).put("clientState", clientState)
                .put("subscriptionExpirationDateTime", "2026-11-25T09:00:00-08:00").put("resource", resource);
        n.putObject("resourceData").put("id", messageId).put("@odata.type", "#Microsoft.Graph.chatMessage")
                .put("@odata.id", resource);
        n.putNull("encryptedContent");
        n.put("tenantId", TENANT);
        return n;
    }

    /** A rich notification: the message encrypted for the job's certificate (id and thumbprint), as Graph does it. */
    private ObjectNode rich(String subscriptionId, String changeType, String chatId, String messageId, ObjectNode message) {
        ObjectNode n = notification(subscriptionId, changeType, chatId, messageId);
        n.set("encryptedContent", encrypted(GraphEncryption.encrypt(bytes(message), keys, keys.certificateId())));
        return n;
    }

    private ObjectNode encrypted(EncryptedContent c) {
        ObjectNode e = json.createObjectNode();
        e.put("data", c.data()).put("dataSignature", c.dataSignature()).put("dataKey", c.dataKey())
                .put("encryptionCertificateId", c.encryptionCertificateId())
                .put("encryptionCertificateThumbprint", c.encryptionCertificateThumbprint());
        return e;
    }

    private String collection(ObjectNode... items) {
        ObjectNode c = json.createObjectNode();
        ArrayNode value = c.putArray("value");
        for (ObjectNode item : items) {
            value.add(item);
        }
        return c.toString();
    }

    private String cloudEvent(String type, ObjectNode data) {
        ObjectNode e = json.createObjectNode();
        e.put("specversion", "1.0").put("id", "evt-" + data.path("resourceData").path("id").asText())
                .put("type", type).put("source", "/tenants/" + TENANT + "/applications/beacon")
                .put("subject", data.path("resource").asText()).put("time", CALL3_AT)
                .put("datacontenttype", "application/json");
        e.set("data", data);
        return e.toString();
    }

    /** UTF-8 JSON as Graph sends it: what UTF-8 cannot hold (an unpaired surrogate) is written as an escape. */
    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
