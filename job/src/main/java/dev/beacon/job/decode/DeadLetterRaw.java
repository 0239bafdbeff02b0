package dev.beacon.job.decode;

/**
 * The {@code raw} text of a dead letter: the input as received, with {@code clientState} values redacted (the
 * dead-letter table is no place for subscription secrets) and cut to a maximum length.
 */
record DeadLetterRaw(String text, boolean truncated) {

    static final String REDACTED = "[redacted]";
    private static final String CLIENT_STATE_KEY = "\"clientState\"";

    static DeadLetterRaw of(String text, int maxChars) {
        String redacted = redactClientState(text == null ? "" : text);
        if (redacted.length() <= maxChars) {
            return new DeadLetterRaw(redacted, false);
        }
        int end = maxChars;
        // Never leave half a surrogate pair at the end.
        if (Character.isHighSurrogate(redacted.charAt(end - 1))) {
            end--;
        }
        return new DeadLetterRaw(redacted.substring(0, end), true);
    }

    /**
     * Replaces the value of every {@code "clientState": "..."} member with {@link #REDACTED}. A plain scanner, not a
     * regex, so that it works on malformed or cut-off JSON and cannot overflow the stack on long strings. A value cut
     * off by the end of the text is redacted to the end.
     */
    static String redactClientState(String json) {
        int key = indexOfKey(json, 0);
        if (key < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        int copied = 0;
        while (key >= 0) {
            int i = skipWhitespace(json, key + CLIENT_STATE_KEY.length());
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipWhitespace(json, i + 1);
                if (i < json.length() && json.charAt(i) == '"') {
                    int valueStart = i + 1;
                    int valueEnd = endOfString(json, valueStart);
                    out.append(json, copied, valueStart).append(REDACTED);
                    copied = valueEnd;
                    i = valueEnd;
                }
            }
            key = indexOfKey(json, Math.max(i, key + 1));
        }
        out.append(json, copied, json.length());
        return out.toString();
    }

    private static int indexOfKey(String json, int from) {
        for (int i = json.indexOf('"', from); i >= 0; i = json.indexOf('"', i + 1)) {
            if (json.regionMatches(true, i, CLIENT_STATE_KEY, 0, CLIENT_STATE_KEY.length())) {
                return i;
            }
        }
        return -1;
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index of the closing quote of a JSON string whose content starts at {@code i}, or the text's length. */
    private static int endOfString(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return s.length();
    }
}
