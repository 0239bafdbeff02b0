package dev.beacon.job.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Use {@code -} as the rules file for the built-in defaults. Exit code 0 when every message is detected as an
 * emergency, 1 when some is not, 2 for invalid rules or unreadable input. The output includes the extracted
 * location and caller name: it is meant for the admin's own console, not for logs.
 */
public final class DetectionRulesCheck {

    public static final int ALL_DETECTED = 0;
    public static final int SOME_NOT_DETECTED = 1;
    public static final int INVALID_INPUT = 2;

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
        int result = ALL_DETECTED;
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
                Detection d = detector.detect(messages.get(m));
                out.println(describe(name, d));
                if (!d.emergency()) {
                    result = SOME_NOT_DETECTED;
                }
            }
        }
        return result;
    }

    static String describe(String name, Detection d) {
        if (!d.emergency()) {
            return name + ": not an emergency" + (d.deleted() ? " (deleted)" : "");
        }
        return name + ": EMERGENCY rule=" + d.ruleName() + " caller=" + d.callerUserId() + " (" + d.callerDisplayName()
                + ") dialed=" + d.dialedNumber() + " test=" + d.testCall() + " location=" + quoted(d.locationText())
                + (d.deleted() ? " (deleted)" : "");
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
