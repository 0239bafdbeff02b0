package dev.beacon.job.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one text policy of Beacon's outputs: any Java string reaches any sink, losslessly, and never fails it.
 *
 * <p>Input JSON may legally carry what no output can hold as is: an unpaired UTF-16 surrogate
 * (<code>"&#92;ud800"</code>), which has no UTF-8 encoding, so a file writer throws and Kafka or pgjdbc would write
 * {@code ?}; and U+0000, which PostgreSQL text and jsonb refuse. Two rules, one per kind of output
 * (docs/architecture.md, "Any text, any sink"):
 *
 * <ul>
 *   <li><b>JSON</b> (JSON Lines files, Kafka values): standard JSON. Jackson escapes control characters
 *       (<code>&#92;u0000</code>); an unpaired surrogate is written as its escape (<code>&#92;uD800</code>). Any
 *       JSON reader gives back the exact string. {@link #json}, {@link #jsonUtf8}.
 *   <li><b>Text</b> (PostgreSQL text and text[] columns, string values inside jsonb, Kafka keys and headers): a
 *       backslash starts an escape. U+0000 and unpaired surrogates are stored as <code>&#92;uXXXX</code>; a
 *       backslash that would otherwise read as the start of an escape (followed by {@code u} or by a backslash in
 *       the stored text) is stored as {@code \\}. Every other character is stored as itself, so ordinary text, and
 *       JSON whose only escapes are {@code \"}, {@code \n} and the like, is unchanged. {@link #escapeText},
 *       {@link #unescapeText}.
 * </ul>
 */
public final class SafeText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SafeText() {}

    /**
     * The node as compact JSON text that encodes to UTF-8 without loss: unpaired surrogates become
     * <code>&#92;uXXXX</code> escapes.
     */
    public static String json(ObjectMapper mapper, JsonNode node) {
        String json;
        try {
            json = mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of standard nodes always serializes; this would be a bug, and the node may hold content.
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
        // Jackson writes every non-ASCII character of a tree inside a string literal (value or field name), where
        // the escape means the same character, so replacing the unpaired surrogates in the text is exact.
        return escapeUnpairedSurrogates(json);
    }

    /** {@link #json} as UTF-8. */
    public static byte[] jsonUtf8(ObjectMapper mapper, JsonNode node) {
        return json(mapper, node).getBytes(StandardCharsets.UTF_8);
    }

    /** The text rule: what PostgreSQL and Kafka keys and headers hold for {@code s}; null stays null. */
    public static String escapeText(String s) {
        if (s == null || !needsTextEscape(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp == 0 || isSurrogate(cp)) {
                appendUnicodeEscape(out, cp);
            } else if (cp == '\\' && readsAsEscapeAfterBackslash(s, next)) {
                out.append("\\\\");
            } else {
                out.appendCodePoint(cp);
            }
            i = next;
        }
        return out.toString();
    }

    /** The exact string {@link #escapeText} was given; null stays null. */
    public static String unescapeText(String stored) {
        if (stored == null || stored.indexOf('\\') < 0) {
            return stored;
        }
        StringBuilder out = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == '\\' && i + 1 < stored.length()) {
                char n = stored.charAt(i + 1);
                if (n == '\\') {
                    out.append('\\');
                    i++;
                    continue;
                }
                if (n == 'u' && isHex4(stored, i + 2)) {
                    out.append((char) Integer.parseInt(stored, i + 2, i + 6, 16));
                    i += 5;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** {@link #escapeText} as UTF-8, for Kafka keys and headers; null stays null. */
    public static byte[] escapedUtf8(String s) {
        return s == null ? null : escapeText(s).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Applies {@link #escapeText} to every string value in the tree, in place, so its JSON fits a jsonb column
     * (jsonb refuses <code>&#92;u0000</code> and unpaired surrogate escapes). Field names are left alone: Beacon's own.
     */
    public static void escapeTextValues(JsonNode node) {
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (child.isTextual()) {
                    array.set(i, array.textNode(escapeText(child.textValue())));
                } else {
                    escapeTextValues(child);
                }
            }
        } else if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                if (e.getValue().isTextual()) {
                    e.setValue(object.textNode(escapeText(e.getValue().textValue())));
                } else {
                    escapeTextValues(e.getValue());
                }
            }
        }
    }

    private static boolean needsTextEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c == '\\' || Character.isSurrogate(c)) {
                return true; // a paired surrogate takes the slow path too, which keeps it as it is
            }
        }
        return false;
    }

    /**
     * Whether a backslash followed by the text at {@code i} would read back as an escape: the stored text there
     * starts with {@code u} or with a backslash (a literal one, or the start of a <code>&#92;uXXXX</code> escape).
     */
    private static boolean readsAsEscapeAfterBackslash(String s, int i) {
        if (i >= s.length()) {
            return false;
        }
        int cp = s.codePointAt(i);
        return cp == 'u' || cp == '\\' || cp == 0 || isSurrogate(cp);
    }

    private static String escapeUnpairedSurrogates(String s) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isSurrogate(cp)) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16);
                }
                out.append(s, copied, i);
                appendUnicodeEscape(out, cp);
                copied = next;
            }
            i = next;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** {@code codePointAt} returns a surrogate only when it is unpaired. */
    private static boolean isSurrogate(int cp) {
        return cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
    }

    private static void appendUnicodeEscape(StringBuilder out, int codeUnit) {
        out.append("\\u")
                .append(HEX[(codeUnit >> 12) & 0xF])
                .append(HEX[(codeUnit >> 8) & 0xF])
                .append(HEX[(codeUnit >> 4) & 0xF])
                .append(HEX[codeUnit & 0xF]);
    }

    private static boolean isHex4(String s, int from) {
        if (from + 4 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 4; i++) {
            char c = s.charAt(i);
            // ASCII only: Character.digit would also accept, say, Arabic-Indic digits.
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
