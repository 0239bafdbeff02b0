package dev.beacon.job.decode;

/**
 * Finds characters that have no business in identifiers and enumerated values. Ids end up in state keys, audit
 * rows, topics and logs: a control character there breaks a sink (PostgreSQL rejects NUL), forges log lines, or
 * makes two spellings of one id. Such input is rejected with a detail that names the character, never cleaned up.
 */
public final class ControlCharacters {

    private ControlCharacters() {}

    /** The first control character (Unicode category Cc), described, e.g. {@code a control character (U+0000)}. */
    public static String describeFirst(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (Character.getType(cp) == Character.CONTROL) {
                return "a control character (" + codePoint(cp) + ")";
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /**
     * The first character that is not printable ASCII (U+0021 to U+007E), described: a control character,
     * whitespace, or a non-ASCII character. For enumerated values, whose every allowed spelling is printable ASCII.
     */
    public static String describeFirstOutsidePrintableAscii(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (cp < 0x21 || cp > 0x7E) {
                if (Character.getType(cp) == Character.CONTROL) {
                    return "a control character (" + codePoint(cp) + ")";
                }
                if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    return "whitespace (" + codePoint(cp) + ")";
                }
                return "a non-ASCII character (" + codePoint(cp) + ")";
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** The text with every control character written as a Java escape (NUL as backslash-u-0000), for details. */
    public static String escape(String value) {
        if (describeFirst(value) == null) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.getType(c) == Character.CONTROL) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String codePoint(int cp) {
        return String.format("U+%04X", cp);
    }
}
