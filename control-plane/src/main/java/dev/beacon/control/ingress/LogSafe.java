package dev.beacon.control.ingress;

/** Makes request-derived text safe for a log line: control characters escaped, length capped. */
final class LogSafe {

    static final int MAX = 300;

    private LogSafe() {}

    static String clean(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 16);
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX && s.length() > MAX) {
            b.append("...");
        }
        return b.toString();
    }
}
