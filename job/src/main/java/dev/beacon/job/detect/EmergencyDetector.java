package dev.beacon.job.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a Graph chatMessage is a Teams emergency-call notification and extracts the call's details.
 * Runs on every chat message Beacon sees: build one per operator (in {@code open()}) and reuse it; all patterns
 * are compiled once, in {@link DetectionRules}. Thread-safe.
 *
 * <p>Never throws. A message of an unexpected shape is simply not an emergency, or has the affected fields null.
 * When the detector cannot decide (a pattern ran out of its read budget, or a defect threw), it says so with a
 * {@link Detection.Kind#FAILED} detection, never with "not an emergency": the caller keeps such a notification as a
 * dead letter for a rerun. Those failures are also counted ({@link #patternsGivenUp()},
 * {@link #unexpectedFailures()}), for the operator to publish as metrics.
 */
public final class EmergencyDetector {

    private static final String CARD_CONTENT_TYPE_PREFIX = "application/vnd.microsoft.card.";
    private static final int MAX_CARD_DEPTH = 64;
    private static final String HASH_VERSION = "beacon-detect-v1";

    private final DetectionRules rules;
    /** Parses adaptive-card attachments, whose content is card JSON inside a string. */
    private final ObjectMapper cardMapper = new ObjectMapper();
    private final MessageDigest sha256Prototype;
    private final AtomicLong patternsGivenUp = new AtomicLong();
    private final AtomicLong unexpectedFailures = new AtomicLong();

    public EmergencyDetector(DetectionRules rules) {
        this.rules = rules;
        try {
            this.sha256Prototype = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** {@link #detect(JsonNode, String)} with the chat id taken from the message itself. */
    public Detection detect(JsonNode chatMessage) {
        return detect(chatMessage, null);
    }

    /**
     * @param chatMessage    the Graph chatMessage resource (decrypted resource data, or a fetched message)
     * @param fallbackChatId the chat id from the notification's resource path, used when the message has no
     *                       {@code chatId}; may be null
     */
    public Detection detect(JsonNode chatMessage, String fallbackChatId) {
        if (chatMessage == null || !chatMessage.isObject()) {
            return Detection.notEmergency();
        }
        try {
            return detectMessage(chatMessage, fallbackChatId);
        } catch (PatternGaveUp e) {
            return Detection.failed(Detection.FailureCause.BUDGET_EXHAUSTED, e.pattern + " ran out of its read budget");
        } catch (RuntimeException | StackOverflowError e) {
            // A bug, not bad input; or a pattern whose recursion outgrew the stack on a long text (a JDK regex
            // limitation). Only the class is kept: exception messages may quote the content.
            unexpectedFailures.incrementAndGet();
            return Detection.failed(Detection.FailureCause.UNEXPECTED_ERROR,
                    "unexpected " + e.getClass().getSimpleName() + " in the detector");
        }
    }

    /**
     * How many times a rule or extraction pattern was stopped for backtracking too much (each one a
     * {@link Detection.Kind#FAILED} detection). Non-zero means an admin-written pattern needs simplifying.
     */
    public long patternsGivenUp() {
        return patternsGivenUp.get();
    }

    /** How many messages hit an unexpected error in the detector (each one a {@link Detection.Kind#FAILED}). */
    public long unexpectedFailures() {
        return unexpectedFailures.get();
    }

    /**
     * The kind of chat, from the shape of its id: {@code 19:meeting_...} is a meeting chat, {@code ...@thread.v2}
     * a group chat, {@code ...@unq.gbl.spaces} a one-on-one chat; null for anything else.
     */
    public static String chatType(String chatId) {
        if (chatId == null) {
            return null;
        }
        if (chatId.regionMatches(true, 0, "19:meeting_", 0, 11)) {
            return DetectionRules.CHAT_MEETING;
        }
        if (endsWithIgnoreCase(chatId, "@unq.gbl.spaces")) {
            return DetectionRules.CHAT_ONE_ON_ONE;
        }
        if (endsWithIgnoreCase(chatId, "@thread.v2") || endsWithIgnoreCase(chatId, "@thread.skype")) {
            return DetectionRules.CHAT_GROUP;
        }
        return null;
    }

    private Detection detectMessage(JsonNode message, String fallbackChatId) {
        boolean deleted = isSet(message.get("deletedDateTime"));
        // The timestamps are parsed only for the detections that carry them (emergencies, deletions): parsing them
        // for every message was an eighth of triage's work after decryption.

        // Conditions first: they are cheap, and most messages fail them before any text work.
        String messageType = text(message, "messageType");
        // Graph always sends messageType; a payload without one is treated as an ordinary message.
        String foldedMessageType = messageType == null ? "message" : MessageText.fold(messageType.trim());
        String importance = text(message, "importance");
        String foldedImportance = importance == null ? null : MessageText.fold(importance.trim());
        JsonNode from = message.get("from");
        String senderKind = senderKind(from);
        String chatId = text(message, "chatId");
        String chatType = chatType(chatId != null ? chatId : fallbackChatId);

        List<DetectionRules.Rule> candidates = new ArrayList<>(rules.rules().size());
        for (DetectionRules.Rule rule : rules.rules()) {
            if (conditionsHold(rule, foldedMessageType, foldedImportance, chatType, senderKind)) {
                candidates.add(rule);
            }
        }
        if (candidates.isEmpty()) {
            return notEmergency(deleted, message);
        }

        JsonNode body = message.get("body");
        String bodyLines = MessageText.plainTextLines(text(body, "content"), text(body, "contentType"));
        String cardLines = cardText(message.get("attachments"));
        String lines = cardLines.isEmpty() ? bodyLines
                : bodyLines.isEmpty() ? cardLines : bodyLines + "\n" + cardLines;
        if (lines.isEmpty()) {
            return notEmergency(deleted, message);
        }
        String folded = MessageText.fold(lines.replace('\n', ' '));

        // In rule order, so that the first matching rule names the detection; a rule whose pattern gives up stops
        // the search, since a later rule's match would then name the wrong rule.
        DetectionRules.Rule matched = null;
        for (DetectionRules.Rule rule : candidates) {
            if (textMatches(rule, folded)) {
                matched = rule;
                break;
            }
        }
        if (matched == null) {
            return notEmergency(deleted, message);
        }

        JsonNode user = from == null ? null : from.get("user");
        int[] locationSpan = new int[2];
        String location = location(lines, locationSpan);
        String dialed = dialedNumber(lines, location == null ? null : locationSpan);
        boolean testCall = dialed != null && rules.testNumbers().contains(dialed);
        return new Detection(Detection.Kind.EMERGENCY, matched.name(), senderKind, text(user, "id"),
                text(user, "displayName"), text(user, "tenantId"), dialed, testCall, location,
                epochMillis(message.get("createdDateTime")), epochMillis(message.get("lastModifiedDateTime")),
                contentHash(message, bodyLines, foldedMessageType, foldedImportance, senderKind, deleted), deleted,
                null);
    }

    private static Detection notEmergency(boolean deleted, JsonNode message) {
        return deleted
                ? Detection.deletedNotEmergency(epochMillis(message.get("createdDateTime")),
                        epochMillis(message.get("lastModifiedDateTime")))
                : Detection.notEmergency();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rules

    private static boolean conditionsHold(
            DetectionRules.Rule rule, String messageType, String importance, String chatType, String senderKind) {
        return rule.messageTypes().contains(messageType)
                && (rule.importance() == null || (importance != null && rule.importance().contains(importance)))
                && (rule.chatTypes() == null || (chatType != null && rule.chatTypes().contains(chatType)))
                && (rule.senderKinds() == null || rule.senderKinds().contains(senderKind));
    }

    private boolean textMatches(DetectionRules.Rule rule, String folded) {
        for (String phrase : rule.phrases()) {
            if (containsPhrase(folded, phrase)) {
                return true;
            }
        }
        List<Pattern> patterns = rule.patterns();
        for (int i = 0; i < patterns.size(); i++) {
            try {
                if (find(patterns.get(i), folded) != null) {
                    return true;
                }
            } catch (BoundedText.BudgetExhausted e) {
                throw gaveUp("rule '" + rule.name() + "': patterns[" + i + "]");
            }
        }
        return false;
    }

    /** The phrase as whole words: "call" does not match inside "recall" or "callback". */
    static boolean containsPhrase(String text, String phrase) {
        int from = 0;
        while (true) {
            int at = text.indexOf(phrase, from);
            if (at < 0) {
                return false;
            }
            int end = at + phrase.length();
            boolean startsClean = at == 0
                    || !isWordChar(phrase.codePointAt(0))
                    || !isWordChar(text.codePointBefore(at));
            boolean endsClean = end == text.length()
                    || !isWordChar(phrase.codePointBefore(phrase.length()))
                    || !isWordChar(text.codePointAt(end));
            if (startsClean && endsClean) {
                return true;
            }
            from = at + 1;
        }
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp);
    }

    /**
     * The matcher after a successful find, or null when there is no match.
     *
     * @throws BoundedText.BudgetExhausted when the pattern used up its read budget; the caller names the pattern
     *         with {@link #gaveUp(String)}
     */
    private static Matcher find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(BoundedText.of(text));
        return m.find() ? m : null;
    }

    /** @param pattern the pattern as the rules file's error messages name it, e.g. {@code location.patterns[1]} */
    private PatternGaveUp gaveUp(String pattern) {
        patternsGivenUp.incrementAndGet();
        return new PatternGaveUp(pattern);
    }

    /** A pattern ran out of its read budget: detection cannot decide. Names the pattern, never the text. */
    private static final class PatternGaveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String pattern;

        PatternGaveUp(String pattern) {
            super(pattern, null, false, false);
            this.pattern = pattern;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Extraction: on the unfolded text, one message line per text line.

    /** The first location pattern's result; its span in {@code lines} goes into {@code span}. */
    private String location(String lines, int[] span) {
        List<Pattern> patterns = rules.locationPatterns();
        for (int i = 0; i < patterns.size(); i++) {
            Matcher m;
            try {
                m = find(patterns.get(i), lines);
            } catch (BoundedText.BudgetExhausted e) {
                throw gaveUp("location.patterns[" + i + "]");
            }
            if (m == null || m.group("location") == null) {
                continue;
            }
            String location = cleanLocation(m.group("location"), rules.maxLocationLength());
            if (location != null) {
                span[0] = m.start("location");
                span[1] = m.end("location");
                return location;
            }
        }
        return null;
    }

    static String cleanLocation(String raw, int maxLength) {
        int start = 0;
        int end = raw.length();
        while (start < end && isLocationEdgeNoise(raw.charAt(start), false)) {
            start++;
        }
        if (end - start > maxLength) {
            end = start + maxLength;
            if (Character.isHighSurrogate(raw.charAt(end - 1))) {
                end--;
            }
        }
        while (end > start && isLocationEdgeNoise(raw.charAt(end - 1), true)) {
            end--;
        }
        return end > start ? raw.substring(start, end) : null;
    }

    /** Spaces, markdown emphasis and label punctuation around a location; trailing sentence punctuation too. */
    private static boolean isLocationEdgeNoise(char c, boolean trailing) {
        return c == ' ' || c == '\n' || c == '*' || c == '_' || c == ':' || c == '-' || c == '\u2013' || c == '\u2014'
                || (trailing && (c == '.' || c == ',' || c == ';' || c == '!' || c == '?'));
    }

    /**
     * The first dialled-number pattern's digits; else, if enabled, the first standalone emergency number, ignoring
     * the location (so "112 Main Street" is not read as a dialled 112).
     */
    private String dialedNumber(String lines, int[] locationSpan) {
        List<Pattern> patterns = rules.dialedNumberPatterns();
        for (int i = 0; i < patterns.size(); i++) {
            Matcher m;
            try {
                m = find(patterns.get(i), lines);
            } catch (BoundedText.BudgetExhausted e) {
                throw gaveUp("dialedNumber.patterns[" + i + "]");
            }
            if (m == null || m.group("number") == null) {
                continue;
            }
            String digits = digitsOf(m.group("number"));
            if (!digits.isEmpty()) {
                return digits;
            }
        }
        return rules.fallbackToAnyEmergencyNumber() ? standaloneEmergencyNumber(lines, locationSpan) : null;
    }

    private static String digitsOf(String s) {
        StringBuilder digits = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    /** A token is a run between spaces; punctuation around it is ignored, so "(911)," counts as 911. */
    private String standaloneEmergencyNumber(String lines, int[] locationSpan) {
        int n = lines.length();
        int i = 0;
        while (i < n) {
            while (i < n && isTokenSeparator(lines.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isTokenSeparator(lines.charAt(i))) {
                i++;
            }
            int end = i;
            boolean inLocation = locationSpan != null && start < locationSpan[1] && end > locationSpan[0];
            if (inLocation) {
                continue;
            }
            while (start < end && !Character.isLetterOrDigit(lines.charAt(start))) {
                start++;
            }
            while (end > start && !Character.isLetterOrDigit(lines.charAt(end - 1))) {
                end--;
            }
            if (end - start <= 8 && end > start) {
                String token = lines.substring(start, end);
                if (rules.emergencyNumbers().contains(token)) {
                    return token;
                }
            }
        }
        return null;
    }

    private static boolean isTokenSeparator(char c) {
        return c == ' ' || c == '\n';
    }

    // ---------------------------------------------------------------------------------------------------------
    // Adaptive cards: text may live in card attachments rather than the body.

    /**
     * The visible text of card attachments, one line per text element; {@code title}/{@code value} pairs (facts)
     * become {@code "title: value"}. Other attachments are ignored on purpose: a reply quoting an emergency
     * notification carries it as a {@code messageReference} attachment, and must not count as a new call.
     */
    private String cardText(JsonNode attachments) {
        if (attachments == null || !attachments.isArray()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode attachment : attachments) {
            String contentType = text(attachment, "contentType");
            String content = text(attachment, "content");
            if (contentType == null || content == null
                    || !contentType.toLowerCase(Locale.ROOT).startsWith(CARD_CONTENT_TYPE_PREFIX)) {
                continue;
            }
            JsonNode card;
            try {
                card = cardMapper.readTree(content);
            } catch (JsonProcessingException e) {
                continue;
            }
            collectCardText(card, out, 0);
        }
        return out.length() == 0 ? "" : MessageText.plainTextLines(out.toString(), "text");
    }

    private static void collectCardText(JsonNode node, StringBuilder out, int depth) {
        if (node == null || depth > MAX_CARD_DEPTH) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                collectCardText(item, out, depth + 1);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        String title = text(node, "title");
        String value = text(node, "value");
        if (title != null && value != null) {
            out.append(title).append(": ").append(value).append('\n');
        } else if (title != null) {
            out.append(title).append('\n');
        }
        appendLine(out, text(node, "subtitle"));
        appendLine(out, text(node, "text"));
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getValue().isContainerNode()) {
                collectCardText(field.getValue(), out, depth + 1);
            }
        }
    }

    private static void appendLine(StringBuilder out, String line) {
        if (line != null) {
            out.append(line).append('\n');
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Content hash: what the message says and who says it; not reactions, read state or modification time.

    private String contentHash(JsonNode message, String bodyLines, String messageType, String importance,
            String senderKind, boolean deleted) {
        MessageDigest digest = newDigest();
        update(digest, HASH_VERSION);
        update(digest, messageType);
        update(digest, importance);
        update(digest, text(message, "subject"));
        update(digest, senderKind);
        update(digest, senderId(message.get("from")));
        update(digest, deleted ? "deleted" : "present");
        update(digest, bodyLines.replace('\n', ' '));
        JsonNode attachments = message.get("attachments");
        if (attachments != null && attachments.isArray()) {
            update(digest, Integer.toString(attachments.size()));
            for (JsonNode attachment : attachments) {
                update(digest, text(attachment, "id"));
                update(digest, text(attachment, "contentType"));
                update(digest, text(attachment, "contentUrl"));
                update(digest, text(attachment, "name"));
                update(digest, text(attachment, "content"));
            }
        } else {
            update(digest, "0");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private MessageDigest newDigest() {
        try {
            return (MessageDigest) sha256Prototype.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** Length-prefixed, so that no two different field lists hash alike. */
    private static void update(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(new byte[] {-1, -1, -1, -1});
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        digest.update(bytes);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading the message tolerantly.

    static String senderKind(JsonNode from) {
        if (from == null || !from.isObject()) {
            return DetectionRules.SENDER_NONE;
        }
        if (isObject(from.get("user"))) {
            return DetectionRules.SENDER_USER;
        }
        if (isObject(from.get("application"))) {
            return DetectionRules.SENDER_APPLICATION;
        }
        if (isObject(from.get("device"))) {
            return DetectionRules.SENDER_DEVICE;
        }
        return DetectionRules.SENDER_NONE;
    }

    private static String senderId(JsonNode from) {
        if (from == null || !from.isObject()) {
            return null;
        }
        for (String kind : new String[] {"user", "application", "device"}) {
            JsonNode identity = from.get(kind);
            if (isObject(identity)) {
                return text(identity, "id");
            }
        }
        return null;
    }

    private static boolean isObject(JsonNode node) {
        return node != null && node.isObject();
    }

    /** The field's string value; null when the node or field is missing, null or not a string. */
    private static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static boolean isSet(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        return !node.isTextual() || !node.textValue().isBlank();
    }

    /**
     * ISO-8601 with an offset ({@code Z} in Graph); without one, UTC is assumed. 0 when missing, unparseable, or
     * not after 1970: Graph writes {@code 0001-01-01T00:00:00Z} for "no time", and 0 is what triage treats as
     * missing.
     */
    static long epochMillis(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return 0L;
        }
        String s = node.textValue().trim();
        if (s.isEmpty() || s.length() > 64) {
            return 0L;
        }
        long millis;
        try {
            millis = OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // not with an offset; try without
            try {
                millis = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeException | ArithmeticException e2) {
                return 0L;
            }
        }
        return Math.max(0L, millis);
    }

    private static boolean endsWithIgnoreCase(String s, String suffix) {
        return s.length() >= suffix.length()
                && s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
    }
}
