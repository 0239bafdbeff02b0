package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.ODD_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeTextTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void textRuleChangesOnlyNulUnpairedSurrogatesAndBackslashesThatWouldReadAsEscapes() {
        ODD_TEXT.forEach((original, stored) -> assertThat(SafeText.escapeText(original)).isEqualTo(stored));
        assertThat(SafeText.escapeText("Ada Lovelace")).isEqualTo("Ada Lovelace");
        assertThat(SafeText.escapeText("\uD800\uDC00")).isEqualTo("\uD800\uDC00"); // a pair is U+10000
        assertThat(SafeText.escapeText("\uDC00\uD800")).isEqualTo("\\uDC00\\uD800"); // wrong order: two halves
        assertThat(SafeText.escapeText("\uD800\uD800\uDC00")).isEqualTo("\\uD800\uD800\uDC00");
        // JSON's usual escapes and a trailing backslash stay as they are: a raw payload reads as it arrived.
        assertThat(SafeText.escapeText("{\"a\":\"x\\\"y\\n\\/\"}\\")).isEqualTo("{\"a\":\"x\\\"y\\n\\/\"}\\");
        assertThat(SafeText.escapeText("\\\\")).isEqualTo("\\\\\\");
        assertThat(SafeText.escapeText("\\\u0000")).isEqualTo("\\\\\\u0000");
        assertThat(SafeText.escapeText("\\\uDC00")).isEqualTo("\\\\\\uDC00");
        assertThat(SafeText.escapeText(null)).isNull();
        assertThat(SafeText.escapedUtf8(null)).isNull();
        assertThat(SafeText.unescapeText(null)).isNull();
    }

    /** Every string of up to six characters over an alphabet of escape material comes back exactly. */
    @Test
    void textRuleIsLosslessAndItsStoredFormHoldsNoNulOrUnpairedSurrogate() {
        char[] alphabet = {'\\', 'u', '0', '\u0000', '\uD800', '\uDC00'};
        List<String> strings = new ArrayList<>(List.of(""));
        int checked = 0;
        for (int length = 1; length <= 6; length++) {
            List<String> longer = new ArrayList<>();
            for (String s : strings) {
                for (char c : alphabet) {
                    longer.add(s + c);
                }
            }
            strings = longer;
            for (String s : strings) {
                String stored = SafeText.escapeText(s);
                assertThat(SafeText.unescapeText(stored)).as("%s", stored).isEqualTo(s);
                assertThat(stored.indexOf('\u0000')).isEqualTo(-1);
                assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(stored)).as("%s", stored).isTrue();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(55_986);
    }

    @Test
    void unescapeReadsUnknownBackslashesAsThemselves() {
        assertThat(SafeText.unescapeText("C:\\temp\\x\\u12\\u00e9\\")).isEqualTo("C:\\temp\\x\\u12\u00e9\\");
        // Only ASCII hex digits make an escape.
        assertThat(SafeText.unescapeText("\\u\u0661\u0662\u0663\u0664")).isEqualTo("\\u\u0661\u0662\u0663\u0664");
    }

    @Test
    void jsonEscapesUnpairedSurrogatesAndKeepsEverythingElse() throws Exception {
        ObjectNode node = mapper.createObjectNode();
        ODD_TEXT.keySet().forEach(text -> node.withArray("values").add(text));

        String json = SafeText.json(mapper, node);

        assertThat(json).isEqualTo("{\"values\":[\"\\uD800\",\"\\uDC00x\",\"a\\u0000b\",\"\\u0001\","
                + "\"\uD83D\uDE91 to Building 4\",\"C:\\\\u00e9\\\\\"]}");
        assertThat(mapper.readTree(json)).isEqualTo(node);
        byte[] utf8 = SafeText.jsonUtf8(mapper, node);
        assertThat(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8)).toString()).isEqualTo(json);
        assertThat(mapper.readTree(utf8)).isEqualTo(node);
    }

    @Test
    void escapeTextValuesAppliesTheTextRuleToEveryStringValue() throws Exception {
        JsonNode refs = mapper.readTree("[{\"chat_id\":\"a\\u0000b\",\"deleted\":true,\"n\":[\"\\ud800\",1]}]");

        SafeText.escapeTextValues(refs);

        assertThat(refs.toString())
                .isEqualTo("[{\"chat_id\":\"a\\\\u0000b\",\"deleted\":true,\"n\":[\"\\\\uD800\",1]}]");
        assertThat(SafeText.unescapeText(refs.get(0).get("chat_id").textValue())).isEqualTo("a\u0000b");
    }
}
