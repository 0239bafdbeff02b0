package dev.beacon.bench.system;

import dev.beacon.bench.results.BenchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the system benchmarks' results as {@link BenchResult} files into one directory, logging each. */
public final class ResultFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ResultFiles.class);

    private final Path dir;

    public ResultFiles(Path dir) {
        this.dir = dir;
    }

    public void write(String name, String unit, double value, Map<String, ?> params) {
        Map<String, String> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, String.valueOf(v)));
        loadAverage().ifPresent(l -> p.put("load_average", l));
        BenchResult.of(name, unit, value, p).write(dir);
        LOG.info("{} = {} {} {}", name, String.format("%.1f", value), unit, p);
    }

    /** The 1, 5 and 15 minute load averages (Linux), so the report can say how busy the machine was. */
    static Optional<String> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return Optional.of(f[0] + " " + f[1] + " " + f[2]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public Path dir() {
        return dir;
    }
}
