package dev.beacon.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parsing bound: Jackson's {@code readTree} of what Graph delivers (the encrypted notification collection) and
 * of what decryption yields (the chatMessage), cycling through a realistic stream so that no single document stays
 * hot in the branch predictor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JacksonBenchmark {

    private static final int RECORDS = 256;

    private final ObjectMapper json = new ObjectMapper();
    private byte[][] notifications;
    private byte[][] messages;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Notifications stream = Notifications.shared(RECORDS, 2048, 100);
        notifications = new byte[RECORDS][];
        messages = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++) {
            notifications[i] = stream.recordBytes(i);
            messages[i] = stream.plaintext(i);
        }
    }

    @Benchmark
    public JsonNode readNotification() throws Exception {
        return json.readTree(notifications[next()]);
    }

    @Benchmark
    public JsonNode readChatMessage() throws Exception {
        return json.readTree(messages[next()]);
    }

    private int next() {
        int i = next;
        next = i + 1 == RECORDS ? 0 : i + 1;
        return i;
    }
}
