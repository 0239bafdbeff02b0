package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.CLIENT_STATE_MISMATCH;
import static dev.beacon.job.corpus.Corpus.INVALID_NOTIFICATION;
import static dev.beacon.job.corpus.Corpus.INVALID_RESOURCE_DATA;
import static dev.beacon.job.corpus.Corpus.MALFORMED_JSON;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.either;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Expected;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.corpus.CorpusKit.Caller;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Unicode and byte-level trouble, in the record and in the decrypted message: lone UTF-16 surrogates written as
 * JSON escapes (valid JSON, invalid Unicode), NUL and control characters, bytes that are not UTF-8 (invalid, CESU-8
 * surrogates, overlong encodings), characters outside the BMP, and right-to-left, zero-width and homoglyph text
 * around the alert's words. JSON that is not UTF-8 is malformed (RFC 8259 section 8.1; RFC 3629 forbids overlong
 * forms); valid JSON with odd characters is processed, and its ids must still be writable by every sink.
 */
final class EncodingFamily {

    private static final Caller SPOOFER = new Caller(CorpusKit.TENANT, CorpusKit.CHATTER_USER, "Bob Builder");

    private EncodingFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("encodings", 0);
        String item = kit.bytesAsText(kit.basic(SUB_A, "created", chat("encodings"), "1763900001000"));

        t.row("lone high surrogate escape in the chat id", value("{\"value\":[" + item.replace("19:corpus-encodings",
                "19:corpus-\\ud800-encodings") + "]}"), eitherMalformedOr(items(needsHydration())));
        t.row("lone low surrogate escape in the message id", value("{\"value\":[" + item.replace("1763900001000",
                "17639\\udc0000") + "]}"), eitherMalformedOr(items(needsHydration())));
        t.row("lone surrogate escape as a key", value("{\"value\":[{\"\\ud800\":\"x\"," + item.substring(1) + "]}"),
                eitherMalformedOr(items(needsHydration())));
        t.row("lone surrogate escape in clientState", value("{\"value\":[" + item.replace("\"clientState\":\"",
                "\"clientState\":\"\\udfff") + "]}"), eitherMalformedOr(items(dead(CLIENT_STATE_MISMATCH))));
        t.row("NUL and control character escapes in the subscription id", value("{\"value\":["
                + item.replace(SUB_A, SUB_A + "\\u0000\\u0007\\u001b[31m\\u2028") + "]}"),
                items(dead(INVALID_NOTIFICATION)));

        t.row("invalid UTF-8 in the record", value(splice("{\"value\":[" + item.replace("encodings", "enc@@odings")
                + "]}", new byte[] {(byte) 0xC3, 0x28})), whole(dead(MALFORMED_JSON)));
        t.row("CESU-8 (UTF-8 encoded surrogate) in the record", value(splice("{\"value\":["
                + item.replace("encodings", "enc@@odings") + "]}", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})),
                whole(dead(MALFORMED_JSON)));
        t.row("overlong UTF-8 ('/' as C0 AF) in the record", value(splice("{\"value\":["
                + item.replace("encodings", "enc@@odings") + "]}", new byte[] {(byte) 0xC0, (byte) 0xAF})),
                whole(dead(MALFORMED_JSON)));
        t.row("overlong UTF-8 (''' as E0 80 A7) in the record", value(splice("{\"value\":["
                + item.replace("encodings", "enc@@odings") + "]}", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xA7})),
                whole(dead(MALFORMED_JSON)));
        t.row("a raw 0xFF byte in the record", value(splice("{\"value\":[" + item.replace("encodings", "enc@@odings")
                + "]}", new byte[] {(byte) 0xFF})), whole(dead(MALFORMED_JSON)));

        // The decrypted message.
        t.row("decrypted message with invalid UTF-8", value(kit.collection(kit.rich(SUB_A, "created",
                chatterBytes(kit, "invalid utf8", new byte[] {(byte) 0xC3, 0x28})))), items(dead(INVALID_RESOURCE_DATA)));
        t.row("decrypted message with an overlong UTF-8 sequence", value(kit.collection(kit.rich(SUB_A, "created",
                chatterBytes(kit, "overlong utf8", new byte[] {(byte) 0xC0, (byte) 0xBC})))),
                items(dead(INVALID_RESOURCE_DATA)));
        t.row("decrypted message with lone surrogate escapes", value(kit.collection(kit.rich(SUB_A, "created",
                chatterEscaped(kit, "lone surrogates", "\\ud800 \\udbff\\u0041 \\udc00")))),
                either(items(dead(INVALID_RESOURCE_DATA)), items(ignored())));
        t.row("decrypted message with NUL and control characters", value(kit.collection(kit.rich(SUB_A, "created",
                chatterEscaped(kit, "control characters", "a\\u0000b\\u0001c\\u007f\\u0085\\u009b")))),
                items(ignored()));
        t.row("characters outside the BMP", value(kit.collection(kit.richChatter(
                "\uD83D\uDE92\uD83D\uDE91 \uD835\uDC07\uD835\uDC1A\uD835\uDC2C \uD840\uDC00 drill at ten"))),
                items(ignored()));

        // The alert's words, spoofed by a chat participant.
        t.row("homoglyphs: the alert's words with a Cyrillic a", value(kit.collection(kit.rich(SUB_A, "created",
                spoof(kit, "Ada Lovelace has pl\u0430ced an Emergency Call to 911.")))), items(ignored()));
        t.row("right-to-left override: the alert's words reversed", value(kit.collection(kit.rich(SUB_A, "created",
                spoof(kit, "\u202E.119 ot llaC ycnegremE na decalp sah ecalevoL adA")))), items(ignored()));
        t.row("zero-width space inside a word of the alert", value(kit.collection(kit.rich(SUB_A, "created",
                spoof(kit, "Ada Lovelace has placed an Emer\u200Bgency Call to 911.")))), items(ignored()));
        return t;
    }

    /** Lone surrogates: RFC 8259 section 8.2 leaves their handling open; rejecting the record is right too. */
    private static Expected eitherMalformedOr(Expected processed) {
        return either(whole(dead(MALFORMED_JSON)), processed);
    }

    /** The JSON text with {@code @@} replaced by raw bytes. */
    static byte[] splice(String json, byte[] raw) {
        int at = json.indexOf("@@");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        out.writeBytes(json.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** A chatter message whose JSON bytes contain {@code raw} inside the body text. */
    private static ObjectNode chatterBytes(CorpusKit kit, String what, byte[] raw) {
        return new RawMessage(kit.chatter(chat("encodings-raw"), what), raw, null);
    }

    /** A chatter message whose JSON has {@code escapes} (JSON escape sequences) inside the body text. */
    private static ObjectNode chatterEscaped(CorpusKit kit, String what, String escapes) {
        return new RawMessage(kit.chatter(chat("encodings-escaped"), what), null, escapes);
    }

    /** A user (not the caller of any call) posting text that imitates the alert. */
    private static ObjectNode spoof(CorpusKit kit, String text) {
        ObjectNode m = kit.chatter(chat("spoof"), "spoof");
        m.put("importance", "high");
        ((ObjectNode) m.get("body")).put("content", "<p>" + m.path("body").path("content").asText() + " "
                + CorpusKit.html(text) + "</p>");
        CorpusKit.from(m, SPOOFER.userId(), SPOOFER.displayName(), SPOOFER.tenantId());
        return m;
    }

    /**
     * A message node that {@link CorpusKit#rich} encrypts with bytes Jackson would never write: the marker text
     * {@code RAW-HERE} in the body is replaced by raw bytes or by literal escape sequences when serialized.
     */
    static final class RawMessage extends ObjectNode {
        private static final long serialVersionUID = 1L;
        static final String MARKER = "RAW-HERE";
        final byte[] raw;
        final String escapes;

        RawMessage(ObjectNode message, byte[] raw, String escapes) {
            super(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance);
            setAll(message);
            ObjectNode body = (ObjectNode) get("body");
            body.put("content", body.path("content").asText() + " " + MARKER);
            this.raw = raw;
            this.escapes = escapes;
        }

        byte[] serialized(byte[] json) {
            String text = new String(json, StandardCharsets.UTF_8);
            if (escapes != null) {
                return text.replace(MARKER, escapes).getBytes(StandardCharsets.UTF_8);
            }
            return splice(text.replace(MARKER, "@@"), raw);
        }
    }
}
