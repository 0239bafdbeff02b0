package dev.beacon.job.securitylines;

import dev.beacon.contracts.records.SecurityLineRecord;

/**
 * One spelling for an ACS raw id, so that an {@code IncomingCall}'s {@code to.rawId} finds the security line
 * configured for it: the contract's {@link SecurityLineRecord#lineIdOf}, which the control plane uses for the line's
 * key ({@code 4:+1 (555) 010-0100} is {@code 4:+15550100}; a {@code 28:orgid:<GUID>} has its GUID in lower case).
 */
public final class LineIds {

    private LineIds() {}

    /** The canonical line id of a raw id; null for null or blank. */
    public static String of(String rawId) {
        return rawId == null || rawId.isBlank() ? null : SecurityLineRecord.lineIdOf(rawId);
    }
}
