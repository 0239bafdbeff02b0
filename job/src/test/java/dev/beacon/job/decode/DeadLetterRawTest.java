package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterRawTest {

    @Test
    void redactsEveryClientStateValue() {
        String json = "[{\"clientState\":\"one\",\"x\":1},{\"clientState\" : \"two\"},{\"ClientState\":\"three\"}]";

        assertThat(DeadLetterRaw.redactClientState(json)).isEqualTo(
                "[{\"clientState\":\"[redacted]\",\"x\":1},{\"clientState\" : \"[redacted]\"},"
                        + "{\"ClientState\":\"[redacted]\"}]");
    }

    @Test
    void handlesEscapedQuotesInsideTheSecret() {
        String json = "{\"clientState\":\"a\\\"b\\\\\",\"resource\":\"r\"}";

        assertThat(DeadLetterRaw.redactClientState(json))
                .isEqualTo("{\"clientState\":\"[redacted]\",\"resource\":\"r\"}");
    }

    @Test
    void redactsASecretCutOffByTheEndOfTheText() {
        assertThat(DeadLetterRaw.redactClientState("{\"clientState\":\"abc")).isEqualTo(
                "{\"clientState\":\"[redacted]");
    }

    @Test
    void leavesNonStringValuesAndOtherKeysAlone() {
        String json = "{\"clientState\":null,\"clientStateHint\":\"h\",\"note\":\"clientState\"}";

        assertThat(DeadLetterRaw.redactClientState(json)).isEqualTo(json);
    }

    @Test
    void cutsToTheLimitWithoutSplittingASurrogatePair() {
        assertThat(DeadLetterRaw.of("abcdef", 6)).isEqualTo(new DeadLetterRaw("abcdef", false));
        assertThat(DeadLetterRaw.of("abcdef", 4)).isEqualTo(new DeadLetterRaw("abcd", true));
        assertThat(DeadLetterRaw.of("ab\uD83D\uDEA8cd", 3)).isEqualTo(new DeadLetterRaw("ab", true));
        assertThat(DeadLetterRaw.of(null, 3)).isEqualTo(new DeadLetterRaw("", false));
    }
}
