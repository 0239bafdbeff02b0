package dev.beacon.job.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.ingest.RawRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReferenceFileLinesTest {

    private final ReferenceFileLines lines = new ReferenceFileLines("reference.jsonl");

    @Test
    void aLineIsTheRecordItDescribes() {
        RawRecord r = lines.parse("{\"topic\":\"beacon-sites\",\"key\":\"b4\",\"value\":{\"site_id\":\"b4\"}}", 3);

        assertThat(r.topic()).isEqualTo("beacon-sites");
        assertThat(r.partition()).isZero();
        assertThat(r.offset()).isEqualTo(3);
        assertThat(r.key()).isEqualTo("b4");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"site_id\":\"b4\"}");
    }

    @Test
    void aNullValueIsATombstone() {
        RawRecord r = lines.parse("{\"topic\":\"beacon-sites\",\"key\":\"b4\",\"value\":null}", 1);

        assertThat(r.key()).isEqualTo("b4");
        assertThat(r.value()).isNull();
    }

    @Test
    void anythingElseKeepsTheFileNameAsItsTopic() {
        for (String bad : new String[] {"not json", "[1]", "{\"key\":\"b4\",\"value\":{}}",
                "{\"topic\":\"beacon-sites\",\"key\":\"b4\"}", "{\"topic\":7,\"value\":{}}"}) {
            RawRecord r = lines.parse(bad, 9);
            assertThat(r.topic()).as(bad).isEqualTo("reference.jsonl");
            assertThat(r.offset()).isEqualTo(9);
            assertThat(r.value()).isEmpty();
        }
    }
}
