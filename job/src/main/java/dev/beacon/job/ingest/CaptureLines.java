package dev.beacon.job.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.sink.SafeText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * Turns one line of a capture file into the record it captured. A line is either a bare record value (what Event
 * Hubs delivered) or a {@code kcat -J} envelope: {@code {"topic","partition","offset","ts","headers":[n,v,…],
 * "key","payload"}}. Bare lines get the file's name as topic and their line number as offset, so audit keys are
 * stable across replays of the same file.
 */
public final class CaptureLines implements CaptureFileFormat.LineParser {

    private final ObjectMapper mapper = new ObjectMapper();
    private final String fileName;

    public CaptureLines(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public RawRecord parse(String line, long lineNumber) {
        JsonNode envelope = envelopeOrNull(line);
        if (envelope == null) {
            return new RawRecord(fileName, 0, lineNumber, 0L, null, new String[0], line.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode payload = envelope.get("payload");
        // A payload kept as JSON is written back with SafeText, so an unpaired surrogate stays an escape, not '?'.
        byte[] value = payload == null || payload.isNull()
                ? new byte[0]
                : (payload.isTextual() ? payload.asText() : SafeText.json(mapper, payload))
                        .getBytes(StandardCharsets.UTF_8);
        return new RawRecord(
                text(envelope, "topic", fileName),
                envelope.path("partition").asInt(0),
                envelope.has("offset") ? envelope.path("offset").asLong(lineNumber) : lineNumber,
                envelope.path("ts").asLong(0L),
                text(envelope, "key", null),
                headers(envelope.get("headers")),
                value);
    }

    /** A kcat envelope is an object with a payload and at least one Kafka coordinate; anything else is a bare value. */
    private JsonNode envelopeOrNull(String line) {
        String trimmed = line.stripLeading();
        if (!trimmed.startsWith("{") || !line.contains("\"payload\"")) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(line);
            if (node != null && node.isObject() && node.has("payload")
                    && (node.has("topic") || node.has("partition") || node.has("offset"))) {
                return node;
            }
        } catch (Exception notJson) {
            // A malformed line is a bare value; triage turns it into a dead letter.
        }
        return null;
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static String[] headers(JsonNode headers) {
        if (headers == null || !headers.isArray()) {
            return new String[0];
        }
        ArrayList<String> flat = new ArrayList<>(headers.size());
        for (JsonNode h : headers) {
            flat.add(h.isNull() ? null : h.asText());
        }
        if (flat.size() % 2 != 0) {
            flat.add(null);
        }
        return flat.toArray(new String[0]);
    }
}
