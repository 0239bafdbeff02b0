package dev.beacon.control;

/**
 * Makes text that came from a request (a path segment, a query or form parameter, Entra's {@code error} on the
 * callback) safe to log: CR, LF, tabs and every other control character (C0, DEL, C1, the Unicode line and paragraph
 * separators) become visible escapes such as {@code \n} or {@code \u0085}, so a value can never start a forged log
 * line; and it is cut to {@value #MAX_CHARS} characters. Use it for anything a caller chose, never for secrets
 * (those are not logged at all).
 */
public final class LogSafe {

    public static final int MAX_CHARS = 200;

    private LogSafe() {}

    /** The value, escaped and capped; {@code null} stays {@code "null"}. */
    public static String value(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), MAX_CHARS);
        StringBuilder b = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > MAX_CHARS) {
            b.append("…(").append(s.length() - MAX_CHARS).append(" more chars)");
        }
        return b.toString();
    }
}
