package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an alert shows of a fact, as ordered label → value lines, and what changed since the last alert of the
 * call. Only fields of the fact; nothing of the chat (the fact holds none), no links.
 */
public final class AlertSummary {

    /** One changed line: {@code before} is null when the line is new. */
    public record Change(String label, String before, String after) {
        public String describe() {
            if (after == null) {
                return label + ": no longer known (was " + before + ")";
            }
            return before == null ? label + ": " + after : label + ": " + before + " → " + after;
        }
    }

    private AlertSummary() {}

    /** The lines of a fact, in display order; absent fields are left out. */
    public static Map<String, String> lines(AlertFact f) {
        Map<String, String> m = new LinkedHashMap<>();
        boolean securityLine = "security-line".equals(f.text("kind"));
        put(m, "Call", (securityLine ? "Call to a security line" : "Emergency call") + (f.testCall() ? " (TEST CALL)"
                : ""));
        put(m, "Caller", caller(f));
        put(m, "Caller phone", f.text("caller_phone_number"));
        put(m, "Department", f.text("caller_department"));
        put(m, "Number dialled", f.text("dialed_number"));
        if (securityLine) {
            String line = f.text("called_line");
            String name = f.text("called_line_name");
            put(m, "Line", name == null ? line : line == null ? name : name + " (" + line + ")");
        }
        JsonNode loc = f.json().get("location");
        put(m, "Site", loc == null || loc.isNull() ? null : text(loc, "site_name"));
        put(m, "Location", location(f, loc));
        put(m, "Policy", f.text("policy_name"));
        put(m, "Started", f.text("call_started_at"));
        put(m, "Ended", ended(f));
        put(m, "Test call", f.testCall() ? "yes" : "no");
        return m;
    }

    /** The title of the alert (subject line, card heading). */
    public static String title(AlertFact f, Map<String, String> lines) {
        String who = lines.getOrDefault("Caller", "unknown caller");
        String dialled = lines.get("Number dialled");
        String what = "security-line".equals(f.text("kind")) ? "Security line call" : "Emergency call";
        return (f.testCall() ? "[TEST] " : "") + what + ": " + who + (dialled == null ? "" : " dialled " + dialled);
    }

    /** The lines that differ from what the call's last alert showed, in display order. */
    public static List<Change> changes(Map<String, String> before, Map<String, String> after) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                out.add(new Change(e.getKey(), before.get(e.getKey()), e.getValue()));
            }
        }
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                out.add(new Change(e.getKey(), e.getValue(), null));
            }
        }
        return out;
    }

    private static String caller(AlertFact f) {
        String name = f.text("caller_display_name");
        String upn = f.text("caller_upn");
        if (name == null) {
            return upn;
        }
        return upn == null ? name : name + " (" + upn + ")";
    }

    private static String location(AlertFact f, JsonNode loc) {
        if (loc != null && !loc.isNull()) {
            List<String> parts = new ArrayList<>();
            for (String field : List.of("building", "floor", "address")) {
                String v = text(loc, field);
                if (v != null && !v.isBlank()) {
                    parts.add(field.equals("floor") ? "floor " + v : v);
                }
            }
            if (!parts.isEmpty()) {
                return String.join(", ", parts);
            }
        }
        return f.text("location_text");
    }

    private static String ended(AlertFact f) {
        String ended = f.text("ended_at");
        if (ended == null) {
            return null;
        }
        JsonNode d = f.json().get("duration_seconds");
        return d == null || d.isNull() ? ended : ended + " (" + d.asLong() + " s)";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void put(Map<String, String> m, String label, String value) {
        if (value != null && !value.isBlank()) {
            m.put(label, value.length() > 300 ? value.substring(0, 300) + "…" : value);
        }
    }
}
