package dev.beacon.bench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One measured number, as every part of the benchmark writes it to {@code benchmarks/target/results/<name>.json}
 * for the report ({@code dev.beacon.bench.report.BenchmarkReport}) to render. One format for all parts, so that
 * the report can set any result against the bounds measured in the same run.
 *
 * @param name    unique and file-name safe, e.g. {@code rsa-unwrap.SunJCE.2048}; also the file's base name
 * @param unit    what {@code value} counts, e.g. {@code ops/s} (per thread, i.e. per core, for JMH results)
 * @param value   the measurement (for JMH: the score, mean over the measurement iterations)
 * @param params  what distinguishes it: provider, key size, mode, parallelism, error, ... (sorted on write)
 * @param machine where it ran
 */
public record BenchResult(String name, String unit, double value, Map<String, String> params, Machine machine) {

    /** Where {@link #write} puts results unless told otherwise: {@code target/results} of the benchmarks module. */
    public static final Path DEFAULT_DIRECTORY = defaultDirectory();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchResult {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("result name must be file-name safe: " + name);
        }
        params = params == null ? Map.of() : new TreeMap<>(params);
    }

    /** A result measured on this machine. */
    public static BenchResult of(String name, String unit, double value, Map<String, String> params) {
        return new BenchResult(name, unit, value, params, Machine.current());
    }

    /** Writes {@code <directory>/<name>.json} (replacing an older one) and returns its path. */
    public Path write(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(name + ".json");
            JSON.writeValue(file.toFile(), this);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write result " + name + " to " + directory, e);
        }
    }

    public Path write() {
        return write(DEFAULT_DIRECTORY);
    }

    public static BenchResult read(Path file) {
        try {
            return JSON.readValue(file.toFile(), BenchResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read result " + file, e);
        }
    }

    /**
     * {@code benchmarks/target/results}, whether the JVM runs in the module (Maven) or at the repository root
     * (an IDE or a plain {@code java} command); {@code -Dbeacon.bench.results=DIR} overrides it.
     */
    private static Path defaultDirectory() {
        String configured = System.getProperty("beacon.bench.results");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path here = Path.of("").toAbsolutePath();
        Path module = Files.isDirectory(here.resolve("benchmarks")) && Files.exists(here.resolve("benchmarks/pom.xml"))
                ? here.resolve("benchmarks") : here;
        return module.resolve("target").resolve("results");
    }
}
