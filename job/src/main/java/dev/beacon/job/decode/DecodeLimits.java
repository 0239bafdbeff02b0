package dev.beacon.job.decode;

import java.io.Serializable;

/**
 * Bounds on what {@link NotificationDecoder} accepts, so a hostile or broken record costs bounded memory and CPU
 * and produces a dead letter instead of taking the job down.
 *
 * @param maxRecordBytes        larger record values are rejected before parsing ({@code OVERSIZED})
 * @param maxNestingDepth       deeper JSON is rejected while parsing ({@code TOO_DEEPLY_NESTED})
 * @param maxItemsPerRecord     more notifications in one record are rejected ({@code OVERSIZED})
 * @param maxDeadLetterRawChars dead-letter {@code raw} text is cut to this many characters
 */
public record DecodeLimits(int maxRecordBytes, int maxNestingDepth, int maxItemsPerRecord, int maxDeadLetterRawChars)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public DecodeLimits {
        if (maxRecordBytes <= 0 || maxNestingDepth <= 0 || maxItemsPerRecord <= 0 || maxDeadLetterRawChars <= 0) {
            throw new IllegalArgumentException("every decode limit must be positive");
        }
    }

    /** 2 MiB per record (Event Hubs' own limit is 1 MiB), depth 64, 1000 items, 64 Ki characters of raw text. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(2 * 1024 * 1024, 64, 1000, 65536);
    }
}
