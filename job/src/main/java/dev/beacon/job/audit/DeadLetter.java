package dev.beacon.job.audit;

import dev.beacon.job.ingest.SourceRef;

/**
 * A record (itemIndex -1) or one notification of a record that Beacon could not process.
 *
 * @param detail    a short technical explanation; never contains secrets or decrypted content
 * @param raw       the record value, or the single notification item, as received (encrypted content stays
 *                  encrypted); cut to the configured maximum
 * @param rawTruncated whether {@code raw} was cut
 */
public record DeadLetter(
        SourceRef source, DeadLetterReason reason, String detail, String raw, boolean rawTruncated, long failedAtMillis) {}
