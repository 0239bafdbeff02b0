package dev.beacon.job.detect;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a chat message body (Teams HTML or plain text) into the normalised text that detection rules match.
 *
 * <p>Bodies come from arbitrary chat participants, so everything here is a single forward scan with bounded
 * look-ahead: no regular expressions, no backtracking, linear in the input however hostile it is. An unclosed tag
 * or comment swallows the rest of the input, as it would in a browser.
 */
public final class MessageText {

    /** Tags that end a line of text; in {@link #plainText} they become a single space. */
    private static final Set<String> LINE_TAGS = Set.of(
            "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "thead",
            "tbody", "tfoot", "caption", "blockquote", "pre", "hr", "section", "article", "header", "footer",
            "address", "figure", "figcaption", "dl", "dt", "dd", "main", "nav", "aside", "details", "summary");

    /** Table cells separate words but stay on their row's line. */
    private static final Set<String> CELL_TAGS = Set.of("td", "th");

    /** Elements whose body is not text a reader sees. */
    private static final Set<String> RAW_TEXT_TAGS = Set.of("script", "style");

    private static final int MAX_TAG_NAME = 16;
    private static final int MAX_ENTITY_NAME = 32;
    private static final int MAX_NUMERIC_DIGITS = 8;

    private static final Map<String, Integer> ENTITIES = namedEntities();

    private MessageText() {}

    /**
     * The visible text of a body on one line: tags removed (block tags become spaces), entities decoded, any
     * Unicode whitespace (including no-break and zero-width spaces) collapsed to single spaces, trimmed.
     *
     * @param contentType {@code html} (any case) for HTML; anything else, including null, is plain text
     * @return never null; empty for a null or empty body
     */
    public static String plainText(String content, String contentType) {
        return normalise(content, contentType, false);
    }

    /**
     * Like {@link #plainText}, but keeps the message's line structure: block tags ({@code p}, {@code div},
     * {@code br}, {@code li}, {@code tr}, headings) and, for plain text, line breaks become {@code '\n'}. Within a
     * line whitespace collapses to single spaces; there are no empty lines and no leading or trailing spaces.
     * {@code plainTextLines(c, t).replace('\n', ' ')} equals {@code plainText(c, t)}.
     */
    public static String plainTextLines(String content, String contentType) {
        return normalise(content, contentType, true);
    }

    /**
     * A form for case-insensitive comparison: NFKC-normalised (so full-width letters, ligatures and decomposed
     * accents compare equal to their plain forms) and lower-cased with {@link Locale#ROOT}.
     */
    public static String fold(String text) {
        if (text == null) {
            return null;
        }
        String composed = Normalizer.isNormalized(text, Normalizer.Form.NFKC)
                ? text
                : Normalizer.normalize(text, Normalizer.Form.NFKC);
        return composed.toLowerCase(Locale.ROOT);
    }

    private static String normalise(String content, String contentType, boolean keepLines) {
        if (content == null || content.isEmpty()) {
            return "";
        }
        CharSequence text = isHtml(contentType) ? htmlToText(content) : content;
        return collapseWhitespace(text, keepLines);
    }

    private static boolean isHtml(String contentType) {
        return contentType != null && contentType.trim().equalsIgnoreCase("html");
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTML: one pass. Source line breaks are ordinary whitespace in HTML; only block tags emit '\n'.

    private static StringBuilder htmlToText(String html) {
        StringBuilder out = new StringBuilder(Math.min(html.length(), 1 << 16));
        int n = html.length();
        int i = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<' && i + 1 < n) {
                char next = html.charAt(i + 1);
                if (next == '!') {
                    i = skipDeclarationOrComment(html, i);
                    continue;
                }
                if (next == '?') {
                    i = skipPast(html, '>', i + 2);
                    continue;
                }
                if (next == '/' || isAsciiLetter(next)) {
                    i = readTag(html, i, out);
                    continue;
                }
            }
            if (c == '&') {
                i = decodeEntity(html, i, out);
                continue;
            }
            appendHtmlTextChar(out, c);
            i++;
        }
        return out;
    }

    private static int skipDeclarationOrComment(String html, int start) {
        if (html.startsWith("<!--", start)) {
            int end = html.indexOf("-->", start + 4);
            return end < 0 ? html.length() : end + 3;
        }
        return skipPast(html, '>', start + 2);
    }

    /** Index just after the next {@code c} at or after {@code from}, or the end of the input. */
    private static int skipPast(String s, char c, int from) {
        int at = s.indexOf(c, from);
        return at < 0 ? s.length() : at + 1;
    }

    /** Reads {@code <name ...>} or {@code </name ...>} starting at {@code '<'}; returns the index after it. */
    private static int readTag(String html, int start, StringBuilder out) {
        int n = html.length();
        int j = start + 1;
        boolean closing = html.charAt(j) == '/';
        if (closing) {
            j++;
        }
        StringBuilder name = new StringBuilder(8);
        while (j < n && isTagNameChar(html.charAt(j))) {
            if (name.length() <= MAX_TAG_NAME) {
                name.append(Character.toLowerCase(html.charAt(j)));
            }
            j++;
        }
        // Attributes: skip to the closing '>', but not one inside a quoted attribute value.
        boolean afterEquals = false;
        boolean selfClosing = false;
        boolean closed = false;
        while (j < n) {
            char ch = html.charAt(j);
            if (ch == '>') {
                j++;
                closed = true;
                break;
            }
            if (afterEquals && (ch == '"' || ch == '\'')) {
                j = skipPast(html, ch, j + 1);
                afterEquals = false;
                selfClosing = false;
                continue;
            }
            if (ch == '=') {
                afterEquals = true;
            } else if (!isHtmlSpace(ch)) {
                afterEquals = false;
                selfClosing = ch == '/';
            }
            j++;
        }
        if (!closed) {
            return n;
        }
        String tag = name.toString();
        if (LINE_TAGS.contains(tag)) {
            out.append('\n');
        } else if (CELL_TAGS.contains(tag)) {
            out.append(' ');
        } else if (!closing && !selfClosing && RAW_TEXT_TAGS.contains(tag)) {
            return skipRawText(html, j, tag);
        }
        return j;
    }

    /** Skips a script or style body up to and including its end tag. */
    private static int skipRawText(String html, int from, String tag) {
        int n = html.length();
        String endTag = "</" + tag;
        int k = from;
        while (true) {
            int lt = html.indexOf('<', k);
            if (lt < 0) {
                return n;
            }
            int after = lt + endTag.length();
            if (html.regionMatches(true, lt, endTag, 0, endTag.length())
                    && (after >= n || !isTagNameChar(html.charAt(after)))) {
                return skipPast(html, '>', after);
            }
            k = lt + 1;
        }
    }

    /** Decodes the entity at {@code '&'} into {@code out}; an unknown or malformed one stays literal text. */
    private static int decodeEntity(String html, int amp, StringBuilder out) {
        int n = html.length();
        int j = amp + 1;
        if (j < n && html.charAt(j) == '#') {
            j++;
            int radix = 10;
            if (j < n && (html.charAt(j) == 'x' || html.charAt(j) == 'X')) {
                radix = 16;
                j++;
            }
            int digitsStart = j;
            long value = 0;
            while (j < n && j - digitsStart < MAX_NUMERIC_DIGITS && Character.digit(html.charAt(j), radix) >= 0
                    && html.charAt(j) < 128) {
                value = value * radix + Character.digit(html.charAt(j), radix);
                j++;
            }
            if (j == digitsStart) {
                out.append('&');
                return amp + 1;
            }
            if (j < n && html.charAt(j) == ';') {
                j++;
            }
            appendHtmlTextCodePoint(out, validCodePoint(value));
            return j;
        }
        int nameStart = j;
        while (j < n && j - nameStart < MAX_ENTITY_NAME && isAsciiLetterOrDigit(html.charAt(j))) {
            j++;
        }
        if (j < n && j > nameStart && html.charAt(j) == ';') {
            Integer cp = ENTITIES.get(html.substring(nameStart, j));
            if (cp != null) {
                appendHtmlTextCodePoint(out, cp);
                return j + 1;
            }
        }
        out.append('&');
        return amp + 1;
    }

    private static int validCodePoint(long value) {
        if (value <= 0 || value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
            return 0xFFFD;
        }
        return (int) value;
    }

    private static void appendHtmlTextCodePoint(StringBuilder out, int cp) {
        if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
            appendHtmlTextChar(out, (char) cp);
        } else {
            out.appendCodePoint(cp);
        }
    }

    /** In HTML text a line break is just whitespace; only block tags break lines. */
    private static void appendHtmlTextChar(StringBuilder out, char c) {
        out.append(isLineBreak(c) ? ' ' : c);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Whitespace: one pass over code points.

    private static String collapseWhitespace(CharSequence text, boolean keepLines) {
        int n = text.length();
        StringBuilder out = new StringBuilder(Math.min(n, 1 << 16));
        boolean pendingSpace = false;
        boolean pendingLine = false;
        int i = 0;
        while (i < n) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            if (isLineBreak(cp)) {
                pendingLine = true;
            } else if (isSpace(cp)) {
                pendingSpace = true;
            } else if (Character.getType(cp) == Character.FORMAT) {
                // Invisible joiners, soft hyphens and direction marks: not part of any word a rule names.
                continue;
            } else {
                if (out.length() > 0 && (pendingLine || pendingSpace)) {
                    out.append(keepLines && pendingLine ? '\n' : ' ');
                }
                pendingLine = false;
                pendingSpace = false;
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    }

    /** Whitespace in the widest sense, including no-break spaces, the zero-width space and control characters. */
    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp)
                || Character.isSpaceChar(cp)
                || cp == 0x200B
                || Character.isISOControl(cp);
    }

    private static boolean isHtmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9');
    }

    private static boolean isTagNameChar(char c) {
        return isAsciiLetterOrDigit(c) || c == '-' || c == ':' || c == '_';
    }

    /** The named entities that occur in chat text; an unknown name is left as literal text. */
    private static Map<String, Integer> namedEntities() {
        Object[] table = {
            "nbsp", 0xA0, "amp", '&', "lt", '<', "gt", '>', "quot", '"', "apos", '\'',
            "ensp", 0x2002, "emsp", 0x2003, "thinsp", 0x2009, "zwsp", 0x200B, "ZeroWidthSpace", 0x200B,
            "zwnj", 0x200C, "zwj", 0x200D, "lrm", 0x200E, "rlm", 0x200F, "shy", 0xAD, "NewLine", '\n', "Tab", '\t',
            "ndash", 0x2013, "mdash", 0x2014, "hellip", 0x2026, "bull", 0x2022, "middot", 0xB7,
            "lsquo", 0x2018, "rsquo", 0x2019, "sbquo", 0x201A, "ldquo", 0x201C, "rdquo", 0x201D, "bdquo", 0x201E,
            "laquo", 0xAB, "raquo", 0xBB, "lsaquo", 0x2039, "rsaquo", 0x203A,
            "copy", 0xA9, "reg", 0xAE, "trade", 0x2122, "deg", 0xB0, "plusmn", 0xB1, "times", 0xD7,
            "divide", 0xF7, "sect", 0xA7, "para", 0xB6, "euro", 0x20AC, "pound", 0xA3, "yen", 0xA5, "cent", 0xA2,
            "iexcl", 0xA1, "iquest", 0xBF, "num", '#', "colon", ':', "comma", ',', "period", '.', "sol", '/',
            "auml", 0xE4, "ouml", 0xF6, "uuml", 0xFC, "Auml", 0xC4, "Ouml", 0xD6, "Uuml", 0xDC, "szlig", 0xDF,
            "eacute", 0xE9, "egrave", 0xE8, "ecirc", 0xEA, "euml", 0xEB, "Eacute", 0xC9, "Egrave", 0xC8,
            "aacute", 0xE1, "agrave", 0xE0, "acirc", 0xE2, "atilde", 0xE3, "aring", 0xE5, "aelig", 0xE6,
            "Aacute", 0xC1, "Agrave", 0xC0, "Acirc", 0xC2, "Aring", 0xC5, "AElig", 0xC6,
            "iacute", 0xED, "igrave", 0xEC, "icirc", 0xEE, "iuml", 0xEF, "oacute", 0xF3, "ograve", 0xF2,
            "ocirc", 0xF4, "otilde", 0xF5, "oslash", 0xF8, "Oslash", 0xD8, "Oacute", 0xD3,
            "uacute", 0xFA, "ugrave", 0xF9, "ucirc", 0xFB, "Uacute", 0xDA, "ccedil", 0xE7, "Ccedil", 0xC7,
            "ntilde", 0xF1, "Ntilde", 0xD1, "yacute", 0xFD, "yuml", 0xFF,
        };
        Map<String, Integer> map = new HashMap<>();
        for (int k = 0; k < table.length; k += 2) {
            Object v = table[k + 1];
            map.put((String) table[k], v instanceof Character ch ? (int) ch : (Integer) v);
        }
        return map;
    }
}
