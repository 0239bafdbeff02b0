package dev.beacon.job.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps the {@code clientState} member of Graph notifications out of Beacon's outputs. Works by structure: a member
 * counts when its name is {@code clientState} once JSON escapes are undone (ignoring case, as the old text scanner
 * did), whatever its value is (string, object, array, number, null) and wherever it sits (top level, CloudEvents
 * {@code data}, {@code value[]} items, anything nested).
 *
 * <p>Parsed JSON goes through {@link #masked} or {@link #removed}; text that did not parse goes through
 * {@link #maskedInText}, a scanner that tolerates broken and cut-off JSON.
 */
public final class ClientStateRedaction {

    /** What a redacted value (or secret) is replaced with. */
    public static final String MARKER = "[redacted]";

    private static final String KEY = "clientState";
    private static final TextNode MARKER_NODE = TextNode.valueOf(MARKER);

    private ClientStateRedaction() {}

    public static boolean isClientStateKey(String name) {
        return KEY.equalsIgnoreCase(name);
    }

    /**
     * The node with the value of every {@code clientState} member replaced by {@link #MARKER}. The input is not
     * changed; it is returned as is when it holds no such member.
     */
    public static JsonNode masked(JsonNode node) {
        return redact(node, false);
    }

    /** The node without any {@code clientState} member, for systems that must not see one at all. */
    public static JsonNode removed(JsonNode node) {
        return redact(node, true);
    }

    /** Copy-on-write: only the containers on the path to a clientState member are copied. */
    private static JsonNode redact(JsonNode node, boolean remove) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = null;
            List<String> drop = null;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                JsonNode replacement;
                if (isClientStateKey(field.getKey())) {
                    if (remove) {
                        drop = drop == null ? new ArrayList<>() : drop;
                        drop.add(field.getKey());
                        continue;
                    }
                    replacement = MARKER_NODE;
                } else {
                    replacement = redact(value, remove);
                }
                if (replacement != value) {
                    copy = copy == null ? object.deepCopy() : copy;
                    copy.set(field.getKey(), replacement);
                }
            }
            if (drop != null) {
                copy = copy == null ? object.deepCopy() : copy;
                copy.remove(drop);
            }
            return copy == null ? node : copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = null;
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                JsonNode replacement = redact(value, remove);
                if (replacement != value) {
                    copy = copy == null ? array.deepCopy() : copy;
                    copy.set(i, replacement);
                }
            }
            return copy == null ? node : copy;
        }
        return node;
    }

    /**
     * Replaces the value of every {@code "clientState": value} member of JSON text with {@code "[redacted]"}. For text
     * that did not parse (malformed, cut off, over a limit), so it is a plain scanner: any quote may open the key,
     * the key may be written with escapes (<code>"client&#92;u0053tate"</code>), and the value may be a string, an
     * object or array (skipped to its matching bracket), or a scalar. A value cut off by the end of the text is
     * redacted to the end. Linear in the text's length; no recursion, no regex.
     */
    public static String maskedInText(String json) {
        if (json == null || json.isEmpty()) {
            return json;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = json.indexOf('"');
        while (i >= 0 && i < json.length()) {
            int afterKey = keyEnd(json, i);
            if (afterKey < 0) {
                i = json.indexOf('"', i + 1);
                continue;
            }
            int colon = skipWhitespace(json, afterKey);
            if (colon >= json.length() || json.charAt(colon) != ':') {
                i = json.indexOf('"', i + 1);
                continue;
            }
            int valueStart = skipWhitespace(json, colon + 1);
            if (valueStart >= json.length()) {
                break; // cut off before the value: nothing to hide
            }
            int valueEnd = valueEnd(json, valueStart);
            out = out == null ? new StringBuilder(json.length()) : out;
            out.append(json, copied, valueStart).append('"').append(MARKER).append('"');
            copied = valueEnd;
            i = valueEnd >= json.length() ? -1 : json.indexOf('"', valueEnd);
        }
        if (out == null) {
            return json;
        }
        return out.append(json, copied, json.length()).toString();
    }

    /**
     * If a JSON string starting at the quote {@code quote} spells {@code clientState} (escapes undone, any case),
     * the index after its closing quote; otherwise -1. Stops early on the first character that cannot match.
     */
    private static int keyEnd(String s, int quote) {
        int i = quote + 1;
        for (int k = 0; k < KEY.length(); k++) {
            if (i >= s.length()) {
                return -1;
            }
            int decoded;
            int width;
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < s.length() && s.charAt(i + 1) == 'u' && isHex4(s, i + 2)) {
                    decoded = Integer.parseInt(s, i + 2, i + 6, 16);
                    width = 6;
                } else {
                    return -1; // no other escape spells a letter
                }
            } else {
                decoded = c;
                width = 1;
            }
            if (Character.toLowerCase(decoded) != Character.toLowerCase(KEY.charAt(k))) {
                return -1;
            }
            i += width;
        }
        return i < s.length() && s.charAt(i) == '"' ? i + 1 : -1;
    }

    private static boolean isHex4(String s, int from) {
        if (from + 4 > s.length()) {
            return false;
        }
        for (int j = from; j < from + 4; j++) {
            if (Character.digit(s.charAt(j), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The end (exclusive) of the JSON value starting at {@code i}, or the text's length when it is cut off. */
    private static int valueEnd(String s, int i) {
        char c = s.charAt(i);
        if (c == '"') {
            int end = endOfString(s, i + 1);
            return end < s.length() ? end + 1 : end;
        }
        if (c == '{' || c == '[') {
            // Brackets of both kinds are counted together: for broken input the point is to stop at a plausible
            // end, and strings are skipped so that brackets inside them do not count.
            int depth = 0;
            int j = i;
            while (j < s.length()) {
                char d = s.charAt(j);
                if (d == '"') {
                    j = endOfString(s, j + 1);
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
                j++;
            }
            return s.length();
        }
        int j = i;
        while (j < s.length()) {
            char d = s.charAt(j);
            if (d == ',' || d == '}' || d == ']' || Character.isWhitespace(d)) {
                break;
            }
            j++;
        }
        return j;
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index of the closing quote of a JSON string whose content starts at {@code i}, or the text's length. */
    private static int endOfString(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return s.length();
    }
}
