package dev.beacon.job.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetterReason;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For admins tuning detection rules: validates a rules file and shows what the detector reads from captured Graph
 * chatMessage JSON (one message, or a {@code {"value": [...]}} list response), without deploying the job.
 *
 * <pre>java -cp beacon-job.jar dev.beacon.job.detect.DetectionRulesCheck rules.json captured-933.json</pre>
 *
 * Use {@code -} as the rules file for the built-in defaults. Each message is printed with what the job will really
 * do with it: a fact, "not an emergency", or a dead letter and its reason (an emergency without a user sender, a
 * message without an id, a detection that failed). Exit code 0 when every message would become a fact, 1 when
 * some would not, 2 for invalid rules or unreadable input, 3 when detection failed on some message (a pattern ran
 * out of its read budget: simplify it). The output includes the extracted location and caller name: it is meant
 * for the admin's own console, not for logs.
 */
public final class DetectionRulesCheck {

    public static final int ALL_DETECTED = 0;
    public static final int SOME_NOT_DETECTED = 1;
    public static final int INVALID_INPUT = 2;
    public static final int DETECTION_FAILED = 3;

    private DetectionRulesCheck() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        if (args.length < 1) {
            out.println("usage: DetectionRulesCheck <rules.json | -> [chatMessage.json ...]");
            return INVALID_INPUT;
        }
        DetectionRules rules;
        try {
            rules = "-".equals(args[0]) ? DetectionRules.defaults() : DetectionRules.load(Path.of(args[0]));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            out.println("invalid rules: " + e.getMessage());
            return INVALID_INPUT;
        }
        out.println("rules ok: " + rules);

        EmergencyDetector detector = new EmergencyDetector(rules);
        ObjectMapper mapper = new ObjectMapper();
        boolean someNotFacts = false;
        boolean someFailed = false;
        for (int i = 1; i < args.length; i++) {
            JsonNode root;
            try {
                root = mapper.readTree(Path.of(args[i]).toFile());
            } catch (IOException e) {
                out.println(args[i] + ": cannot read JSON: " + e.getMessage());
                return INVALID_INPUT;
            }
            List<JsonNode> messages = new ArrayList<>();
            if (root != null && root.path("value").isArray()) {
                root.get("value").forEach(messages::add);
            } else {
                messages.add(root);
            }
            for (int m = 0; m < messages.size(); m++) {
                String name = messages.size() == 1 ? args[i] : args[i] + " value[" + m + "]";
                JsonNode message = messages.get(m);
                Detection d = detector.detect(message);
                DeadLetterReason deadLetter = deadLetterReason(d, message);
                out.println(describe(name, d, deadLetter));
                someFailed |= d.failed();
                someNotFacts |= !d.emergency() || deadLetter != null;
            }
        }
        return someFailed ? DETECTION_FAILED : someNotFacts ? SOME_NOT_DETECTED : ALL_DETECTED;
    }

    /**
     * Why the job would dead-letter this message, as far as the message alone tells (the notification around it may
     * still supply a chat or message id, a tenant, or a call time); null when it would not.
     */
    static DeadLetterReason deadLetterReason(Detection d, JsonNode message) {
        if (d.failed()) {
            return DeadLetterReason.of(d.failure().cause());
        }
        if (!d.emergency()) {
            return null;
        }
        if (d.missingCallerReason() != null) {
            return DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER;
        }
        if (!hasText(message, "id") || !hasText(message, "chatId")) {
            return DeadLetterReason.MISSING_MESSAGE_ID;
        }
        return null;
    }

    static String describe(String name, Detection d, DeadLetterReason deadLetter) {
        if (d.failed()) {
            return name + ": DETECTION FAILED (" + d.failure().detail() + "): dead-lettered as " + deadLetter.label();
        }
        if (!d.emergency()) {
            return name + ": not an emergency" + (d.deleted() ? " (deleted)" : "");
        }
        String emergency = "EMERGENCY rule=" + d.ruleName();
        if (deadLetter == DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER) {
            return name + ": " + emergency + ", but " + d.missingCallerReason() + " (no caller): dead-lettered as "
                    + deadLetter.label();
        }
        String details = emergency + " caller=" + d.callerUserId() + " (" + d.callerDisplayName() + ") dialed="
                + d.dialedNumber() + " test=" + d.testCall() + " location=" + quoted(d.locationText())
                + (d.deleted() ? " (deleted)" : "");
        if (deadLetter == DeadLetterReason.MISSING_MESSAGE_ID) {
            return name + ": " + details + ", but the message has no id or chatId: dead-lettered as "
                    + deadLetter.label() + " unless the notification's resource names them";
        }
        if (d.createdAtMillis() <= 0) {
            return name + ": " + details + "; no valid createdDateTime: the call time is taken from the notification"
                    + " (CloudEvent time, else record timestamp), else dead-lettered as "
                    + DeadLetterReason.MISSING_CALL_TIME.label();
        }
        return name + ": " + details;
    }

    private static boolean hasText(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() && !v.textValue().isBlank();
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
