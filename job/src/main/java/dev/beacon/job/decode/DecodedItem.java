package dev.beacon.job.decode;

import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.SourceRef;

/** One notification of a record: either decoded, or the reason it could not be, ready for the dead-letter output. */
public sealed interface DecodedItem {

    SourceRef source();

    /** A well-formed notification. Not yet authenticated: clientState and encrypted content are checked later. */
    record Ok(ChangeNotification notification) implements DecodedItem {
        @Override
        public SourceRef source() {
            return notification.source();
        }
    }

    /**
     * A notification that is not well-formed; the other notifications of its record are unaffected.
     *
     * @param raw the item as JSON with {@code clientState} redacted, cut to the configured maximum
     */
    record Invalid(SourceRef source, DeadLetterReason reason, String detail, String raw, boolean rawTruncated)
            implements DecodedItem {

        public DeadLetter toDeadLetter(long failedAtMillis) {
            return new DeadLetter(source, reason, detail, raw, rawTruncated, failedAtMillis);
        }
    }
}
