package dev.beacon.job.analysts;

import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the analyst queries (sql/queries/*.sql, exactly as docs/analysts.md shows them) and turns result rows into
 * compact lines ("a | b | c") for exact assertions; timestamps as ISO-8601 instants, whatever the JVM's zone.
 */
final class AnalystRows {

    /** The repository's sql/queries directory (tests run in the job module's directory). */
    static final Path QUERIES = Path.of("..", "sql", "queries").toAbsolutePath().normalize();

    private final PostgresFixture pg;

    AnalystRows(PostgresFixture pg) {
        this.pg = pg;
    }

    /** Every query file's name. */
    static List<String> queryFiles() {
        try (Stream<Path> files = Files.list(QUERIES)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a query file, as it is written. */
    List<Map<String, Object>> runFile(String name) {
        try {
            String sql = Files.readString(QUERIES.resolve(name)).strip();
            return pg.query(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The given columns of a query file's rows, one line per row. */
    List<String> file(String name, String... columns) {
        return lines(runFile(name), columns);
    }

    /** The given columns of an SQL query's rows, one line per row. */
    List<String> sql(String sql, String... columns) {
        return lines(pg.query(sql), columns);
    }

    static List<String> lines(List<Map<String, Object>> rows, String... columns) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            out.add(Arrays.stream(columns).map(c -> {
                if (!row.containsKey(c)) {
                    throw new AssertionError("no column " + c + " in " + row.keySet());
                }
                return text(row.get(c));
            }).collect(Collectors.joining(" | ")));
        }
        return out;
    }

    static String text(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        return String.valueOf(value);
    }

    /** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
    static double percentileCont(List<Long> values, double fraction) {
        List<Long> sorted = values.stream().sorted().toList();
        double position = fraction * (sorted.size() - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
