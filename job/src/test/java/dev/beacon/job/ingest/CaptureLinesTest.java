package dev.beacon.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CaptureLinesTest {

    @Test
    void aJsonPayloadKeepsUnpairedSurrogatesAsEscapes() throws Exception {
        RawRecord r = new CaptureLines("capture.jsonl").parse(
                "{\"topic\":\"teams-events\",\"partition\":1,\"offset\":5,\"payload\":{\"x\":\"a\\ud800b\"}}", 9);

        // Re-serialized as UTF-8 text, a raw surrogate would have become '?'.
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":\"a\\uD800b\"}");
        assertThat(new ObjectMapper().readTree(r.value()).get("x").textValue()).isEqualTo("a\ud800b");
    }
}
