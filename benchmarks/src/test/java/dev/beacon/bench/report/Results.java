package dev.beacon.bench.report;

import dev.beacon.bench.results.BenchResult;
import dev.beacon.bench.results.Machine;
import dev.beacon.bench.system.SystemBenchRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every result of one benchmark run ({@code *.json} in the results directory), by name, with the lookups the report
 * needs. Missing results are normal (a part not run, a provider that cannot load): lookups return empty.
 */
public final class Results {

    /** Names written by the JMH bounds ({@code dev.beacon.bench.jmh.BoundsRunner}). */
    static final String RSA_PREFIX = "jmh.RsaUnwrap.unwrap.";
    static final String TRIAGE_OPERATOR = "jmh.Triage.operator.";
    static final String AFTER_DECRYPTION = "jmh.AfterDecryption.perNotification";

    private final Map<String, BenchResult> byName;
    private final Optional<Instant> earliest;
    private final Optional<Instant> latest;
    private final Optional<String> kafkaProfile;

    Results(Map<String, BenchResult> byName, List<Instant> written) {
        this(byName, written, Optional.empty());
    }

    Results(Map<String, BenchResult> byName, List<Instant> written, Optional<String> kafkaProfile) {
        this.byName = new TreeMap<>(byName);
        this.earliest = written.stream().min(Comparator.naturalOrder());
        this.latest = written.stream().max(Comparator.naturalOrder());
        this.kafkaProfile = kafkaProfile;
    }

    /** Reads every {@code *.json} of {@code dir}; an unreadable file is skipped with a note on stderr. */
    public static Results load(Path dir) {
        Map<String, BenchResult> found = new TreeMap<>();
        List<Instant> written = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    try {
                        BenchResult r = BenchResult.read(f);
                        found.put(r.name(), r);
                        written.add(Files.getLastModifiedTime(f).toInstant());
                    } catch (IOException | RuntimeException e) {
                        System.err.println("skipping unreadable result " + f + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path profile = dir.resolve(SystemBenchRunner.KAFKA_PROFILE);
        Optional<String> kafkaProfile = Optional.empty();
        if (Files.isRegularFile(profile)) {
            try {
                kafkaProfile = Optional.of(Files.readString(profile));
            } catch (IOException e) {
                System.err.println("skipping unreadable profile " + profile + ": " + e.getMessage());
            }
        }
        return new Results(found, written, kafkaProfile);
    }

    /** The Flight Recorder summary of the Kafka run at parallelism 2 (Markdown), when the run profiled it. */
    public Optional<String> kafkaProfile() {
        return kafkaProfile;
    }

    /**
     * A whole-job run's steady rate ({@code <name>.steady}: between the 10th and 90th percentile of its processing
     * instants), which the targets are judged on: a long-running job does not pay a bounded run's fixed cost.
     */
    public Optional<Double> steady(String name) {
        return value(name + ".steady");
    }

    /** When the first and the last result file were written (the run's span). */
    public Optional<Instant> earliest() {
        return earliest;
    }

    public Optional<Instant> latest() {
        return latest;
    }

    public int size() {
        return byName.size();
    }

    public Optional<BenchResult> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<Double> value(String name) {
        return get(name).map(BenchResult::value);
    }

    public List<BenchResult> all() {
        return List.copyOf(byName.values());
    }

    /** Results whose name starts with {@code prefix}, by name. */
    public List<BenchResult> withPrefix(String prefix) {
        return byName.values().stream().filter(r -> r.name().startsWith(prefix)).toList();
    }

    /**
     * A JMH result per core: operations per CPU-second of its JVM ({@code per_cpu_s}, which the others' load on a
     * shared machine changes little), or its score (per wall second of one thread) when that was not measured.
     */
    public static double perCore(BenchResult r) {
        String perCpu = r.params().get("per_cpu_s");
        return perCpu == null || perCpu.isBlank() ? r.value() : Double.parseDouble(perCpu);
    }

    /** The fastest RSA unwrap per core ({@link #perCore}) for {@code bits}-bit keys over every provider measured. */
    public Optional<BenchResult> fastestRsa(int bits) {
        return withPrefix(RSA_PREFIX + bits + ".").stream().max(Comparator.comparingDouble(Results::perCore));
    }

    /** Triage per core ({@link #perCore}; the job's operator, decryption included) for {@code bits}-bit keys. */
    public Optional<Double> triagePerCore(int bits) {
        return get(TRIAGE_OPERATOR + bits).map(Results::perCore);
    }

    /** Everything after decryption per core ({@link #perCore}). */
    public Optional<Double> afterDecryptionPerCore() {
        return get(AFTER_DECRYPTION).map(Results::perCore);
    }

    /** The machine of the results (they come from one run on one machine), or this one. */
    public Machine machine() {
        return byName.values().stream().map(BenchResult::machine).filter(m -> m != null).findFirst()
                .orElse(Machine.current());
    }

    /** The parameter {@code key} of result {@code name}, or "". */
    public String param(String name, String key) {
        return get(name).map(r -> r.params().getOrDefault(key, "")).orElse("");
    }
}
