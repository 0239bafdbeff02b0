package dev.beacon.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Small helpers to write the report's Markdown: tables and numbers as the docs write them. */
final class Markdown {

    private final StringBuilder out = new StringBuilder();

    Markdown line(String text) {
        out.append(text).append('\n');
        return this;
    }

    Markdown blank() {
        out.append('\n');
        return this;
    }

    /** A table header; {@code right} columns (by index) are right-aligned. */
    Markdown header(List<String> columns, int firstRightAligned) {
        out.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (int i = 0; i < columns.size(); i++) {
            out.append(i >= firstRightAligned ? "---:|" : "---|");
        }
        out.append('\n');
        return this;
    }

    Markdown row(Object... cells) {
        out.append("|");
        for (Object c : cells) {
            out.append(' ').append(c == null ? "" : c.toString().replace("|", "\\|")).append(" |");
        }
        out.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** 1,234 (no decimals) for rates; "–" when missing. */
    static String count(Optional<Double> v) {
        return v.map(Markdown::count).orElse("–");
    }

    static String count(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratio(Optional<Double> v) {
        return v.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("–");
    }

    static String millis(Optional<Double> v) {
        return v.map(m -> String.format(Locale.ROOT, "%,.0f", m)).orElse("–");
    }

    /** A duration in hours and minutes (or seconds when short). */
    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        long minutes = Math.round(seconds / 60);
        if (minutes >= 48 * 60) {
            return String.format(Locale.ROOT, "%.1f days", seconds / 86_400);
        }
        return minutes < 60 ? minutes + " min" : String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
    }
}
