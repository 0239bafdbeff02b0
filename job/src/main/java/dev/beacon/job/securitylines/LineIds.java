package dev.beacon.job.securitylines;

import java.util.Locale;

/**
 * One spelling for an ACS raw id, so that an {@code IncomingCall}'s {@code to.rawId} finds the security line
 * configured for it: a phone number {@code 4:+1 (555) 010-0100} is {@code 4:+15550100}, a Teams id
 * {@code 28:orgid:<GUID>} has its GUID in lower case, anything else stays as is (trimmed).
 *
 * <p>Not {@code SecurityLineRecord.lineIdOf}: that reads what ops type, and would take the leading {@code 4} of a
 * raw phone id for a digit of the number.
 */
public final class LineIds {

    private static final String PHONE = "4:";
    private static final String TEAMS = "28:orgid:";

    private LineIds() {}

    /** The canonical line id of a raw id; null for null or blank. */
    public static String of(String rawId) {
        if (rawId == null || rawId.isBlank()) {
            return null;
        }
        String id = rawId.strip();
        if (id.startsWith(PHONE)) {
            return PHONE + "+" + id.substring(PHONE.length()).replaceAll("[^0-9]", "");
        }
        if (id.regionMatches(true, 0, TEAMS, 0, TEAMS.length())) {
            return TEAMS + id.substring(TEAMS.length()).toLowerCase(Locale.ROOT);
        }
        return id;
    }
}
