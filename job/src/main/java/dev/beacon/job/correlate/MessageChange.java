package dev.beacon.job.correlate;

import dev.beacon.job.detect.EmergencySignal;

/**
 * What a notification means after per-message deduplication: the first sight of an emergency message, a real
 * change to one, or its deletion. Duplicates and unchanged updates never get this far.
 */
public record MessageChange(Kind kind, EmergencySignal signal) {

    public enum Kind {
        NEW,
        AMENDED,
        DELETED
    }
}
