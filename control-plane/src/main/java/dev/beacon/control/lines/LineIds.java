package dev.beacon.control.lines;

import dev.beacon.contracts.records.SecurityLineRecord;
import java.util.regex.Pattern;

/** What ops may type as a line, and the line id ({@link SecurityLineRecord#lineIdOf}) it becomes. */
public final class LineIds {

    static final String PHONE_PREFIX = "4:";
    static final String ORGID_PREFIX = "28:orgid:";
    private static final Pattern E164_DIGITS = Pattern.compile("[1-9][0-9]{6,14}");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private LineIds() {}

    /** @throws IllegalArgumentException when {@code typed} is neither a +E.164 number nor 28:orgid:&lt;guid&gt; */
    public static String parse(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.startsWith(PHONE_PREFIX)) {
            t = t.substring(PHONE_PREFIX.length());
        }
        if (t.startsWith("+")) {
            String digits = t.substring(1).replaceAll("[\\s().-]", "");
            if (E164_DIGITS.matcher(digits).matches()) {
                return SecurityLineRecord.lineIdOf("+" + digits);
            }
        } else if (t.regionMatches(true, 0, ORGID_PREFIX, 0, ORGID_PREFIX.length())
                && GUID.matcher(t.substring(ORGID_PREFIX.length())).matches()) {
            return SecurityLineRecord.lineIdOf(t);
        }
        throw new IllegalArgumentException("a line is a phone number in E.164 form (+15550100: '+', country code, "
                + "at most 15 digits) or a Teams resource account id (28:orgid:<object id GUID>)");
    }

    /** The phone number of a {@code 4:+…} line, else null. */
    static String phoneOf(String lineId) {
        return lineId.startsWith(PHONE_PREFIX) ? lineId.substring(PHONE_PREFIX.length()) : null;
    }

    /** The object id of a {@code 28:orgid:…} line, else null. */
    static String objectIdOf(String lineId) {
        return lineId.startsWith(ORGID_PREFIX) ? lineId.substring(ORGID_PREFIX.length()) : null;
    }

    /** Graph's {@code tel:+1234567890} (or a bare number) as {@code +1234567890}; null stays null. */
    static String e164(String graphPhone) {
        if (graphPhone == null || graphPhone.isBlank()) {
            return null;
        }
        String p = graphPhone.strip();
        if (p.regionMatches(true, 0, "tel:", 0, 4)) {
            p = p.substring(4);
        }
        String digits = p.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? null : "+" + digits;
    }
}
