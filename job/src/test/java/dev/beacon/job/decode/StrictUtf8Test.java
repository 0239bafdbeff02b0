package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictUtf8Test {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'',                 -1",
            "7b2261223a317d,     -1",   // {"a":1}
            "c3a9,               -1",   // é
            "e282ac,             -1",   // €
            "f09f9a91,           -1",   // 🚑
            "f48fbfbf,           -1",   // U+10FFFF
            "efbbbf7b7d,         -1",   // BOM then {}
            "2fc0af,              1",   // overlong '/'
            "e080a7,              0",   // overlong '''
            "f0808080,            0",   // overlong 4-byte
            "eda080,              0",   // encoded surrogate U+D800
            "f4908080,            0",   // above U+10FFFF
            "80,                  0",   // stray continuation
            "c3,                  0",   // truncated
            "e282,                0",
            "41e28241,            1",   // bad continuation
            "ff,                  0",
    })
    void findsTheFirstByteThatIsNotWellFormed(String hex, int offset) {
        assertThat(StrictUtf8.firstMalformedOffset(HexFormat.of().parseHex(hex.trim()))).isEqualTo(offset);
    }

    @ParameterizedTest
    @CsvSource({"plain ascii", "Größe", "日本語", "emoji 🚑 ok"})
    void acceptsWhatJavaEncodes(String text) {
        assertThat(StrictUtf8.firstMalformedOffset(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
}
