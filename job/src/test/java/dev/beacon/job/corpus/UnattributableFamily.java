package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.DETECTION_BUDGET_EXHAUSTED;
import static dev.beacon.job.corpus.Corpus.DETECTION_FAILED;
import static dev.beacon.job.corpus.Corpus.EMERGENCY_WITHOUT_USER_SENDER;
import static dev.beacon.job.corpus.Corpus.MISSING_CALL_TIME;
import static dev.beacon.job.corpus.Corpus.MISSING_MESSAGE_ID;
import static dev.beacon.job.corpus.Corpus.MISSING_TENANT;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;
import static dev.beacon.job.corpus.CorpusKit.valueAt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.corpus.CorpusKit.Caller;

/**
 * Authentic messages that the rules match (or try to) but that cannot become a fact: no tenant, no user sender,
 * no message id, no call time at all; and messages on which an admin's detection rule gives up or breaks. Each is a
 * dead letter with its specific reason: silently ignoring a possible emergency would hide it, and turning it into
 * a fact with made-up keys would corrupt the facts.
 */
final class UnattributableFamily {

    private UnattributableFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("unattributable", 1);

        Caller nobody = new Caller(null, "77777777-8888-4999-8aaa-bbbbbbbbbbbb", "Tenantless Caller");
        ObjectNode noTenant = kit.rich(SUB_A, "created", kit.emergency(nobody, kit.messageId(), chat("no-tenant"),
                "911", "2026-11-22T18:00:00.000Z", "Unknown"), null);
        t.row("emergency without any tenant id", value(kit.collection(noTenant)), items(dead(MISSING_TENANT)));

        Caller anonymous = new Caller(CorpusKit.TENANT, null, "Anonymous Caller");
        t.row("emergency from a user without an id", value(kit.collection(kit.rich(SUB_A, "created",
                kit.emergency(anonymous, kit.messageId(), chat("no-user-id"), "911", "2026-11-22T18:10:00.000Z",
                        "Unknown")))), items(dead(EMERGENCY_WITHOUT_USER_SENDER)));

        Caller barbara = new Caller(CorpusKit.TENANT, "88888888-9999-4aaa-8bbb-cccccccccccc", "Barbara Liskov");
        ObjectNode noId = kit.emergency(barbara, "unused", chat("no-message-id"), "911", "2026-11-22T18:20:00.000Z",
                "Unknown");
        noId.remove("id");
        ObjectNode noIdItem = kit.rich(SUB_A, "created", noId);
        noIdItem.put("resource", "chats('" + chat("no-message-id") + "')/messages");
        ((ObjectNode) noIdItem.get("resourceData")).remove("id");
        ((ObjectNode) noIdItem.get("resourceData")).put("@odata.id", "chats('" + chat("no-message-id") + "')");
        t.row("emergency without a message id anywhere", value(kit.collection(noIdItem)),
                items(dead(MISSING_MESSAGE_ID)));

        Caller radia = new Caller(CorpusKit.TENANT, "99999999-aaaa-4bbb-8ccc-dddddddddddd", "Radia Perlman");
        t.row("emergency without createdDateTime in a record without a timestamp",
                valueAt(0L, kit.collection(kit.rich(SUB_A, "created", kit.emergency(radia, kit.messageId(),
                        chat("no-time"), "911", null, "Unknown")))), items(dead(MISSING_CALL_TIME)));

        ObjectNode backtracking = kit.chatter(chat("admin-rules"), "panic code");
        ((ObjectNode) backtracking.get("body")).put("content", backtracking.path("body").path("content").asText()
                + "<p>panic code " + commas(30) + "</p>");
        t.row("an admin rule backtracks until its budget is spent", value(kit.collection(kit.rich(SUB_A, "created",
                backtracking))), items(dead(DETECTION_BUDGET_EXHAUSTED)));

        ObjectNode deep = kit.chatter(chat("admin-rules"), "security alert");
        ((ObjectNode) deep.get("body")).put("content", deep.path("body").path("content").asText()
                + "<p>security alert: " + "all quiet on the western front ".repeat(2_000) + "</p>");
        t.row("an admin rule overflows the stack on a long message (StackOverflowError)",
                value(kit.collection(kit.rich(SUB_A, "created", deep))), items(dead(DETECTION_FAILED)));
        return t;
    }

    private static String commas(int n) {
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            csv.append(i).append(',');
        }
        return csv.toString();
    }
}
