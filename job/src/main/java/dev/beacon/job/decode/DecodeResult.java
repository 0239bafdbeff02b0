package dev.beacon.job.decode;

import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.SourceRef;
import java.util.ArrayList;
import java.util.List;

/**
 * What one record decoded to: its notifications (valid or not), or a failure of the record as a whole (then
 * {@code items} is empty). A record that decodes always has at least one item, so every record is accounted for
 * either in the audit trail or in the dead letters.
 *
 * @param source             the record as a whole (item index -1)
 * @param failure            why the whole record was rejected; null when it decoded
 * @param failureRaw         the record's text with {@code clientState} values redacted, cut to the configured
 *                           maximum; null when it decoded
 */
public record DecodeResult(
        SourceRef source,
        List<DecodedItem> items,
        DeadLetterReason failure,
        String failureDetail,
        String failureRaw,
        boolean failureRawTruncated) {

    public static DecodeResult ok(SourceRef source, List<DecodedItem> items) {
        return new DecodeResult(source, items, null, null, null, false);
    }

    public static DecodeResult failure(
            SourceRef source, DeadLetterReason reason, String detail, String raw, boolean rawTruncated) {
        return new DecodeResult(source, new ArrayList<>(), reason, detail, raw, rawTruncated);
    }

    public boolean failed() {
        return failure != null;
    }

    /** The dead letter for a failed record. */
    public DeadLetter failureDeadLetter(long failedAtMillis) {
        if (!failed()) {
            throw new IllegalStateException("record " + source + " decoded; it has no failure");
        }
        return new DeadLetter(source, failure, failureDetail, failureRaw, failureRawTruncated, failedAtMillis);
    }
}
