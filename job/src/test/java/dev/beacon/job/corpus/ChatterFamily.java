package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.EMERGENCY_WITHOUT_USER_SENDER;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.either;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.SUB_B;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Expected;
import dev.beacon.job.corpus.Corpus.Table;

/**
 * Valid, ordinary chat traffic around the calls: every kind of chat, edits, deletions, redeliveries, cards, quotes
 * of an alert, messages from bots and the system that use the alert's words. All of it is {@code ignored} (the bot
 * and system messages may instead be dead letters {@code emergency_without_user_sender}), and none of its content
 * may reach an output.
 */
final class ChatterFamily {

    private ChatterFamily() {}

    /**
     * The alert's words from a bot or the system: the built-in rule takes users only, so it is no emergency
     * ({@code ignored}); making such a near-miss visible as {@code emergency_without_user_sender} is right too.
     */
    private static Expected notFromAUser() {
        return either(items(ignored()), items(dead(EMERGENCY_WITHOUT_USER_SENDER)));
    }

    static Table build(CorpusKit kit) {
        Table t = new Table("chatter", 0);
        t.row("group chat", value(kit.collection(kit.richChatter("lunch at noon? the usual place"))),
                items(ignored()));
        t.row("one-on-one chat", value(kit.collection(kit.rich(SUB_A, "created",
                kit.chatter("19:8ea0e38b-efb3-4757-924a-5f94061cf8c2_97f62344-57dc-409c-88ad-c4af14158ff5"
                        + "@unq.gbl.spaces", "can you review my draft")))), items(ignored()));
        t.row("meeting chat", value(kit.collection(kit.rich(SUB_B, "created",
                kit.chatter("19:meeting_NjQ5ZDFmYjEtNzM0Ni00@thread.v2", "running five minutes late")))),
                items(ignored()));

        ObjectNode card = kit.chatter(chat("cards"), "weekly report");
        String cardText = kit.sentinel("card text");
        ((ArrayNode) card.get("attachments")).addObject().put("id", "att-1")
                .put("contentType", "application/vnd.microsoft.card.adaptive").putNull("contentUrl")
                .put("content", "{\"type\":\"AdaptiveCard\",\"body\":[{\"type\":\"TextBlock\",\"text\":\""
                        + cardText + " sales are up\"},{\"type\":\"FactSet\",\"facts\":[{\"title\":\"Region\","
                        + "\"value\":\"" + cardText + "\"}]}]}");
        t.row("adaptive card", value(kit.collection(kit.rich(SUB_A, "created", card))), items(ignored()));

        ObjectNode quote = kit.chatter(chat("desk-followup"), "on my way, who else is going");
        ((ArrayNode) quote.get("attachments")).addObject().put("id", "1763802001000")
                .put("contentType", "messageReference").putNull("contentUrl")
                .put("content", "{\"messageId\":\"1763802001000\",\"messagePreview\":\"Ada Lovelace has placed an"
                        + " Emergency Call to 911.\",\"messageSender\":{\"user\":{\"displayName\":\"Ada\"}}}");
        t.row("a reply quoting an emergency alert (messageReference)",
                value(kit.collection(kit.rich(SUB_A, "created", quote))), items(ignored()));

        ObjectNode edited = kit.chatter(chat("edits"), "meeting moved to three");
        edited.put("lastModifiedDateTime", "2026-11-22T09:10:00.000Z");
        edited.put("lastEditedDateTime", "2026-11-22T09:10:00.000Z");
        t.row("an edited message", value(kit.collection(kit.rich(SUB_A, "updated", edited))), items(ignored()));

        t.row("a deleted chatter message (no resource data)",
                value(kit.collection(kit.basic(SUB_A, "deleted", chat("edits"), kit.messageId()))), items(ignored()));

        byte[] twice = kit.collection(kit.richChatter("parking is full again"));
        t.row("chatter", value(twice), items(ignored()));
        t.row("the same chatter, redelivered", value(twice), items(ignored()));

        ObjectNode urgent = kit.chatter(chat("urgent"), "server room door is open");
        urgent.put("importance", "urgent");
        urgent.put("subject", kit.sentinel("subject line"));
        t.row("urgent message with a subject", value(kit.collection(kit.rich(SUB_B, "created", urgent))),
                items(ignored()));

        ObjectNode system = kit.chatter(chat("system"), "Ada Lovelace has placed an Emergency Call to 911.");
        system.put("messageType", "systemEventMessage");
        system.putNull("from");
        t.row("a system message with the alert's words (no user sender)",
                value(kit.collection(kit.rich(SUB_A, "created", system))), notFromAUser());

        ObjectNode bot = kit.chatter(chat("bot"), "Ada Lovelace has placed an Emergency Call to 911.");
        ObjectNode from = bot.putObject("from");
        from.putObject("application").put("id", "5a1f0c3e-1111-4c4c-9d9d-0a0a0a0a0a0a").put("displayName", "Bot")
                .put("applicationIdentityType", "bot");
        from.putNull("device");
        from.putNull("user");
        t.row("a bot posting the alert's words (application sender)",
                value(kit.collection(kit.rich(SUB_A, "created", bot))), notFromAUser());

        t.partition(1);
        t.row("three chatter messages in one collection", value(kit.collection(kit.richChatter("one"),
                kit.richChatter("two"), kit.richChatter("three"))), items(ignored(), ignored(), ignored()));
        ObjectNode plain = kit.chatter(chat("plain"), "plain text body");
        plain.putObject("body").put("contentType", "text").put("content",
                kit.sentinel("plain text") + " line one\nline two\tand a tab");
        t.row("plain-text body", value(kit.collection(kit.rich(SUB_B, "created", plain))), items(ignored()));
        return t;
    }
}
