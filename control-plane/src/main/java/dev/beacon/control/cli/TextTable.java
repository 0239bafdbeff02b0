package dev.beacon.control.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Aligned columns and human times ("in 35h12m", "3m05s ago", "in 365d00h") for terminal output. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        rows.add(headers);
    }

    TextTable row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    String render() {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** "in 35h12m" for the future, "20m00s ago" for the past, "-" for none. */
    static String relative(Instant t, Instant now) {
        if (t == null) {
            return "-";
        }
        Duration d = Duration.between(now, t);
        if (d.abs().getSeconds() < 1) {
            return "now";
        }
        String span = span(d.abs());
        return d.isNegative() ? span + " ago" : "in " + span;
    }

    static String span(Duration d) {
        long s = d.getSeconds();
        if (s >= 96 * 3600) {
            // Beyond a few days, hours stop being readable.
            return (s / 86400) + "d" + String.format("%02dh", (s % 86400) / 3600);
        }
        if (s >= 3600) {
            return (s / 3600) + "h" + String.format("%02dm", (s % 3600) / 60);
        }
        if (s >= 60) {
            return (s / 60) + "m" + String.format("%02ds", s % 60);
        }
        return s + "s";
    }
}
