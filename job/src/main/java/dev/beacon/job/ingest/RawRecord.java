package dev.beacon.job.ingest;

import java.nio.charset.StandardCharsets;

/**
 * One record as it arrived, before any parsing: from Kafka / Event Hubs, or from a capture line in replay mode.
 *
 * <p>Headers are kept as a flat {@code [name, value, name, value, ...]} array (the {@code kcat -J} layout) because
 * Flink serializes {@code String[]} natively; CloudEvents binary mode needs the {@code ce_*} headers.
 */
public record RawRecord(
        String topic, int partition, long offset, long timestampMillis, String key, String[] headers, byte[] value) {

    /** The position of this record, for the record as a whole. */
    public SourceRef ref() {
        return new SourceRef(topic, partition, offset, SourceRef.WHOLE_RECORD, timestampMillis);
    }

    /** The value of the first header with this name (case-insensitive), or null. */
    public String header(String name) {
        if (headers == null) {
            return null;
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (name.equalsIgnoreCase(headers[i])) {
                return headers[i + 1];
            }
        }
        return null;
    }

    public int size() {
        return value == null ? 0 : value.length;
    }

    /** The value as text, for dead letters; invalid UTF-8 is replaced, never thrown. */
    public String valueAsText() {
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }
}
