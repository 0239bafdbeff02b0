package dev.beacon.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay mode as a data engineer uses it: {@code BeaconJob --replay capture.jsonl --facts-out facts.jsonl} over a
 * capture that mixes bare record values and {@code kcat -J} envelopes (the only way to keep headers, which the
 * CloudEvents binary-mode record needs). No Kafka, no PostgreSQL.
 */
class ReplayModeTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    Path dir;

    @Test
    void replayingACaptureWritesTheFinalFactsAndDeadLetters() throws Exception {
        ObjectMapper json = new ObjectMapper();
        TestKeys keys = TestKeys.generate(SampleStream.CERT_ID);
        String clientState = "replay-client-state-" + System.nanoTime();
        List<SampleStream.Record> records = new SampleStream(clientState, keys).records();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SampleStream.Record r = records.get(i);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            if (i % 2 == 0 && r.headers().length == 0) {
                lines.add(value);
            } else {
                ObjectNode envelope = json.createObjectNode().put("topic", "teams-events").put("partition", 0)
                        .put("offset", i).put("tstype", "create").put("ts", 1763802000000L + i).put("broker", 0);
                var headers = envelope.putArray("headers");
                for (String h : r.headers()) {
                    headers.add(h);
                }
                envelope.put("key", r.key()).put("payload", value);
                lines.add(envelope.toString());
            }
        }
        Path capture = Files.write(dir.resolve("capture.jsonl"), lines);
        Path keystore = TestKeys.writePkcs12(dir.resolve("keys.p12"), "store-pass".toCharArray(), keys);
        Path storePassword = Files.writeString(dir.resolve("store-pass"), "store-pass");
        Path clientStateFile = Files.writeString(dir.resolve("client-state"), clientState);
        Path facts = dir.resolve("out/facts.jsonl");
        Path deadLetters = dir.resolve("out/dead-letters.jsonl");

        BeaconJob.main(new String[] {
            "--replay", capture.toString(), "--facts-out", facts.toString(), "--dead-letters-out", deadLetters.toString(),
            "--auth.client-state-file", clientStateFile.toString(), "--auth.keystore", keystore.toString(),
            "--auth.keystore-password-file", storePassword.toString()
        });

        List<String> factLines = Files.readAllLines(facts);
        assertThat(factLines).extracting(l -> {
            var f = json.readTree(l);
            return f.path("fact_id").asText() + " r" + f.path("revision").asInt() + " n"
                    + f.path("notification_count").asInt() + " " + f.path("dialed_number").asText();
        }).containsExactly(
                FactIds.factId(SampleStream.TENANT, SampleStream.ADA, millis(SampleStream.CALL1_AT)) + " r3 n2 911",
                FactIds.factId(SampleStream.TENANT, SampleStream.GRACE, millis(SampleStream.CALL2_AT)) + " r2 n1 933",
                FactIds.factId(SampleStream.TENANT, SampleStream.ADA, millis(SampleStream.CALL3_AT)) + " r2 n2 112");
        assertThat(Files.readAllLines(deadLetters)).extracting(l -> json.readTree(l).path("reason").asText())
                .containsExactly("malformed_json", "hmac_mismatch", "client_state_mismatch", "unknown_certificate",
                        "too_deeply_nested");
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
