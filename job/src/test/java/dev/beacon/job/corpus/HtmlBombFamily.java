package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Table;

/**
 * Hostile HTML in a decrypted message body, from an ordinary chat participant: deeply nested and unclosed tags,
 * huge attributes, entity floods, unterminated comments and quotes, the alert's words hidden in markup nobody
 * sees, a deeply nested adaptive card. Each must be read in bounded time and end up {@code ignored}, with no
 * content in any output. Each record stays well under the record limit after encryption.
 */
final class HtmlBombFamily {

    private HtmlBombFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("html-bombs", 1);
        t.row("20,000 nested <div>", bomb(kit, "nested divs",
                "<div>".repeat(20_000) + "deep text" + "</div>".repeat(20_000)), items(ignored()));
        t.row("100,000 unclosed <b>", bomb(kit, "unclosed", "<b>".repeat(100_000) + "bold"), items(ignored()));
        t.row("a 900 KB attribute value", bomb(kit, "huge attribute",
                "<img alt=\"" + "a".repeat(900_000) + "\" src=\"x\">after"), items(ignored()));
        t.row("an attribute quote that never closes", bomb(kit, "open quote",
                "<a href=\"" + "<p>".repeat(50_000)), items(ignored()));
        t.row("200,000 named entities", bomb(kit, "entity flood", "&amp;&nbsp;&lt;".repeat(70_000)),
                items(ignored()));
        t.row("numeric entities: out of range, surrogates, NUL, overlong", bomb(kit, "numeric entities",
                "&#x110000;&#xD800;&#xDFFF;&#0;&#99999999999;&#x;&#;".repeat(10_000)), items(ignored()));
        t.row("a comment that never closes", bomb(kit, "open comment", "<!-- " + "x".repeat(100_000)),
                items(ignored()));
        t.row("the alert's words inside <script> and <style>", bomb(kit, "hidden script",
                "<script>Ada Lovelace has placed an Emergency Call to 911.</script><style>has placed an Emergency"
                        + " Call</style>"), items(ignored()));
        t.row("the alert's words inside a comment", bomb(kit, "hidden comment",
                "<!-- Ada Lovelace has placed an Emergency Call to 911. -->"), items(ignored()));
        t.row("50,000 unterminated tags '<a'", bomb(kit, "open tags", "<a ".repeat(50_000)), items(ignored()));
        t.row("tags with 10,000 attributes", bomb(kit, "many attributes",
                "<p " + "x=1 ".repeat(10_000) + ">text</p>"), items(ignored()));

        ObjectNode card = kit.chatter(chat("card-bomb"), "card bomb");
        String deepCard = "{\"type\":\"AdaptiveCard\",\"body\":" + "[{\"items\":".repeat(5_000) + "[]"
                + "}]".repeat(5_000) + "}";
        ((ArrayNode) card.get("attachments")).addObject().put("id", "att-1")
                .put("contentType", "application/vnd.microsoft.card.adaptive").put("content", deepCard);
        t.row("adaptive card nested 5,000 deep", value(kit.collection(kit.rich(SUB_A, "created", card))),
                items(ignored()));
        ObjectNode notJson = kit.chatter(chat("card-bomb"), "card not json");
        ((ArrayNode) notJson.get("attachments")).addObject().put("id", "att-1")
                .put("contentType", "application/vnd.microsoft.card.adaptive").put("content", "{\"body\":[".repeat(1000));
        t.row("adaptive card content that is not JSON", value(kit.collection(kit.rich(SUB_A, "created", notJson))),
                items(ignored()));
        return t;
    }

    /** A chatter notification whose body is the sentinel text followed by {@code html}. */
    private static Corpus.RecordMaker bomb(CorpusKit kit, String what, String html) {
        ObjectNode m = kit.chatter(chat("bombs"), what);
        ObjectNode body = (ObjectNode) m.get("body");
        body.put("content", body.path("content").asText() + html);
        return value(kit.collection(kit.rich(SUB_A, "created", m)));
    }
}
