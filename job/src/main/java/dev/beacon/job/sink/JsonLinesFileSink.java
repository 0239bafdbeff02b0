package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.correlate.EmergencyCallFact;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * JSON Lines output for replay mode (a capture file in, files out), one JSON object per line. The file is replaced
 * when the job starts. Run it with parallelism 1: it writes one local file, and refuses to start otherwise.
 *
 * <p>Two flavours: {@link #latestFacts} keeps only the highest revision of each live fact ({@link LiveFacts}) and
 * writes the file once, at end of input, so a replay yields the same file as the facts table would hold; {@link #appending} writes records
 * as they come (dead letters, audit rows).
 *
 * <p>Nothing is checkpointed: a replay that fails is simply run again, and a writer restored from a checkpoint
 * refuses to start rather than produce a file missing everything before that checkpoint.
 */
public final class JsonLinesFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    /** Replay output order: by call start, then fact id, so two replays of one capture give identical files. */
    static final Comparator<EmergencyCallFact> FACT_ORDER = Comparator
            .comparingLong((EmergencyCallFact f) -> f.callStartedAtMillis)
            .thenComparing(f -> f.factId, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** A String, not a Path: Path is not Serializable. */
    private final String file;
    private final JsonEncoder<T> encoder;
    private final boolean latestFactsOnly;

    private JsonLinesFileSink(Path file, JsonEncoder<T> encoder, boolean latestFactsOnly) {
        this.file = file.toAbsolutePath().toString();
        this.encoder = encoder;
        this.latestFactsOnly = latestFactsOnly;
    }

    /** The highest revision of every fact, written at end of input in {@link #FACT_ORDER}. */
    public static JsonLinesFileSink<EmergencyCallFact> latestFacts(Path file) {
        return new JsonLinesFileSink<>(file, FactJson::toJson, true);
    }

    /** Every record, in arrival order, e.g. {@code appending(path, RecordJson::deadLetter)}. */
    public static <T> JsonLinesFileSink<T> appending(Path file, JsonEncoder<T> encoder) {
        return new JsonLinesFileSink<>(file, encoder, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("JsonLinesFileSink writes one file and must run with parallelism 1, not "
                    + context.getTaskInfo().getNumberOfParallelSubtasks());
        }
        if (context.getRestoredCheckpointId().isPresent()) {
            throw new IllegalStateException("JsonLinesFileSink cannot resume from a checkpoint; run the replay again");
        }
        Path path = Path.of(file);
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        return latestFactsOnly
                ? (SinkWriter<T>) new LatestFactsWriter(path, (JsonEncoder<EmergencyCallFact>) encoder)
                : new AppendingWriter<>(path, encoder);
    }

    /** Writes each record straight away; {@code flush} (checkpoints, end of input) pushes it to the file. */
    private static final class AppendingWriter<T> implements SinkWriter<T> {
        private final ObjectMapper mapper = new ObjectMapper();
        private final JsonEncoder<T> encoder;
        private final BufferedWriter out;

        AppendingWriter(Path path, JsonEncoder<T> encoder) throws IOException {
            this.encoder = encoder;
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8); // CREATE + TRUNCATE_EXISTING
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(SafeText.json(mapper, encoder.toJson(element, mapper)));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Keeps the highest revision per fact in memory (a replay holds a bounded number of calls) and writes the file
     * once, through a temporary file and a rename, so a reader never sees half of it.
     */
    private static final class LatestFactsWriter implements SinkWriter<EmergencyCallFact> {
        private final ObjectMapper mapper = new ObjectMapper();
        private final Path path;
        private final JsonEncoder<EmergencyCallFact> encoder;
        private final LiveFacts latest = new LiveFacts();
        private boolean written;

        LatestFactsWriter(Path path, JsonEncoder<EmergencyCallFact> encoder) throws IOException {
            this.path = path;
            this.encoder = encoder;
            // Replace the previous run's output now, so a replay that fails early leaves no stale facts behind.
            Files.deleteIfExists(path);
        }

        @Override
        public void write(EmergencyCallFact fact, Context context) {
            latest.apply(fact);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (endOfInput) {
                writeFile();
            }
        }

        @Override
        public void close() throws IOException {
            writeFile();
        }

        private void writeFile() throws IOException {
            if (written) {
                return;
            }
            written = true;
            List<EmergencyCallFact> facts = latest.facts();
            facts.sort(FACT_ORDER);
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (EmergencyCallFact f : facts) {
                    out.write(SafeText.json(mapper, encoder.toJson(f, mapper)));
                    out.write('\n');
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
