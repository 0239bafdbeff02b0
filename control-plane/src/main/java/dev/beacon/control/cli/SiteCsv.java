package dev.beacon.control.cli;

import dev.beacon.control.sites.NewSite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The CSV of {@code beaconctl sites import}: RFC 4180 quoting, a fixed header, lists separated by ';'. */
final class SiteCsv {

    static final String HEADER =
            "site_id,name,tenant,match_terms,address,building,floor,latitude,longitude,responders";
    private static final int COLUMNS = 10;

    /** One data row: its line number in the file, the site id and the site. */
    record Row(int line, String siteId, NewSite site) {}

    private SiteCsv() {}

    static List<Row> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (lines.isEmpty() || !lines.get(0).strip().replace("\uFEFF", "").equalsIgnoreCase(HEADER)) {
            throw new IllegalArgumentException(file.getFileName() + ": the first line must be the header " + HEADER);
        }
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = fields(lines.get(i), i + 1);
            if (f.size() != COLUMNS) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + f.size() + " fields, expected "
                        + COLUMNS);
            }
            out.add(new Row(i + 1, f.get(0).strip(), new NewSite(blank(f.get(2)), blank(f.get(1)), list(f.get(3)),
                    blank(f.get(4)), blank(f.get(5)), blank(f.get(6)), number(f.get(7), "latitude", i + 1),
                    number(f.get(8), "longitude", i + 1), list(f.get(9)))));
        }
        return out;
    }

    static List<String> fields(String line, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + lineNo + ": a quoted field is not closed");
        }
        out.add(cur.toString());
        return out;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<String> list(String s) {
        return s == null || s.isBlank() ? List.of()
                : Arrays.stream(s.split(";")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    private static Double number(String s, String what, int lineNo) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + lineNo + ": " + what + " is not a number");
        }
    }
}
