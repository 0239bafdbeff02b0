package dev.beacon.job.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.sink.SafeText;
import java.nio.charset.StandardCharsets;

/**
 * One line of a replay reference file ({@code replay.reference-file}): {@code {"topic": …, "key": …, "value": {…}}},
 * or {@code "value": null} to delete the key, as the record would have been on that topic. It becomes the
 * {@link RawRecord} the Kafka source would have read (partition 0, the line number as offset), so replay and Kafka
 * decode alike. A line that is not such an object keeps the file's name as its topic, which no reference topic
 * has, so decoding turns it into a dead letter.
 */
public final class ReferenceFileLines implements dev.beacon.job.ingest.CaptureFileFormat.LineParser {

    private static final String[] NO_HEADERS = new String[0];

    private final ObjectMapper mapper = new ObjectMapper();
    private final String fileName;

    public ReferenceFileLines(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public RawRecord parse(String line, long lineNumber) {
        JsonNode n;
        try {
            n = mapper.readTree(line);
        } catch (Exception notJson) {
            n = null;
        }
        if (n == null || !n.isObject() || !n.path("topic").isTextual() || !n.has("value")) {
            return new RawRecord(fileName, 0, lineNumber, 0L, null, NO_HEADERS, new byte[0]);
        }
        JsonNode key = n.get("key");
        JsonNode value = n.get("value");
        byte[] bytes = value.isNull() ? null : SafeText.json(mapper, value).getBytes(StandardCharsets.UTF_8);
        return new RawRecord(n.get("topic").asText(), 0, lineNumber, 0L,
                key == null || key.isNull() ? null : key.asText(), NO_HEADERS, bytes);
    }
}
