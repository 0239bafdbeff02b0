package dev.beacon.job.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientStateRedactionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every shape at once: an escaped key, object, array, null and nested values, CloudEvents data, value[]. */
    private static final String EVERY_SHAPE = "{\"client\\u0053tate\":\"S1\",\"a\":{\"clientState\":{\"x\":\"S2\"}},"
            + "\"value\":[{\"clientState\":[\"S3\",{\"clientState\":1}],\"id\":\"m1\"},{\"ClientState\":null}],"
            + "\"data\":{\"value\":[{\"clientState\":\"S4\",\"resource\":\"r\"}]}}";

    @Nested
    class ParsedJson {

        @Test
        void masksEveryClientStateMemberWhateverItsValue() throws Exception {
            JsonNode node = JSON.readTree(EVERY_SHAPE);
            String before = node.toString();

            JsonNode masked = ClientStateRedaction.masked(node);

            assertThat(masked.toString()).isEqualTo("{\"clientState\":\"[redacted]\",\"a\":{\"clientState\":"
                    + "\"[redacted]\"},\"value\":[{\"clientState\":\"[redacted]\",\"id\":\"m1\"},{\"ClientState\":"
                    + "\"[redacted]\"}],\"data\":{\"value\":[{\"clientState\":\"[redacted]\",\"resource\":\"r\"}]}}");
            assertThat(node.toString()).as("the input is not changed").isEqualTo(before);
            assertThat(masked.toString()).doesNotContain("S1", "S2", "S3", "S4");
        }

        @Test
        void removesEveryClientStateMember() throws Exception {
            JsonNode removed = ClientStateRedaction.removed(JSON.readTree(EVERY_SHAPE));

            assertThat(removed.toString())
                    .isEqualTo("{\"a\":{},\"value\":[{\"id\":\"m1\"},{}],\"data\":{\"value\":[{\"resource\":\"r\"}]}}");
        }

        @Test
        void returnsTheSameNodeWhenThereIsNothingToRedact() throws Exception {
            JsonNode node = JSON.readTree("{\"clientStateHint\":\"h\",\"note\":\"clientState\",\"v\":[{\"a\":1}]}");

            assertThat(ClientStateRedaction.masked(node)).isSameAs(node);
            assertThat(ClientStateRedaction.removed(node)).isSameAs(node);
            assertThat(ClientStateRedaction.masked(null)).isNull();
        }
    }

    @Nested
    class Text {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain string            | {\"clientState\":\"one\",\"x\":1}"
                    + "                | {\"clientState\":\"[redacted]\",\"x\":1}",
            "escaped key             | {\"client\\u0053tate\":\"one\"}"
                    + "               | {\"client\\u0053tate\":\"[redacted]\"}",
            "every letter escaped    | {\"\\u0063\\u006C\\u0069\\u0065\\u006e\\u0074\\u0053\\u0074"
                    + "\\u0061\\u0074\\u0065\":1} | {\"\\u0063\\u006C\\u0069\\u0065\\u006e\\u0074\\u0053"
                    + "\\u0074\\u0061\\u0074\\u0065\":\"[redacted]\"}",
            "other case, spaces      | {\"ClientState\" : \"two\"}          | {\"ClientState\" : \"[redacted]\"}",
            "object value            | {\"clientState\":{\"v\":\"S\",\"n\":{\"m\":\"]}\"}},\"x\":1}"
                    + "   | {\"clientState\":\"[redacted]\",\"x\":1}",
            "array value             | {\"clientState\":[\"S\",[\"T\"],\"]\"],\"x\":1}"
                    + "     | {\"clientState\":\"[redacted]\",\"x\":1}",
            "number value            | {\"clientState\":12345,\"x\":true}"
                    + "    | {\"clientState\":\"[redacted]\",\"x\":true}",
            "null value              | {\"clientState\":null}              | {\"clientState\":\"[redacted]\"}",
            "escaped quotes inside   | {\"clientState\":\"a\\\"b\\\\\",\"r\":\"r\"}"
                    + "  | {\"clientState\":\"[redacted]\",\"r\":\"r\"}",
            "string cut off          | {\"clientState\":\"abc               | {\"clientState\":\"[redacted]\"",
            "object cut off          | {\"clientState\":{\"v\":[\"S         | {\"clientState\":\"[redacted]\"",
            "nested, cut off         | [{\"data\":{\"value\":[{\"clientState\":{\"a\":1}},{\"clientState\":\"S"
                    + " | [{\"data\":{\"value\":[{\"clientState\":\"[redacted]\"},{\"clientState\":\"[redacted]\"",
            "broken JSON before      | {\"a\":\"x\"y\", \"clientState\":\"s\"}"
                    + "  | {\"a\":\"x\"y\", \"clientState\":\"[redacted]\"}",
        })
        void masksTheValue(String shape, String json, String expected) {
            assertThat(ClientStateRedaction.maskedInText(json)).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"clientStateHint\":\"h\",\"note\":\"clientState\",\"n\":\"clientState\" }",
            "{\"clientState\":",
            "{\"clientState\"",
            "{\"client\\u0053tat",
            "{\"clientSt\\u00",
            "\"",
            "no quotes at all",
        })
        void leavesOtherKeysValuesAndCutOffKeysAlone(String json) {
            assertThat(ClientStateRedaction.maskedInText(json)).isSameAs(json);
        }

        @Test
        void isLinearOnPathologicalInput() {
            String quotes = "\"".repeat(1_000_000);
            String keys = "{\"clientState\":\"x\",".repeat(50_000);

            long start = System.nanoTime();
            assertThat(ClientStateRedaction.maskedInText(quotes)).isSameAs(quotes);
            assertThat(ClientStateRedaction.maskedInText(keys)).isEqualTo(
                    "{\"clientState\":\"[redacted]\",".repeat(50_000));
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        }
    }
}
