package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage runs behind a repartitioning of the raw records by chat ({@code ChatAffinity}), so a source with a single
 * split (a capture file, a topic with one partition) still decrypts in every slot. Records of different chats then
 * reach the keyed stages in another order than they were read; this proves that the facts do not depend on it: the
 * same key-free capture (the sample stream, with its deletion, edit and redeliveries, and a dozen two-chat calls),
 * replayed with parallelism 1 and 2 (twice), gives the same facts, row for row. With plain round-robin it does
 * not: the deletion of call 1 overtook its creation and was lost (deleted_count 0, one revision fewer).
 *
 * <p>Not compared: processing-time columns, and {@code supersedes}. When a call's later message (another chat) is
 * read first, a provisional id is published and then superseded by the call's real id; whether that happened
 * depends on the order of two chats, as it does across Kafka partitions. The final fact id is the same.
 */
class ParallelTriageTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path capture;
    private static Configuration conf;

    @BeforeAll
    static void writeCapture() throws Exception {
        TestKeys keys = TestKeys.generate(SampleStream.CERT_ID);
        String clientState = "parallel-client-state";
        SampleStream stream = new SampleStream(clientState, keys);
        List<SampleStream.Record> records = new ArrayList<>(stream.records());
        records.addAll(stream.manyCalls(12));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            // Key-free envelopes: what Event Hubs gives when Graph sets no partition key (headers kept for CloudEvents).
            SampleStream.Record r = records.get(i);
            ObjectNode envelope = JSON.createObjectNode().put("topic", "teams-events").put("partition", 0)
                    .put("offset", i).put("ts", 1763802000000L + i);
            var headers = envelope.putArray("headers");
            for (String h : r.headers()) {
                headers.add(h);
            }
            envelope.put("payload", new String(r.value(), StandardCharsets.UTF_8));
            lines.add(envelope.toString());
        }
        capture = Files.write(dir.resolve("capture.jsonl"), lines);
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), "store-pass".toCharArray(), keys);
        conf = Configuration.fromMap(Map.of(
                "auth.client-state-file", Files.writeString(dir.resolve("client-state"), clientState).toString(),
                "auth.keystore", keystore.toString(),
                "auth.keystore-password-file", Files.writeString(dir.resolve("store-pass"), "store-pass").toString()));
    }

    @Test
    void theFactsDoNotDependOnHowManyTriageInstancesRan() throws Exception {
        List<String> sequential = replay(1, "p1");
        List<String> parallel = replay(2, "p2");
        List<String> parallelAgain = replay(2, "p2-again");

        assertThat(sequential).hasSize(3 + 12);
        assertThat(parallel).containsExactlyElementsOf(sequential);
        assertThat(parallelAgain).containsExactlyElementsOf(sequential);
    }

    /** The facts file of a replay at {@code parallelism}, without the columns that hold processing time. */
    private static List<String> replay(int parallelism, String name) throws Exception {
        Path facts = dir.resolve(name + "/facts.jsonl");
        Configuration run = new Configuration(conf);
        run.setString("facts-out", facts.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        BeaconJob.defineWorkflow(BeaconJob.replaySource(env, capture.toString()), BeaconJob.replaySinks(run), run);
        env.execute("parallel-triage-" + name);
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(facts)) {
            ObjectNode fact = (ObjectNode) JSON.readTree(line);
            fact.remove(List.of("detected_at", "updated_at", "supersedes"));
            for (JsonNode ref : fact.path("message_refs")) {
                ((ObjectNode) ref).remove(List.of("received_at", "detected_at", "updated_at"));
            }
            rows.add(fact.toString());
        }
        return rows;
    }
}
