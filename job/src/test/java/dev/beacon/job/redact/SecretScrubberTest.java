package dev.beacon.job.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretScrubberTest {

    private static final String SECRET = "s3cr3t/Client-State+42";
    private static final String OLD_SECRET = "previous-Secret_0ld";
    private static final SecretScrubber SCRUBBER = SecretScrubber.of(List.of(SECRET, OLD_SECRET));

    /** Each character as {@code \}{@code uXXXX}, upper- and lower-case hex in turn. */
    private static String unicodeEscaped(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            out.append(String.format(i % 2 == 0 ? "\\u%04X" : "\\u%04x", (int) s.charAt(i)));
        }
        return out.toString();
    }

    @Test
    void redactsEverySecretAsIs() {
        assertThat(SCRUBBER.redact("a " + SECRET + " b " + OLD_SECRET + SECRET))
                .isEqualTo("a [redacted] b [redacted][redacted]");
    }

    @Test
    void redactsJsonEscapedForms() {
        assertThat(SCRUBBER.redact("x" + unicodeEscaped(SECRET) + "y")).isEqualTo("x[redacted]y");
        assertThat(SCRUBBER.redact("\"s3cr3t\\/Client-State+42\"")).isEqualTo("\"[redacted]\"");
        assertThat(SCRUBBER.redact("s3cr3t\\/Cl\\u0069ent\\u002DState\\u002b42,")).isEqualTo("[redacted],");
        // Escaped twice (JSON inside a JSON string) and three times.
        assertThat(SCRUBBER.redact("{\\\"c\\\":\\\"s3cr3t\\\\\\/Client\\\\u002dState+42\\\"}"))
                .isEqualTo("{\\\"c\\\":\\\"[redacted]\\\"}");
        assertThat(SCRUBBER.redact("\\\\\\\\u0073" + SECRET.substring(1))).isEqualTo("[redacted]");
    }

    @Test
    void escapesOfOtherCharactersAreNotTheSecret() {
        String almost = "s3cr3t\\u002fClient-State+43 s3cr3t\\nClient-State+42";

        // The first spells 21 of 22 characters (recognisable); the second only 6 before \n.
        assertThat(SCRUBBER.redact(almost)).isEqualTo("[redacted]3 s3cr3t\\nClient-State+42");
    }

    @Test
    void redactsARecognisablePrefixAnywhere() {
        // Eight characters are recognisable; seven are not (except at the end of cut text, below).
        assertThat(SCRUBBER.redact("clip \"s3cr3t/C...\"")).isEqualTo("clip \"[redacted]...\"");
        assertThat(SCRUBBER.redact("clip \"s3cr3t/...\"")).isEqualTo("clip \"s3cr3t/...\"");
    }

    @Test
    void cutTextLosesAnyStartOfASecretAtItsEnd() {
        assertThat(SCRUBBER.redactCutText("{\"v\":\"s")).isEqualTo("{\"v\":\"[redacted]");
        assertThat(SCRUBBER.redactCutText("{\"v\":\"s3cr3t/Cli")).isEqualTo("{\"v\":\"[redacted]");
        assertThat(SCRUBBER.redactCutText("{\"v\":\"\\u0073\\u00")).isEqualTo("{\"v\":\"[redacted]");
        assertThat(SCRUBBER.redactCutText("{\"v\":\"s3cr3t\\")).isEqualTo("{\"v\":\"[redacted]");
        assertThat(SCRUBBER.redactCutText("{\"v\":\"prev")).isEqualTo("{\"v\":\"[redacted]");
        // Not at the end, or not the start of a secret: kept.
        assertThat(SCRUBBER.redactCutText("{\"v\":\"s3c\"}")).isEqualTo("{\"v\":\"s3c\"}");
        assertThat(SCRUBBER.redactCutText("{\"v\":\"3cr3t/Cl")).isEqualTo("{\"v\":\"3cr3t/Cl");

        assertThat(SCRUBBER.startOfSecretAtEnd("0123 s3cr")).isEqualTo(5);
        assertThat(SCRUBBER.startOfSecretAtEnd("0123 s3cx")).isEqualTo(-1);
    }

    /** A CloudEvent's data_base64 of a notification, with the secret at each of the three byte alignments. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void redactsTheSecretInsideBase64(int shift) {
        String json = "{\"subscriptionId\":\"s-1\"," + "x".repeat(shift) + "\"clientState\":\"" + SECRET
                + "\",\"changeType\":\"created\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String base64 = Base64.getEncoder().encodeToString(bytes);
        String text = "{\"data_base64\":\"" + base64.replace("/", "\\/") + "\"}";

        String scrubbed = SCRUBBER.redact(text);

        // The characters that encode only the secret's bytes [s, e) are [ceil(4s/3), floor(4e/3)).
        int s = json.indexOf(SECRET);
        int e = s + SECRET.length();
        String before = base64.substring(0, (4 * s + 2) / 3).replace("/", "\\/");
        String after = base64.substring(4 * e / 3).replace("/", "\\/");
        assertThat(scrubbed).isEqualTo("{\"data_base64\":\"" + before + "[redacted]" + after + "\"}");
    }

    @Test
    void nothingToFindReturnsTheTextItself() {
        String text = "{\"value\":[{\"resource\":\"chats('19:a@thread.v2')/messages('1')\"}]} \\ \\u0041";

        assertThat(SCRUBBER.redact(text)).isSameAs(text);
        assertThat(SCRUBBER.redactCutText(text)).isSameAs(text);
        assertThat(SecretScrubber.none().redact(SECRET)).isSameAs(SECRET);
        assertThat(SecretScrubber.none().redactCutText("s3cr")).isEqualTo("s3cr");
        assertThat(SCRUBBER.redact(null)).isNull();
    }

    @Test
    void neverRevealsTheSecrets() {
        assertThat(SCRUBBER.toString()).isEqualTo("SecretScrubber{2 secret(s)}");
        assertThat(SecretScrubber.of(java.util.Arrays.asList("", null)).toString())
                .isEqualTo("SecretScrubber{0 secret(s)}");
    }

    @Test
    void base64RunsCoverOnlyTheBytesOfTheSecret() {
        assertThat(SecretScrubber.base64Runs("abcdefg".getBytes(StandardCharsets.UTF_8)))
                // "abcdefg" -> YWJjZGVmZw; "\0abcdefg" -> AGFiY2RlZmc; "\0\0abcdefg" -> AABhYmNkZWZn
                .containsExactly("YWJjZGVmZ", "FiY2RlZm", "hYmNkZWZn");
    }

    @Test
    void pathologicalInputStaysCheap() {
        String runs = "\\".repeat(300_000);
        String starts = ("s3cr3t/Client-State+4" + "\\").repeat(10_000);

        long start = System.nanoTime();
        assertThat(SCRUBBER.redact(runs)).isSameAs(runs);
        assertThat(SCRUBBER.redactCutText(runs)).isSameAs(runs);
        assertThat(SCRUBBER.redact(starts)).isEqualTo("[redacted]\\".repeat(10_000));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("milliseconds").isLessThan(10_000);
    }

    @Test
    void textTooCostlyToSearchIsReplacedAsAWhole() {
        // A secret of backslashes in a text of backslashes: every position could start it in dozens of ways.
        SecretScrubber backslashes = SecretScrubber.of(List.of("\\\\\\\\a\\\\"));
        String runs = "x" + "\\".repeat(100_000);

        assertThat(backslashes.redact(runs)).isEqualTo("[redacted]");
        assertThat(backslashes.startOfSecretAtEnd(runs)).isZero();
        // Short texts stay within the budget: as is, and JSON-escaped (each backslash doubled).
        assertThat(backslashes.redact("\\\\\\\\a\\\\ and \\\\\\\\\\\\\\\\a\\\\\\\\"))
                .isEqualTo("[redacted] and [redacted]");
    }
}
