package dev.beacon.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.decode.ChangeNotification;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.decode.NotificationDecoder;
import dev.beacon.job.detect.Detection;
import dev.beacon.job.detect.EmergencyDetector;
import dev.beacon.job.redact.SecretScrubber;
import dev.beacon.job.triage.TriageResources;
import dev.beacon.job.verify.ClientStateVerifier;
import dev.beacon.job.verify.DecryptionKeys;
import dev.beacon.job.verify.RichNotificationDecryptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Beacon's triage per core, on realistic encrypted notifications (1 % emergencies), one notification per operation:
 *
 * <ul>
 *   <li>{@code operator}: the job's {@link dev.beacon.job.triage.NotificationTriage} in Flink's operator harness
 *       (decode, clientState, HMAC, RSA unwrap, AES, parse, detect, signal, audit and metrics);
 *   <li>{@code classes}: the same classes called directly (decode, clientState, decrypt, parse, detect), without
 *       Flink's per-record machinery.
 * </ul>
 *
 * Triage with decryption excluded is in {@link AfterDecryptionBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TriageBenchmark {

    /** Enough distinct notifications (400: four emergencies) that the CPU does not learn one; fewer in smoke runs. */
    @Param({"400"})
    public int records;

    @Param({"2048"})
    public int keyBits;

    private Notifications stream;
    private TriageOperator operator;
    private NotificationDecoder decoder;
    private ClientStateVerifier clientStates;
    private RichNotificationDecryptor decryptor;
    private EmergencyDetector detector;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        stream = Notifications.shared(records, keyBits, 100);
        operator = new TriageOperator(stream.keys(), Notifications.CLIENT_STATE);
        List<String> secrets = List.of(Notifications.CLIENT_STATE);
        clientStates = new ClientStateVerifier(secrets);
        decoder = new NotificationDecoder(DecodeLimits.defaults(), SecretScrubber.of(secrets));
        decryptor = new RichNotificationDecryptor(DecryptionKeys.of(Map.of(Notifications.CERT_ID,
                stream.keys().privateKey())));
        detector = new EmergencyDetector(TriageResources.rules(null));
        checkDetections();
    }

    /** Measuring the wrong path would be worse than measuring nothing: every emergency must be found, and only them. */
    private void checkDetections() throws Exception {
        int signals = 0;
        int emergencies = 0;
        for (int i = 0; i < records; i++) {
            signals += operator.process(stream.record(i));
            if (classes(i).kind() == Detection.Kind.EMERGENCY) {
                emergencies++;
            }
        }
        if (signals != stream.emergencies() || emergencies != stream.emergencies()) {
            throw new IllegalStateException("expected " + stream.emergencies() + " emergencies, the operator found "
                    + signals + " and the classes " + emergencies);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        operator.close();
    }

    @Benchmark
    public int operator() throws Exception {
        return operator.process(stream.record(next()));
    }

    @Benchmark
    public Detection classes() throws Exception {
        return classes(next());
    }

    private Detection classes(int i) throws Exception {
        ChangeNotification n = Notifications.only(decoder.decode(stream.record(i)));
        if (!clientStates.isAccepted(n.clientState())) {
            throw new IllegalStateException("clientState");
        }
        JsonNode message = decoder.parseJsonObject(decryptor.decrypt(n.encryptedContent()));
        return detector.detect(message, n.chatId());
    }

    private int next() {
        int i = next;
        next = i + 1 == records ? 0 : i + 1;
        return i;
    }
}
