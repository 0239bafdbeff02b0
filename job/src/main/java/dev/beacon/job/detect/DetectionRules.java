package dev.beacon.job.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What counts as an emergency-call notification and how to read the dialled number and location out of it. The
 * text Teams posts is undocumented, so all of this is configuration (format: {@code docs/detection-rules.md};
 * built-in defaults: {@code beacon/detection-rules.json}). Immutable once loaded; ships to the task managers with
 * the job graph, where {@link EmergencyDetector} uses the precompiled patterns.
 */
public final class DetectionRules implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULTS_RESOURCE = "beacon/detection-rules.json";

    public static final String SENDER_USER = "user";
    public static final String SENDER_APPLICATION = "application";
    public static final String SENDER_DEVICE = "device";
    public static final String SENDER_NONE = "none";

    public static final String CHAT_GROUP = "group";
    public static final String CHAT_ONE_ON_ONE = "oneOnOne";
    public static final String CHAT_MEETING = "meeting";

    /** Rule patterns run on the folded single-line text; case-insensitive so that admins may write any case. */
    static final int RULE_PATTERN_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    /** Extraction patterns run on the unfolded text, one message line per text line. */
    static final int EXTRACTION_PATTERN_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE;

    private static final int MAX_LOCATION_LENGTH_LIMIT = 4096;

    private static final List<String> SENDER_KINDS = List.of(SENDER_USER, SENDER_APPLICATION, SENDER_DEVICE, SENDER_NONE);
    private static final List<String> CHAT_TYPES = List.of(CHAT_GROUP, CHAT_ONE_ON_ONE, CHAT_MEETING);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /**
     * One way a message qualifies as an emergency notification: any phrase or pattern occurs, and every condition
     * that is set holds. A null condition allows any value.
     *
     * @param phrases      literal phrases, already folded, single spaces between words
     * @param patterns     regular expressions, run on the folded text
     * @param importance   allowed {@code importance} values, lower case
     * @param chatTypes    allowed chat types ({@link #CHAT_GROUP}, {@link #CHAT_ONE_ON_ONE}, {@link #CHAT_MEETING})
     * @param senderKinds  allowed sender kinds ({@link #SENDER_USER}, {@link #SENDER_APPLICATION}, ...)
     * @param messageTypes allowed {@code messageType} values, lower case; never null (default {@code message})
     */
    public record Rule(
            String name,
            List<String> phrases,
            List<Pattern> patterns,
            Set<String> importance,
            Set<String> chatTypes,
            Set<String> senderKinds,
            Set<String> messageTypes) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final List<Rule> rules;
    private final List<Pattern> dialedNumberPatterns;
    private final boolean fallbackToAnyEmergencyNumber;
    private final Set<String> emergencyNumbers;
    private final Set<String> testNumbers;
    private final List<Pattern> locationPatterns;
    private final int maxLocationLength;

    private DetectionRules(
            List<Rule> rules,
            List<Pattern> dialedNumberPatterns,
            boolean fallbackToAnyEmergencyNumber,
            Set<String> emergencyNumbers,
            Set<String> testNumbers,
            List<Pattern> locationPatterns,
            int maxLocationLength) {
        this.rules = Collections.unmodifiableList(new ArrayList<>(rules));
        this.dialedNumberPatterns = Collections.unmodifiableList(new ArrayList<>(dialedNumberPatterns));
        this.fallbackToAnyEmergencyNumber = fallbackToAnyEmergencyNumber;
        this.emergencyNumbers = Collections.unmodifiableSet(new LinkedHashSet<>(emergencyNumbers));
        this.testNumbers = Collections.unmodifiableSet(new LinkedHashSet<>(testNumbers));
        this.locationPatterns = Collections.unmodifiableList(new ArrayList<>(locationPatterns));
        this.maxLocationLength = maxLocationLength;
    }

    /** The built-in rules from the classpath. */
    public static DetectionRules defaults() {
        return Defaults.RULES;
    }

    /**
     * Rules from an admin's JSON. Sections or fields left out take the built-in default; {@code rules} is required.
     *
     * @throws IllegalArgumentException naming the rule or field and the problem, when the JSON or a pattern is invalid
     */
    public static DetectionRules fromJson(String json) {
        return parse(json, defaults());
    }

    /** {@link #fromJson} of a UTF-8 file. */
    public static DetectionRules load(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read detection rules from " + file, e);
        }
        try {
            return fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Ordered; the first match's {@code number} group wins. */
    public List<Pattern> dialedNumberPatterns() {
        return dialedNumberPatterns;
    }

    /** Whether, when no pattern finds a number, the first standalone emergency number in the text is taken. */
    public boolean fallbackToAnyEmergencyNumber() {
        return fallbackToAnyEmergencyNumber;
    }

    public Set<String> emergencyNumbers() {
        return emergencyNumbers;
    }

    /** Dialled numbers that mean a test call (933 in the US). */
    public Set<String> testNumbers() {
        return testNumbers;
    }

    /** Ordered; the first match's {@code location} group wins. */
    public List<Pattern> locationPatterns() {
        return locationPatterns;
    }

    public int maxLocationLength() {
        return maxLocationLength;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Rule r : rules) {
            names.add(r.name());
        }
        return "DetectionRules{rules=" + names + ", dialedNumberPatterns=" + dialedNumberPatterns.size()
                + ", emergencyNumbers=" + emergencyNumbers + ", testNumbers=" + testNumbers + ", locationPatterns="
                + locationPatterns.size() + "}";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parsing. Every problem is reported with where it is, so an admin can fix the file without reading code.

    private static final class Defaults {
        static final DetectionRules RULES = loadDefaults();

        private static DetectionRules loadDefaults() {
            try (InputStream in = DetectionRules.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing classpath resource " + DEFAULTS_RESOURCE);
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
            }
        }
    }

    /** @param fallback where left-out sections come from; null while reading the defaults themselves */
    private static DetectionRules parse(String json, DetectionRules fallback) {
        if (json == null) {
            throw new IllegalArgumentException("detection rules: no JSON given");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("detection rules are not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("detection rules: the top level must be a JSON object");
        }
        checkFields(root, "detection rules", Set.of("description", "rules", "dialedNumber", "location"));

        List<Rule> rules = parseRules(root.get("rules"));

        JsonNode number = section(root, "dialedNumber", fallback);
        Set<String> knownNumberFields =
                Set.of("patterns", "fallbackToAnyEmergencyNumber", "emergencyNumbers", "testNumbers", "description");
        List<Pattern> numberPatterns;
        boolean fallbackToAny;
        Set<String> emergencyNumbers;
        Set<String> testNumbers;
        if (number == null) {
            numberPatterns = fallback.dialedNumberPatterns;
            fallbackToAny = fallback.fallbackToAnyEmergencyNumber;
            emergencyNumbers = fallback.emergencyNumbers;
            testNumbers = fallback.testNumbers;
        } else {
            checkFields(number, "dialedNumber", knownNumberFields);
            numberPatterns = has(number, "patterns")
                    ? extractionPatterns(number.get("patterns"), "dialedNumber.patterns", "number")
                    : required(fallback, "dialedNumber.patterns").dialedNumberPatterns;
            fallbackToAny = has(number, "fallbackToAnyEmergencyNumber")
                    ? bool(number.get("fallbackToAnyEmergencyNumber"), "dialedNumber.fallbackToAnyEmergencyNumber")
                    : required(fallback, "dialedNumber.fallbackToAnyEmergencyNumber").fallbackToAnyEmergencyNumber;
            emergencyNumbers = has(number, "emergencyNumbers")
                    ? digitList(number.get("emergencyNumbers"), "dialedNumber.emergencyNumbers")
                    : required(fallback, "dialedNumber.emergencyNumbers").emergencyNumbers;
            testNumbers = has(number, "testNumbers")
                    ? digitList(number.get("testNumbers"), "dialedNumber.testNumbers")
                    : required(fallback, "dialedNumber.testNumbers").testNumbers;
        }

        JsonNode location = section(root, "location", fallback);
        List<Pattern> locationPatterns;
        int maxLocationLength;
        if (location == null) {
            locationPatterns = fallback.locationPatterns;
            maxLocationLength = fallback.maxLocationLength;
        } else {
            checkFields(location, "location", Set.of("patterns", "maxLength", "description"));
            locationPatterns = has(location, "patterns")
                    ? extractionPatterns(location.get("patterns"), "location.patterns", "location")
                    : required(fallback, "location.patterns").locationPatterns;
            maxLocationLength = has(location, "maxLength")
                    ? maxLength(location.get("maxLength"))
                    : required(fallback, "location.maxLength").maxLocationLength;
        }
        return new DetectionRules(rules, numberPatterns, fallbackToAny, emergencyNumbers, testNumbers,
                locationPatterns, maxLocationLength);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static JsonNode section(JsonNode root, String name, DetectionRules fallback) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            required(fallback, name);
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("detection rules: \"" + name + "\" must be an object");
        }
        return node;
    }

    private static DetectionRules required(DetectionRules fallback, String what) {
        if (fallback == null) {
            throw new IllegalArgumentException("detection rules: \"" + what + "\" is required");
        }
        return fallback;
    }

    private static boolean has(JsonNode node, String field) {
        return node.hasNonNull(field);
    }

    private static void checkFields(JsonNode object, String where, Set<String> known) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + field + "\" (known fields: "
                        + new TreeSet<>(known) + ")");
            }
        }
    }

    private static List<Rule> parseRules(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("detection rules: \"rules\" must be a non-empty list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            Rule rule = parseRule(node.get(i), i);
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("rule '" + rule.name() + "': the name is used by another rule");
            }
            rules.add(rule);
        }
        return rules;
    }

    private static Rule parseRule(JsonNode node, int index) {
        String unnamed = "rule #" + (index + 1);
        if (!node.isObject()) {
            throw new IllegalArgumentException(unnamed + ": must be an object");
        }
        JsonNode nameNode = node.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw new IllegalArgumentException(unnamed + ": \"name\" is required");
        }
        String name = nameNode.asText().trim();
        String where = "rule '" + name + "'";
        checkFields(node, where, Set.of("name", "description", "phrases", "patterns", "importance", "chatTypes",
                "senderKinds", "messageTypes"));

        List<String> phrases = new ArrayList<>();
        if (has(node, "phrases")) {
            for (String phrase : strings(node.get("phrases"), where + ": \"phrases\"")) {
                String folded = MessageText.fold(MessageText.plainText(phrase, "text"));
                if (folded.isEmpty()) {
                    throw new IllegalArgumentException(where + ": a phrase is empty");
                }
                phrases.add(folded);
            }
        }
        List<Pattern> patterns = new ArrayList<>();
        if (has(node, "patterns")) {
            List<String> sources = strings(node.get("patterns"), where + ": \"patterns\"");
            for (int i = 0; i < sources.size(); i++) {
                patterns.add(compile(sources.get(i), RULE_PATTERN_FLAGS, where + ": patterns[" + i + "]"));
            }
        }
        if (phrases.isEmpty() && patterns.isEmpty()) {
            throw new IllegalArgumentException(where + ": needs at least one phrase or pattern");
        }
        Set<String> importance = has(node, "importance") ? folded(node.get("importance"), where, "importance") : null;
        Set<String> chatTypes = has(node, "chatTypes") ? oneOf(node.get("chatTypes"), where, "chatTypes", CHAT_TYPES) : null;
        Set<String> senderKinds =
                has(node, "senderKinds") ? oneOf(node.get("senderKinds"), where, "senderKinds", SENDER_KINDS) : null;
        Set<String> messageTypes =
                has(node, "messageTypes") ? folded(node.get("messageTypes"), where, "messageTypes") : Set.of("message");
        return new Rule(name, unmodifiable(phrases), unmodifiable(patterns), unmodifiable(importance),
                unmodifiable(chatTypes), unmodifiable(senderKinds), unmodifiable(messageTypes));
    }

    private static <T> List<T> unmodifiable(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static Set<String> unmodifiable(Set<String> set) {
        return set == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(set));
    }

    /** A condition list: a non-empty list of strings, compared case-insensitively. */
    private static Set<String> folded(JsonNode node, String where, String field) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : conditionValues(node, where, field)) {
            values.add(MessageText.fold(v.trim()));
        }
        return values;
    }

    /** A condition list whose values come from a fixed vocabulary; stored in the vocabulary's spelling. */
    private static Set<String> oneOf(JsonNode node, String where, String field, List<String> allowed) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : conditionValues(node, where, field)) {
            String match = null;
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v.trim())) {
                    match = a;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException(where + ": \"" + field + "\" has unknown value \"" + v
                        + "\" (allowed: " + allowed + ")");
            }
            values.add(match);
        }
        return values;
    }

    private static List<String> conditionValues(JsonNode node, String where, String field) {
        List<String> values = strings(node, where + ": \"" + field + "\"");
        if (values.isEmpty()) {
            throw new IllegalArgumentException(where + ": \"" + field
                    + "\" is an empty list, which nothing matches; leave the field out to allow any value");
        }
        return values;
    }

    private static List<String> strings(JsonNode node, String what) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(what + " must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException(what + " must be a list of strings");
            }
            values.add(item.asText());
        }
        return values;
    }

    private static List<Pattern> extractionPatterns(JsonNode node, String where, String group) {
        List<String> sources = strings(node, where);
        List<Pattern> patterns = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String what = where + "[" + i + "]";
            Pattern p = compile(sources.get(i), EXTRACTION_PATTERN_FLAGS, what);
            if (!sources.get(i).contains("(?<" + group + ">")) {
                throw new IllegalArgumentException(what + ": needs a named group (?<" + group + ">...)");
            }
            patterns.add(p);
        }
        return patterns;
    }

    private static Pattern compile(String regex, int flags, String what) {
        try {
            return Pattern.compile(regex, flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(what + " is not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
        }
    }

    private static Set<String> digitList(JsonNode node, String where) {
        Set<String> numbers = new LinkedHashSet<>();
        for (String n : strings(node, where)) {
            String trimmed = n.trim();
            if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException(where + ": \"" + n + "\" is not a number (digits only)");
            }
            numbers.add(trimmed);
        }
        return numbers;
    }

    private static boolean bool(JsonNode node, String where) {
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(where + " must be true or false");
        }
        return node.booleanValue();
    }

    private static int maxLength(JsonNode node) {
        if (!node.canConvertToInt() || !node.isIntegralNumber()
                || node.intValue() < 1 || node.intValue() > MAX_LOCATION_LENGTH_LIMIT) {
            throw new IllegalArgumentException(
                    "location.maxLength must be a whole number from 1 to " + MAX_LOCATION_LENGTH_LIMIT);
        }
        return node.intValue();
    }
}
