package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.redact.SecretScrubber;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterRawTest {

    private static final String SECRET = "s3cr3t/Client-State+42";
    private static final SecretScrubber SECRETS = SecretScrubber.of(List.of(SECRET));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cutsToTheLimitWithoutSplittingASurrogatePair() {
        assertThat(DeadLetterRaw.of("abcdef", 6)).isEqualTo(new DeadLetterRaw("abcdef", false));
        assertThat(DeadLetterRaw.of("abcdef", 4)).isEqualTo(new DeadLetterRaw("abcd", true));
        assertThat(DeadLetterRaw.of("ab\uD83D\uDEA8cd", 3)).isEqualTo(new DeadLetterRaw("ab", true));
        assertThat(DeadLetterRaw.of(null, 3)).isEqualTo(new DeadLetterRaw("", false));
    }

    @Test
    void redactsClientStateMembersOfBrokenText() {
        assertThat(DeadLetterRaw.of("{\"client\\u0053tate\":{\"v\":\"x\"},\"a\":", 100))
                .isEqualTo(new DeadLetterRaw("{\"client\\u0053tate\":\"[redacted]\",\"a\":", false));
    }

    @Test
    void scrubsSecretsBeforeCutting() {
        // The whole secret sits across the cut (at 20): it is gone before the cut, so nothing of it is left.
        String text = "{\"note\":\"0123456789" + SECRET + "\",\"x\":1}";

        assertThat(DeadLetterRaw.ofText(text, 40, SECRETS, false))
                .isEqualTo(new DeadLetterRaw("{\"note\":\"0123456789[redacted]\",\"x\":1}", false));
        assertThat(DeadLetterRaw.ofText(text, 25, SECRETS, false))
                .isEqualTo(new DeadLetterRaw("{\"note\":\"0123456789[redac", true));
    }

    @Test
    void aCutNeverLeavesTheStartOfASecret() {
        // "s3cr3t/" is too short to be recognised on its own, until a cut turns it into the text's last characters.
        String text = "abcdefghij s3cr3t/ cd";
        assertThat(DeadLetterRaw.ofText(text, 100, SECRETS, false)).isEqualTo(new DeadLetterRaw(text, false));

        // Cut at 14 ("abcdefghij s3c"): the tail goes, and the marker must still fit into 14 characters.
        assertThat(DeadLetterRaw.ofText(text, 14, SECRETS, false))
                .isEqualTo(new DeadLetterRaw("abcd[redacted]", true));
        // Cut at 17 ("abcdefghij s3cr3t"): the body is cut again to leave room for the marker.
        assertThat(DeadLetterRaw.ofText(text, 17, SECRETS, false))
                .isEqualTo(new DeadLetterRaw("abcdefg[redacted]", true));
    }

    @Test
    void aCutInsideAnEscapedSecretLeavesNoneOfIt() {
        // The secret's first characters JSON-escaped (backslash-u0073 ...), then cut in the middle of an escape.
        String text = "0123456789 \\u0073\\u0033\\u0063\\u0072 and more";

        assertThat(DeadLetterRaw.ofText(text, 32, SECRETS, false))
                .isEqualTo(new DeadLetterRaw("0123456789 [redacted]", true));
    }

    @Test
    void aRecordValueCutByItsByteLimitIsScrubbedAtTheCut() {
        // maxChars 20: the first 64 bytes are decoded, which ends 7 characters into the secret's second copy.
        String value = "{\"a\":\"" + SECRET + "\",\"b\":\"" + "x".repeat(22) + SECRET + "\"}";
        assertThat(new String(value.getBytes(StandardCharsets.UTF_8), 0, 64, StandardCharsets.UTF_8))
                .endsWith("xs3cr3t/");

        DeadLetterRaw raw = DeadLetterRaw.ofRecordValue(value.getBytes(StandardCharsets.UTF_8), 20, SECRETS);

        assertThat(raw).isEqualTo(new DeadLetterRaw("{\"a\":\"[redacted]\",\"b", true));
    }

    @Test
    void onlyWhatCanReachTheOutputIsSearched() {
        // 1000 secrets: far more text than the limit plus the search margin; what is shown holds markers only.
        String text = ("\"" + SECRET + "\",").repeat(1000);
        assertThat(text.length()).isGreaterThan(100 + DeadLetterRaw.SEARCH_MARGIN);

        assertThat(DeadLetterRaw.ofText(text, 100, SECRETS, false))
                .isEqualTo(new DeadLetterRaw(("\"[redacted]\",").repeat(7) + "\"[redacte", true));
    }

    @Test
    void aParsedNotificationIsRedactedByStructureThenScrubbed() throws Exception {
        JsonNode item = JSON.readTree("{\"client\\u0053tate\":[\"" + SECRET + "\"],\"resource\":\"" + SECRET
                + "\",\"data\":{\"clientState\":{\"v\":1}}}");

        DeadLetterRaw raw = DeadLetterRaw.ofJson(item, JsonNode::toString, 1000, SECRETS);

        assertThat(raw).isEqualTo(new DeadLetterRaw("{\"clientState\":\"[redacted]\",\"resource\":\"[redacted]\","
                + "\"data\":{\"clientState\":\"[redacted]\"}}", false));
    }
}
