package dev.beacon.job.redact;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the configured secrets (the accepted {@code clientState} values) from text Beacon writes out, where
 * redaction by structure is impossible: records that did not parse, and details. Each finding becomes
 * {@link ClientStateRedaction#MARKER}.
 *
 * <p>A secret is found in any of these forms:
 *
 * <ul>
 *   <li>as is, or with any of its characters JSON-escaped (<code>&#92;u0073</code> in either hex case, {@code \/},
 *       {@code \"}, {@code \\}, {@code \n}...), also escaped more than once (JSON inside a JSON string:
 *       <code>&#92;&#92;u0073</code>, {@code \\\"});
 *   <li>base64-encoded (a CloudEvent's {@code data_base64}) at any of the three byte alignments, of the secret's
 *       UTF-8 and of its JSON-escaped UTF-8;
 *   <li>cut short: a prefix of at least {@value #RECOGNISABLE_PREFIX} characters of either of the above is still the
 *       secret to anyone who has seen it once;
 *   <li>with {@link #redactCutText}, for text that may have been cut anywhere: text that ends partway into a
 *       secret, however little of it is left: one character (possibly escaped) is enough, and for base64
 *       {@value #MIN_BASE64_RUN} (fewer occur at the end of any base64 text by chance).
 * </ul>
 *
 * Built once per operator instance in {@code open()}. A scan is linear in the text's length: text that would take
 * more work than that (backslash-laden secrets in backslash-laden text) is replaced by the marker as a whole. Never
 * reveals the secrets (not in toString, not in exceptions). Not serializable.
 */
public final class SecretScrubber {

    /** A cut-short secret this long is recognisable; shorter runs of a random secret's start occur by chance. */
    static final int RECOGNISABLE_PREFIX = 8;

    /** A base64 run shorter than this carries too few bits of the secret to tell it from other base64. */
    private static final int MIN_BASE64_RUN = 4;

    /** Escaping nests: each level doubles the backslashes. Five levels is far beyond any real encoding. */
    private static final int MAX_BACKSLASH_RUN = 32;

    /** Bounds the alternatives followed at once (only secrets full of backslashes get near it). */
    private static final int MAX_PATHS = 64;

    /**
     * Work allowed per character of text. Ordinary secrets need a few steps per character; a secret full of
     * backslashes in text full of backslashes could need thousands, and such text is replaced as a whole instead.
     */
    private static final int STEPS_PER_CHAR = 64;

    private static final SecretScrubber NONE = new SecretScrubber(new char[0][], new int[0], 0);

    /** The texts searched for: each secret and its base64 runs. */
    private final char[][] patterns;
    /** Per pattern: how many of its characters must precede the end of a cut text to count (see the class doc). */
    private final int[] minCharsAtEnd;
    /** Characters a finding can start with: each pattern's first character and the backslash. */
    private final String firstChars;
    private final int secretCount;

    private SecretScrubber(char[][] patterns, int[] minCharsAtEnd, int secretCount) {
        this.patterns = patterns;
        this.minCharsAtEnd = minCharsAtEnd;
        this.secretCount = secretCount;
        StringBuilder first = new StringBuilder("\\");
        for (char[] p : patterns) {
            if (first.indexOf(String.valueOf(p[0])) < 0) {
                first.append(p[0]);
            }
        }
        this.firstChars = first.toString();
    }

    /** A scrubber for these secrets; null and empty entries are ignored. */
    public static SecretScrubber of(Collection<String> secrets) {
        Set<String> plain = new LinkedHashSet<>();
        Set<String> base64 = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            plain.add(secret);
            base64.addAll(base64Runs(secret.getBytes(StandardCharsets.UTF_8)));
            String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
            if (!escaped.equals(secret)) {
                base64.addAll(base64Runs(escaped.getBytes(StandardCharsets.UTF_8)));
            }
        }
        if (plain.isEmpty()) {
            return NONE;
        }
        base64.removeAll(plain);
        char[][] patterns = new char[plain.size() + base64.size()][];
        int[] minCharsAtEnd = new int[patterns.length];
        int i = 0;
        for (String p : plain) {
            // At least one character: a lone backslash (the start of some escape) at the end says nothing.
            minCharsAtEnd[i] = 1;
            patterns[i++] = p.toCharArray();
        }
        for (String p : base64) {
            minCharsAtEnd[i] = MIN_BASE64_RUN;
            patterns[i++] = p.toCharArray();
        }
        return new SecretScrubber(patterns, minCharsAtEnd, plain.size());
    }

    /** Finds nothing: for decoders built without secrets (tests, tools). */
    public static SecretScrubber none() {
        return NONE;
    }

    /** The text with every secret, and every recognisable prefix of one, replaced by the marker. */
    public String redact(String text) {
        return scan(text, false);
    }

    /**
     * Like {@link #redact}, for text that may have been cut anywhere (a record's prefix, a dead letter cut to its
     * maximum length): when the text ends partway into a secret, from there to the end is replaced as well.
     */
    public String redactCutText(String text) {
        return scan(text, true);
    }

    /**
     * Where a secret (or any part of its beginning) starts that runs into the end of the text, or -1. For text just
     * cut to a limit: everything from there must go.
     */
    public int startOfSecretAtEnd(String text) {
        if (patterns.length == 0 || text == null) {
            return -1;
        }
        int n = text.length();
        Match m = new Match(n);
        for (int i = 0; i < n; i++) {
            if (firstChars.indexOf(text.charAt(i)) < 0) {
                continue;
            }
            for (int j = 0; j < patterns.length; j++) {
                match(text, i, patterns[j], m);
                if (m.steps < 0) {
                    return 0;
                }
                if (m.reachesEnd && m.chars >= minCharsAtEnd[j] || isFinding(m, patterns[j]) && m.end == n) {
                    return i;
                }
            }
        }
        return -1;
    }

    public int secretCount() {
        return secretCount;
    }

    @Override
    public String toString() {
        return "SecretScrubber{" + secretCount + " secret(s)}";
    }

    private String scan(String text, boolean cut) {
        if (patterns.length == 0 || text == null || text.isEmpty()) {
            return text;
        }
        Match m = null;
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (firstChars.indexOf(text.charAt(i)) < 0) {
                i++;
                continue;
            }
            m = m == null ? new Match(n) : m;
            int end = -1;
            for (int j = 0; j < patterns.length; j++) {
                char[] p = patterns[j];
                match(text, i, p, m);
                if (m.steps < 0) {
                    return ClientStateRedaction.MARKER;
                }
                if (cut && m.reachesEnd && m.chars >= minCharsAtEnd[j]) {
                    end = n;
                    break;
                }
                if (isFinding(m, p)) {
                    end = Math.max(end, m.end);
                }
            }
            if (end <= i) {
                i++;
                continue;
            }
            out = out == null ? new StringBuilder(n) : out;
            out.append(text, copied, i).append(ClientStateRedaction.MARKER);
            copied = end;
            i = end;
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    /** The whole pattern, or enough of its start to recognise it. */
    private static boolean isFinding(Match m, char[] p) {
        return m.chars == p.length || m.chars >= Math.min(RECOGNISABLE_PREFIX, p.length);
    }

    /** How far a pattern matches at one position of a text; reused across positions of one scan. */
    private static final class Match {
        /** Pattern characters matched. */
        int chars;
        /** The furthest end (exclusive) in the text of those characters. */
        int end;
        /** Whether the text ends while the pattern could still be matching (inside it, or inside an escape). */
        boolean reachesEnd;
        /** Work left for the whole scan. */
        long steps;
        /** The last run of backslashes measured, [runFrom, runTo): every position inside it ends at runTo. */
        int runFrom = -1;
        int runTo = -1;
        Positions current = new Positions();
        Positions next = new Positions();

        Match(int textLength) {
            steps = (long) STEPS_PER_CHAR * textLength + 10_000;
        }
    }

    /**
     * Matches {@code p} at {@code start}, one pattern character at a time, following every way the text can spell
     * it (as is, or escaped) at once, so that no backtracking is needed.
     */
    private static void match(String t, int start, char[] p, Match m) {
        int n = t.length();
        Positions current = m.current;
        Positions next = m.next;
        current.clear();
        current.add(start);
        boolean reachesEnd = false;
        int k = 0;
        while (k < p.length) {
            char c = p[k];
            next.clear();
            m.steps -= current.size;
            for (int s = 0; s < current.size; s++) {
                int q = current.at[s];
                if (q >= n) {
                    reachesEnd = true;
                    continue;
                }
                char x = t.charAt(q);
                if (x == c) {
                    next.add(q + 1);
                }
                if (x == '\\') {
                    reachesEnd |= escapes(t, q, c, next, m);
                }
            }
            m.steps -= (long) current.size * next.size; // what deduplicating the alternatives cost at most
            if (next.size == 0) {
                break;
            }
            Positions swap = current;
            current = next;
            next = swap;
            k++;
        }
        m.chars = k;
        m.end = current.max();
        m.reachesEnd = reachesEnd && k < p.length;
        m.current = current;
        m.next = next;
    }

    /**
     * Adds the ends of the escapes at {@code q} (a backslash) that spell {@code c}. Returns whether the text ends
     * inside an escape that could still spell it.
     */
    private static boolean escapes(String t, int q, char c, Positions next, Match m) {
        int n = t.length();
        if (q < m.runFrom || q >= m.runTo) {
            int end = q;
            while (end < n && t.charAt(end) == '\\') {
                end++;
            }
            m.steps -= end - q;
            m.runFrom = q;
            m.runTo = end;
        }
        int r = Math.min(m.runTo, q + MAX_BACKSLASH_RUN);
        if (c == '\\') {
            // "\\" and, nested, "\\\\": any longer run of backslashes may stand for one backslash.
            for (int end = q + 2; end <= r; end++) {
                next.add(end);
            }
        }
        if (r >= n) {
            return true;
        }
        char e = t.charAt(r);
        if (e == '\\') {
            return false; // a longer run than any real escaping produces
        }
        if (e == 'u' || e == 'U') {
            for (int j = 0; j < 4; j++) {
                int at = r + 1 + j;
                if (at >= n) {
                    return true;
                }
                if (Character.digit(t.charAt(at), 16) != ((c >> (12 - 4 * j)) & 0xF)) {
                    return false;
                }
            }
            next.add(r + 5);
        } else if (e == shortEscape(c) || (e == c && !Character.isLetterOrDigit(c))) {
            // \n, \t...; and \" \/ \\ and, leniently, a backslash before any other punctuation.
            next.add(r + 1);
        }
        return false;
    }

    private static int shortEscape(char c) {
        return switch (c) {
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> -1;
        };
    }

    /**
     * The runs of base64 characters that encode only bytes of {@code bytes}, when it is encoded as part of a longer
     * stream starting at each of the three possible offsets modulo 3: for bytes at stream offsets [s, e), the
     * characters [ceil(4s/3), floor(4e/3)).
     */
    static List<String> base64Runs(byte[] bytes) {
        List<String> runs = new ArrayList<>(3);
        for (int pad = 0; pad < 3; pad++) {
            byte[] padded = new byte[pad + bytes.length];
            System.arraycopy(bytes, 0, padded, pad, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(padded);
            // Characters that also carry padding bits depend on the neighbours: 2 of them for pad 1, 3 for pad 2.
            int from = pad == 0 ? 0 : pad + 1;
            // A trailing partial group of r bytes has r characters made of its bytes only; the next one is mixed.
            int to = padded.length / 3 * 4 + padded.length % 3;
            if (to - from >= MIN_BASE64_RUN) {
                runs.add(encoded.substring(from, to));
            }
        }
        return runs;
    }

    /** A small set of text positions. */
    private static final class Positions {
        int[] at = new int[4];
        int size;

        void clear() {
            size = 0;
        }

        void add(int position) {
            for (int i = 0; i < size; i++) {
                if (at[i] == position) {
                    return;
                }
            }
            if (size == MAX_PATHS) {
                return;
            }
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
            }
            at[size++] = position;
        }

        int max() {
            int max = -1;
            for (int i = 0; i < size; i++) {
                max = Math.max(max, at[i]);
            }
            return max;
        }
    }
}
