package dev.beacon.bench.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a result was measured on, for the report's "machine details": results are only comparable with
 * results of the same machine (and the report sets them against bounds of the same run).
 *
 * @param cpu   the CPU model ({@code /proc/cpuinfo}'s "model name"), or {@code os.arch} where there is none
 * @param cores processors available to the JVM
 * @param jdk   vendor and version of the JVM that measured
 * @param os    name, version and architecture
 */
public record Machine(String cpu, int cores, String jdk, String os) {

    private static final Machine CURRENT = detect();

    public static Machine current() {
        return CURRENT;
    }

    private static Machine detect() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: fall through.
        }
        return "unknown CPU (" + System.getProperty("os.arch") + ")";
    }
}
