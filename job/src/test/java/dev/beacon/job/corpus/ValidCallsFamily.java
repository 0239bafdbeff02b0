package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.amended;
import static dev.beacon.job.corpus.Corpus.deleted;
import static dev.beacon.job.corpus.Corpus.duplicate;
import static dev.beacon.job.corpus.Corpus.firstSight;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.unchanged;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.SUB_B;
import static dev.beacon.job.corpus.CorpusKit.SUB_C;
import static dev.beacon.job.corpus.CorpusKit.SUB_T2;
import static dev.beacon.job.corpus.CorpusKit.TENANT;
import static dev.beacon.job.corpus.CorpusKit.TENANT_2;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;
import static dev.beacon.job.corpus.CorpusKit.valueAt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.ExpectedCall;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.corpus.CorpusKit.Caller;
import java.time.Instant;
import java.util.Base64;

/**
 * Valid emergency calls, as Graph delivers them: each call posted in two or three desk members' chats, with exact
 * redeliveries, a redelivery through another subscription, reactions, edits, deletions, a stale version after an
 * edit, an edit before its original, desk chats on different partitions, every envelope (Graph collection,
 * structured, batched and binary CloudEvents, data_base64, capture-file lines), a rotated clientState, and
 * Unicode-heavy text. Every call must survive as exactly one final fact.
 *
 * <p>The family also carries the duplicate cases that concern calls (redeliveries, edits, deletions, reorder).
 */
final class ValidCallsFamily {

    static final Caller ADA = new Caller(TENANT, "e3b0c442-98fc-4c14-9afb-f4c8996fb924", "Ada Lovelace");
    static final Caller GRACE = new Caller(TENANT, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "Grace Hopper");
    static final Caller LINUS = new Caller(TENANT_2, "11111111-2222-4333-8444-555555555555", "Linus Torvalds");
    /** A right-to-left name with a right-to-left mark, as Teams shows it. */
    static final Caller NOOR = new Caller(TENANT, "22222222-3333-4444-8555-666666666666", "\u200Fنور الهدى");
    static final Caller KATHERINE = new Caller(TENANT, "33333333-4444-4555-8666-777777777777", "Katherine Johnson");
    static final Caller HEDY = new Caller(TENANT, "44444444-5555-4666-8777-888888888888", "Hedy Lamarr");
    static final Caller ALAN = new Caller(TENANT, "55555555-6666-4777-8888-999999999999", "Alan Turing");

    private ValidCallsFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("valid-calls", 0);
        call1(kit, t.partition(0));
        call2(kit, t.partition(0));
        call3(kit, t.partition(1));
        call4(kit, t);
        call5(kit, t.partition(1));
        call6(kit, t.partition(0));
        call7(kit, t.partition(1));
        call8(kit, t.partition(1));
        return t;
    }

    /** Ada dials 911; three desk chats; the later-created message arrives first; a redelivery; a reaction. */
    private static void call1(CorpusKit kit, Table t) {
        String a = "2026-11-22T09:00:01.000Z";
        ObjectNode inA = kit.emergency(ADA, "1763802001000", chat("alice-ada-0900"), "911", a, "Building 4, Floor 2");
        ObjectNode inB = kit.emergency(ADA, "1763802001400", chat("bob-ada-0900"), "911",
                "2026-11-22T09:00:01.400Z", "Building 4, Floor 2");
        ObjectNode inC = kit.emergency(ADA, "1763802001900", chat("carol-ada-0900"), "911",
                "2026-11-22T09:00:01.900Z", "Building 4, Floor 2");
        byte[] aliceRecord = kit.collection(kit.rich(SUB_A, "created", inA));
        t.row("call 1 (911): Bob's chat first, though its message was created after Alice's",
                value(kit.collection(kit.rich(SUB_B, "created", inB))), items(firstSight()));
        t.row("call 1: Alice's chat", value(aliceRecord), items(firstSight()));
        t.row("call 1: Alice's chat, exact redelivery", value(aliceRecord), items(duplicate()));
        t.row("call 1: Carol's chat, in one collection with chatter",
                value(kit.collection(kit.rich(SUB_C, "created", inC), kit.richChatter("see you at lunch"))),
                items(firstSight(), ignored()));
        ObjectNode reacted = inA.deepCopy();
        reacted.put("lastModifiedDateTime", "2026-11-22T09:00:09.000Z");
        ((ArrayNode) reacted.get("reactions")).addObject().put("reactionType", "like")
                .put("createdDateTime", "2026-11-22T09:00:09.000Z");
        t.row("call 1: a reaction to Alice's message (updated, same content)",
                value(kit.collection(kit.rich(SUB_A, "updated", reacted))), items(unchanged()));
        t.call(ExpectedCall.of("call 1", TENANT, ADA.userId(), a, 3, 0, "911", false));
    }

    /** Grace's 933 test call; an edit, a redelivery through another subscription, a stale version, a deletion. */
    private static void call2(CorpusKit kit, Table t) {
        String a = "2026-11-22T09:30:00.000Z";
        ObjectNode inA = kit.emergency(GRACE, "1763803800000", chat("alice-grace-0930"), "933", a, "Building 7");
        ObjectNode inB = kit.emergency(GRACE, "1763803800200", chat("bob-grace-0930"), "933",
                "2026-11-22T09:30:00.200Z", "Building 7");
        ObjectNode edited = kit.emergency(GRACE, "1763803800000", chat("alice-grace-0930"), "933", a,
                "Building 7, Floor 3, Room 301");
        edited.put("lastModifiedDateTime", "2026-11-22T09:31:00.000Z");
        edited.put("lastEditedDateTime", "2026-11-22T09:31:00.000Z");
        byte[] bobRecord = kit.collection(kit.rich(SUB_B, "created", inB));
        byte[] bobDeleted = kit.collection(kit.basic(SUB_B, "deleted", inB.path("chatId").asText(), "1763803800200"));
        t.row("call 2 (933 test call): Alice's chat", value(kit.collection(kit.rich(SUB_A, "created", inA))),
                items(firstSight()));
        t.row("call 2: Alice's message edited (location corrected)",
                value(kit.collection(kit.rich(SUB_A, "updated", edited))), items(amended()));
        t.row("call 2: Bob's chat", value(bobRecord), items(firstSight()));
        t.row("call 2: Bob's message again, through another subscription",
                value(kit.collection(kit.rich(SUB_C, "created", inB))), items(duplicate()));
        ObjectNode stale = inA.deepCopy();
        t.row("call 2: Alice's message, the version before the edit, delivered late",
                value(kit.collection(kit.rich(SUB_A, "updated", stale))), items(unchanged()));
        t.row("call 2: Bob's message deleted (no resource data)", value(bobDeleted), items(deleted()));
        t.row("call 2: Bob's deletion redelivered", value(bobDeleted), items(duplicate()));
        t.call(ExpectedCall.of("call 2", TENANT, GRACE.userId(), a, 2, 1, "933", true));
    }

    /** Ada again, five hours later, dials 112; every CloudEvents form; a soft deletion with resource data. */
    private static void call3(CorpusKit kit, Table t) {
        String a = "2026-11-22T14:00:05.000Z";
        ObjectNode inA = kit.emergency(ADA, "1763820005000", chat("alice-ada-1400"), "112", a, "Building 2, Floor 5");
        ObjectNode inB = kit.emergency(ADA, "1763820005300", chat("bob-ada-1400"), "112",
                "2026-11-22T14:00:05.300Z", "Building 2, Floor 5");
        ObjectNode inC = kit.emergency(ADA, "1763820005500", chat("carol-ada-1400"), "112",
                "2026-11-22T14:00:05.500Z", "Building 2, Floor 5");
        t.row("call 3 (112): Alice's chat as a structured CloudEvent",
                value(kit.bytes(kit.cloudEvent("Microsoft.Graph.ChatMessageCreated",
                        kit.rich(SUB_A, "created", inA)))),
                items(firstSight()));
        t.row("call 3: Bob's chat as a binary-mode CloudEvent (ce_ headers)",
                value(kit.bytes(kit.rich(SUB_B, "created", inB)),
                        kit.binaryHeaders("Microsoft.Graph.ChatMessageCreated")),
                items(firstSight()));
        ObjectNode base64Event = kit.cloudEvent("Microsoft.Graph.ChatMessageCreated", null);
        base64Event.put("data_base64", Base64.getEncoder().encodeToString(
                kit.collection(kit.rich(SUB_C, "created", inC))));
        ArrayNode batch = kit.json.createArrayNode();
        batch.add(base64Event);
        batch.add(kit.cloudEvent("Microsoft.Graph.ChatMessageCreated", kit.richChatter("fire drill memo")));
        t.row("call 3: Carol's chat as data_base64, batched with chatter", value(kit.bytes(batch)),
                items(firstSight(), ignored()));
        ObjectNode softDeleted = inC.deepCopy();
        softDeleted.put("deletedDateTime", "2026-11-22T14:05:00.000Z");
        softDeleted.put("lastModifiedDateTime", "2026-11-22T14:05:00.000Z");
        softDeleted.putObject("body").put("contentType", "html").put("content", "");
        t.row("call 3: Carol's message deleted (rich notification of the soft-deleted message)",
                value(kit.collection(kit.rich(SUB_C, "deleted", softDeleted))), items(deleted()));
        t.call(ExpectedCall.of("call 3", TENANT, ADA.userId(), a, 3, 1, "112", false));
    }

    /** Linus in another tenant dials 999; the two desk chats arrive on different partitions; same message id. */
    private static void call4(CorpusKit kit, Table t) {
        String a = "2026-11-22T11:00:00.000Z";
        String id = "1763809200000"; // message ids are unique per chat only: both chats use the same one
        ObjectNode inA = kit.emergency(LINUS, id, chat("t2-alice-linus"), "999", a, "Helsinki office");
        ObjectNode inB = kit.emergency(LINUS, id, chat("t2-bob-linus"), "999", "2026-11-22T11:00:00.250Z",
                "Helsinki office");
        t.partition(0).row("call 4 (999, other tenant): Bob's chat, on partition 0",
                value(kit.collection(kit.rich(SUB_T2, "created", inB, TENANT_2))), items(firstSight()));
        t.partition(1).row("call 4: Alice's chat (same message id, earlier), on partition 1",
                value(kit.collection(kit.rich(SUB_T2, "created", inA, TENANT_2))), items(firstSight()));
        t.call(ExpectedCall.of("call 4", TENANT_2, LINUS.userId(), a, 2, 0, "999", false));
    }

    /** A right-to-left caller; zero-width spaces, emoji, entities; a rotated clientState. */
    private static void call5(CorpusKit kit, Table t) {
        String a = "2026-11-22T12:00:00.000Z";
        ObjectNode inA = kit.emergencyHtml(NOOR, "1763812800000", chat("alice-noor-1200"), a,
                "<p>\uD83D\uDEA8 <b>" + NOOR.displayName() + "</b>\u200Bhas\u200Bplaced\u200Ban Emergency Call to"
                        + " 112.</p><p>Location: \u200Fمبنى 5، الطابق 2 \uD83C\uDFE2</p>");
        ObjectNode inB = kit.emergencyHtml(NOOR, "1763812800600", chat("bob-noor-1200"),
                "2026-11-22T12:00:00.600Z",
                "<p>" + NOOR.displayName() + " has&nbsp;placed&#32;an&#x20;Emergency&nbsp;Call to&nbsp;112.</p>"
                        + "<p>Location: \u200Fمبنى 5</p>");
        t.row("call 5 (112): right-to-left name, zero-width spaces between words, emoji",
                value(kit.collection(kit.rich(SUB_A, "created", inA))), items(firstSight()));
        ObjectNode rotated = kit.rich(SUB_B, "created", inB);
        rotated.put("clientState", kit.previousSecret);
        t.row("call 5: entity-encoded text, presented with the previous (rotated) clientState",
                value(kit.collection(rotated)), items(firstSight()));
        t.call(ExpectedCall.of("call 5", TENANT, NOOR.userId(), a, 2, 0, "112", false));
    }

    /** Katherine dials 911; both desk chats come from a capture file (replay mode's input). */
    private static void call6(CorpusKit kit, Table t) {
        String a = "2026-11-22T15:00:00.000Z";
        ObjectNode inA = kit.emergency(KATHERINE, "1763823600000", chat("alice-katherine-1500"), "911", a,
                "Hangar 3");
        ObjectNode inB = kit.emergency(KATHERINE, "1763823600100", chat("bob-katherine-1500"), "911",
                "2026-11-22T15:00:00.100Z", "Hangar 3");
        t.row("call 6 (911): Alice's chat, a kcat -J envelope of a binary-mode CloudEvent",
                kit.kcatEnvelope(kit.json.getNodeFactory().textNode(kit.bytesAsText(kit.rich(SUB_A, "created", inA))),
                        kit.binaryHeaders("Microsoft.Graph.ChatMessageCreated")),
                items(firstSight()));
        t.row("call 6: Bob's chat, a bare capture line",
                CorpusKit.bareCaptureLine(kit.bytesAsText(kit.collection(kit.rich(SUB_B, "created", inB)))),
                items(firstSight()));
        t.call(ExpectedCall.of("call 6", TENANT, KATHERINE.userId(), a, 2, 0, "911", false));
    }

    /**
     * Hedy dials 911, and the message has no createdDateTime: the call time is taken from the notification (the
     * record's timestamp), deterministically, so a replay gives the same fact id.
     */
    private static void call7(CorpusKit kit, Table t) {
        long enqueued = Instant.parse("2026-11-22T16:00:00.500Z").toEpochMilli();
        ObjectNode m = kit.emergency(HEDY, "1763827200000", chat("alice-hedy-1600"), "911", null, "Lab 1");
        t.row("call 7 (911): message without createdDateTime; the record's timestamp is the call time",
                valueAt(enqueued, kit.collection(kit.rich(SUB_A, "created", m))), items(firstSight()));
        t.call(new ExpectedCall("call 7", TENANT, HEDY.userId(), enqueued, 1, 0, "911", false));
    }

    /** Alan dials 911; the edited version of Alice's message overtakes the original. */
    private static void call8(CorpusKit kit, Table t) {
        String a = "2026-11-22T17:00:00.000Z";
        ObjectNode original = kit.emergency(ALAN, "1763830800000", chat("alice-alan-1700"), "911", a, "Bletchley");
        ObjectNode edited = kit.emergency(ALAN, "1763830800000", chat("alice-alan-1700"), "911", a,
                "Bletchley Park, Hut 8");
        edited.put("lastModifiedDateTime", "2026-11-22T17:00:30.000Z");
        edited.put("lastEditedDateTime", "2026-11-22T17:00:30.000Z");
        ObjectNode inB = kit.emergency(ALAN, "1763830800200", chat("bob-alan-1700"), "911",
                "2026-11-22T17:00:00.200Z", "Bletchley");
        t.row("call 8 (911): Alice's message, the edit arriving before the original",
                value(kit.collection(kit.rich(SUB_A, "updated", edited))), items(firstSight()));
        t.row("call 8: Bob's chat", value(kit.collection(kit.rich(SUB_B, "created", inB))), items(firstSight()));
        t.row("call 8: Alice's original, after its edit", value(kit.collection(kit.rich(SUB_A, "created", original))),
                items(unchanged()));
        t.call(ExpectedCall.of("call 8", TENANT, ALAN.userId(), a, 2, 0, "911", false));
    }
}
