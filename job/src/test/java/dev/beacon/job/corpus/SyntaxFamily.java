package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.MALFORMED_JSON;
import static dev.beacon.job.corpus.Corpus.UNRECOGNIZED_ENVELOPE;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.value;

import dev.beacon.job.corpus.Corpus.Table;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Records that are not JSON, or not quite: each is one dead letter for the record as a whole ({@code
 * malformed_json}, or {@code unrecognized_envelope} for JSON that is no envelope), except a UTF-8 byte-order mark,
 * which JSON parsers may ignore (RFC 8259 section 8.1).
 */
final class SyntaxFamily {

    private SyntaxFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("syntax", 1);
        String item = kit.bytesAsText(kit.basic(CorpusKit.SUB_A, "created", CorpusKit.chat("syntax"), "1"));
        String collection = "{\"value\":[" + item + "]}";
        String secret = kit.secret;

        t.row("truncated JSON", value(collection.substring(0, collection.length() / 2)), whole(dead(MALFORMED_JSON)));
        t.row("truncated inside the clientState value", value("{\"value\":[{\"subscriptionId\":\"x\","
                + "\"clientState\":\"" + secret.substring(0, secret.length() - 3)), whole(dead(MALFORMED_JSON)));
        t.row("trailing garbage", value(collection + " trailing"), whole(dead(MALFORMED_JSON)));
        t.row("two JSON documents in one record", value(collection + collection), whole(dead(MALFORMED_JSON)));
        t.row("block comment", value("/* comment */" + collection), whole(dead(MALFORMED_JSON)));
        t.row("line comment", value("// comment\n" + collection), whole(dead(MALFORMED_JSON)));
        t.row("NaN", value("{\"value\":[{\"subscriptionId\":NaN}]}"), whole(dead(MALFORMED_JSON)));
        t.row("Infinity", value("{\"value\":[{\"subscriptionId\":-Infinity}]}"), whole(dead(MALFORMED_JSON)));
        t.row("duplicate clientState in an item (the second one is the secret)",
                value("{\"value\":[{\"clientState\":\"forged\"," + item.substring(1) + "]}"),
                whole(dead(MALFORMED_JSON)));
        t.row("duplicate value key", value("{\"value\":[],\"value\":[" + item + "]}"), whole(dead(MALFORMED_JSON)));
        t.row("escaped clientState key and trailing garbage", value("{\"value\":[{\"client\\u0053tate\":\""
                + secret + "\",\"subscriptionId\":\"x\"}]} garbage"), whole(dead(MALFORMED_JSON)));
        t.row("single quotes", value(collection.replace('"', '\'')), whole(dead(MALFORMED_JSON)));
        t.row("unquoted keys", value("{value:[" + item + "]}"), whole(dead(MALFORMED_JSON)));
        t.row("unescaped control characters in a string",
                value("{\"value\":[{\"subscriptionId\":\"a\u0000b\tc\"}]}"), whole(dead(MALFORMED_JSON)));
        t.row("empty record (0 bytes)", value(new byte[0]), whole(dead(MALFORMED_JSON)));
        t.row("whitespace only", value(" \r\n\t  "), whole(dead(MALFORMED_JSON)));
        t.row("binary (gzip header and bytes)", value(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,
            (byte) 0xcb, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0, (byte) 0x86, (byte) 0xa6, 0x10, 0x36,
            5, 0, 0, 0}), whole(dead(MALFORMED_JSON)));
        t.row("JSON null", value("null"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("JSON number", value("42"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("JSON string", value("\"{\\\"value\\\":[]}\""), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("JSON true", value("true"), whole(dead(UNRECOGNIZED_ENVELOPE)));

        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.writeBytes(kit.collection(kit.richChatter("byte order mark")));
        t.row("UTF-8 byte-order mark before a valid collection", value(bom.toByteArray()), items(ignored()));
        t.row("only a byte-order mark", value("\uFEFF".getBytes(StandardCharsets.UTF_8)), whole(dead(MALFORMED_JSON)));
        return t;
    }
}
