package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.CALL_STARTED;
import static dev.beacon.job.sink.SinkTestData.FACT_A;
import static dev.beacon.job.sink.SinkTestData.FACT_B;
import static dev.beacon.job.sink.SinkTestData.ODD_TEXT;
import static dev.beacon.job.sink.SinkTestData.deadLetter;
import static dev.beacon.job.sink.SinkTestData.fact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.correlate.EmergencyCallFact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replay-mode file output, run in a MiniCluster with bounded input. */
class JsonLinesFileSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();

    private String line(EmergencyCallFact f) throws Exception {
        return mapper.writeValueAsString(FactJson.toJson(f, mapper));
    }

    @Test
    void latestFactsWritesTheHighestRevisionOfEachFactOrderedByCallStart() throws Exception {
        Path file = dir.resolve("out/replay/facts.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "stale line from an earlier run\n");
        // A started a minute before B, but B arrives first and sorts first by id: only call-start order puts A first.
        long bStarted = CALL_STARTED + 60_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(EmergencyCallFact.class,
                        fact(FACT_B, 1, bStarted), fact(FACT_A, 1, CALL_STARTED), fact(FACT_A, 3, CALL_STARTED),
                        fact(FACT_A, 2, CALL_STARTED), fact(FACT_B, 2, bStarted), fact(FACT_B, 1, bStarted))
                .sinkTo(JsonLinesFileSink.latestFacts(file))
                .setParallelism(1);
        env.execute();

        assertThat(Files.readAllLines(file))
                .containsExactly(line(fact(FACT_A, 3, CALL_STARTED)), line(fact(FACT_B, 2, bStarted)));
        assertThat(Files.list(file.getParent()).map(p -> p.getFileName().toString())).containsExactly("facts.jsonl");
    }

    /** The replay facts file carries every field of the highest revision, the end of the call and location too. */
    @Test
    void latestFactsCarryEveryFieldOfTheHighestRevision() throws Exception {
        Path file = dir.resolve("facts.jsonl");
        EmergencyCallFact open = SinkTestData.fullFact(FACT_A, 1, CALL_STARTED);
        open.endedAtMillis = 0;
        open.durationSeconds = -1;
        EmergencyCallFact ended = SinkTestData.fullFact(FACT_A, 2, CALL_STARTED);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(EmergencyCallFact.class, ended, open)
                .sinkTo(JsonLinesFileSink.latestFacts(file))
                .setParallelism(1);
        env.execute();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).containsExactly(line(ended));
        assertThat(FactJson.fromJson(mapper.readTree(lines.get(0)))).isEqualTo(ended);
        assertThat(mapper.readTree(lines.get(0)).get("duration_seconds").asLong()).isEqualTo(95);
    }

    @Test
    void factsWithTheSameStartAreOrderedByFactId() throws Exception {
        Path file = dir.resolve("facts.jsonl");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(EmergencyCallFact.class, fact(FACT_A, 1, CALL_STARTED), fact(FACT_B, 1, CALL_STARTED))
                .sinkTo(JsonLinesFileSink.latestFacts(file))
                .setParallelism(1);
        env.execute();

        // FACT_B ("0b9e...") sorts before FACT_A ("6f1c...").
        assertThat(Files.readAllLines(file))
                .containsExactly(line(fact(FACT_B, 1, CALL_STARTED)), line(fact(FACT_A, 1, CALL_STARTED)));
    }

    @Test
    void emptyInputGivesAnEmptyFile() throws Exception {
        Path file = dir.resolve("facts.jsonl");
        Files.writeString(file, "stale\n");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(EmergencyCallFact.class, fact(FACT_A, 1, CALL_STARTED))
                .filter(f -> false)
                .sinkTo(JsonLinesFileSink.latestFacts(file))
                .setParallelism(1);
        env.execute();

        assertThat(Files.readAllLines(file)).isEmpty();
    }

    @Test
    void appendingWritesEveryRecordInArrivalOrder() throws Exception {
        Path file = dir.resolve("nested/dead-letters.jsonl");
        List<DeadLetter> letters = List.of(
                deadLetter(3, DeadLetterReason.OVERSIZED, "x".repeat(10), 3_000),
                deadLetter(1, DeadLetterReason.MALFORMED_JSON, "{", 1_000),
                deadLetter(3, DeadLetterReason.OVERSIZED, "x".repeat(10), 3_000));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(letters).sinkTo(JsonLinesFileSink.appending(file, RecordJson::deadLetter)).setParallelism(1);
        env.execute();

        List<String> expected = letters.stream().map(d -> RecordJson.deadLetter(d, mapper).toString()).toList();
        assertThat(Files.readAllLines(file)).containsExactlyElementsOf(expected);
    }

    @Test
    void anyTextIsWrittenAsUtf8JsonThatReadsBackExactly() throws Exception {
        Path facts = dir.resolve("facts.jsonl");
        Path auditRows = dir.resolve("audit.jsonl");
        Path deadLetters = dir.resolve("dead-letters.jsonl");
        List<EmergencyCallFact> oddFacts = new ArrayList<>();
        List<AuditRecord> oddAudit = new ArrayList<>();
        List<DeadLetter> oddLetters = new ArrayList<>();
        for (String text : ODD_TEXT.keySet()) {
            oddFacts.add(SinkTestData.oddFact(text));
            oddAudit.add(SinkTestData.oddAudit(oddAudit.size(), text));
            oddLetters.add(SinkTestData.oddDeadLetter(oddLetters.size(), text));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(oddFacts).sinkTo(JsonLinesFileSink.latestFacts(facts)).setParallelism(1);
        env.fromData(oddAudit).sinkTo(JsonLinesFileSink.appending(auditRows, RecordJson::audit)).setParallelism(1);
        env.fromData(oddLetters).sinkTo(JsonLinesFileSink.appending(deadLetters, RecordJson::deadLetter))
                .setParallelism(1);
        env.execute();

        // readAllLines decodes strictly: a byte sequence that is not UTF-8 would throw here.
        assertThat(readJsonLines(facts).stream().map(FactJson::fromJson))
                .containsExactlyElementsOf(oddFacts.stream().sorted(JsonLinesFileSink.FACT_ORDER).toList());
        assertThat(Files.readString(facts)).contains("\"caller_display_name\":\"\\uD800\"");
        assertTextFields(readJsonLines(auditRows),
                "source", "tenant_id", "subscription_id", "change_type", "chat_id", "message_id", "reason");
        assertTextFields(readJsonLines(deadLetters), "source", "detail", "raw");
    }

    /** Line i holds the i-th odd text in each of the fields. */
    private static void assertTextFields(List<JsonNode> lines, String... fields) {
        assertThat(lines).hasSize(ODD_TEXT.size());
        int i = 0;
        for (String text : ODD_TEXT.keySet()) {
            for (String field : fields) {
                assertThat(lines.get(i).get(field).textValue()).as("line %d, %s", i, field).isEqualTo(text);
            }
            i++;
        }
    }

    private List<JsonNode> readJsonLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(mapper.readTree(line));
        }
        return nodes;
    }

    @Test
    void refusesToRunWithMoreThanOneSubtask() {
        Path file = dir.resolve("facts.jsonl");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(EmergencyCallFact.class, fact(FACT_A, 1, CALL_STARTED))
                .sinkTo(JsonLinesFileSink.latestFacts(file))
                .setParallelism(2);

        assertThatThrownBy(env::execute).satisfies(e -> assertThat(
                ExceptionUtils.findThrowableWithMessage(e, "must run with parallelism 1, not 2")).isPresent());
        assertThat(file).doesNotExist();
    }
}
