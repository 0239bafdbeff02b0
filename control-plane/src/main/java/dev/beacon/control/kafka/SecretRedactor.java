package dev.beacon.control.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets, by key, from what goes into a dead letter. The job already strips {@code clientState} from
 * lifecycle notices; this is the second line: a record that is not what we expect is exactly the one that may
 * carry something it should not. Keys match case-insensitively, ignoring {@code _} and {@code -}.
 *
 * <p>JSON is redacted in the tree (any depth, also inside string values that are themselves JSON); anything
 * else, including JSON cut short, by a scanner for {@code "key": value} and {@code key=value}.
 */
public final class SecretRedactor {

    public static final String REDACTED = "[redacted]";

    /** Exact keys (normalised: lower case, no '_' or '-'). */
    private static final Set<String> KEYS = Set.of("clientstate", "authorization", "password", "passwd", "secret",
            "token", "encryptedcontent", "datakey", "connectionstring", "sharedaccesskey", "apikey", "privatekey",
            "certificate", "encryptioncertificate", "cookie");

    /** Any key ending like this is a secret too ({@code refresh_token}, {@code client_secret}, …). */
    private static final List<String> SUFFIXES = List.of("secret", "password", "token", "clientstate", "accesskey",
            "apikey", "privatekey", "connectionstring");

    private static final String KEY_NAME = "[A-Za-z0-9_\\-]*";

    /** {@code "key" : "value"} (also unterminated, as in a record cut short) or {@code "key" : scalar}. */
    private static final Pattern QUOTED_MEMBER = Pattern.compile(
            "(\"(" + KEY_NAME + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*(?:\"|$)|[^,}\\]\\s]+)");

    /** {@code key=value} as in form bodies, query strings and connection strings. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(\\b(" + KEY_NAME + ")\\s*=\\s*)([^&;,\\s\"]+)");

    private SecretRedactor() {}

    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return KEYS.contains(k) || SUFFIXES.stream().anyMatch(k::endsWith);
    }

    /** Redacts {@code node} in place and returns it. */
    public static JsonNode redact(JsonNode node, ObjectMapper mapper) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (isSecretKey(name)) {
                    o.put(name, REDACTED);
                } else {
                    o.set(name, redact(o.get(name), mapper));
                }
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, redact(a.get(i), mapper));
            }
            return a;
        }
        if (node instanceof TextNode t) {
            String redacted = redactText(t.asText(), mapper);
            return redacted.equals(t.asText()) ? t : TextNode.valueOf(redacted);
        }
        return node;
    }

    /** Redacts a text: as JSON when it parses as an object or array, else with the scanners. */
    public static String redactText(String text, ObjectMapper mapper) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode n = mapper.readTree(trimmed);
                if (n != null && (n.isObject() || n.isArray())) {
                    return mapper.writeValueAsString(redact(n, mapper));
                }
            } catch (IOException e) {
                // not JSON after all (or cut short): the scanners below
            }
        }
        return scan(ASSIGNMENT, scan(QUOTED_MEMBER, text, true), false);
    }

    private static String scan(Pattern pattern, String text, boolean quoted) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = isSecretKey(m.group(2))
                    ? m.group(1) + (quoted ? "\"" + REDACTED + "\"" : REDACTED)
                    : m.group(0);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
