package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlCharactersTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "<null>", value = {
        "19:abc@thread.v2 | <null>                              | <null>",
        "with space       | <null>                              | whitespace (U+0020)",
        "caf\u00e9        | <null>                              | a non-ASCII character (U+00E9)",
        "a{NUL}           | a control character (U+0000)        | a control character (U+0000)",
        "a{DEL}           | a control character (U+007F)        | a control character (U+007F)",
        "a{C1}            | a control character (U+0085)        | a control character (U+0085)",
        "a{ZWSP}          | <null>                              | a non-ASCII character (U+200B)",
        "a{EMOJI}         | <null>                              | a non-ASCII character (U+1F6A8)",
    })
    void describesTheFirstOffendingCharacter(String cell, String control, String outsidePrintableAscii) {
        String value = cell.replace("{NUL}", "\u0000").replace("{DEL}", "\u007f").replace("{C1}", "\u0085")
                .replace("{ZWSP}", "\u200b").replace("{EMOJI}", "\ud83d\udea8");

        assertThat(ControlCharacters.describeFirst(value)).isEqualTo(control);
        assertThat(ControlCharacters.describeFirstOutsidePrintableAscii(value)).isEqualTo(outsidePrintableAscii);
    }

    @Test
    void escapesControlCharactersForDetails() {
        assertThat(ControlCharacters.escape("1.0\u0000\u001b[2J")).isEqualTo("1.0\\u0000\\u001B[2J");
        assertThat(ControlCharacters.escape("plain")).isEqualTo("plain");
    }
}
