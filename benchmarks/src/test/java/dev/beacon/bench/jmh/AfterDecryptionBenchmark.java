package dev.beacon.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.correlate.CallCorrelator;
import dev.beacon.job.correlate.CallerCalls;
import dev.beacon.job.correlate.Keys;
import dev.beacon.job.correlate.MessageChange;
import dev.beacon.job.correlate.MessageDeduplicator;
import dev.beacon.job.decode.ChangeNotification;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.decode.NotificationDecoder;
import dev.beacon.job.detect.Detection;
import dev.beacon.job.detect.EmergencyDetector;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.redact.SecretScrubber;
import dev.beacon.job.triage.TriageResources;
import dev.beacon.job.verify.ClientStateVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
 * Everything after decryption, per core (the target: 50,000 notifications/s), in its parts:
 *
 * <ul>
 *   <li>{@code triage}: triage of every notification with the decrypted message taken from memory (decode,
 *       clientState, parse, detect): all of triage except HMAC, RSA and AES;
 *   <li>{@code dedupNew}: {@link MessageDeduplicator} in Flink's keyed operator harness (heap state) deciding the
 *       first sight of a message (state read, state write, the change sent on): the state's time-to-live clock is
 *       moved past the retention before each signal, so every one is new again without state growing;
 *   <li>{@code dedup}: the same over a cycling set of emergency signals: after the first pass each is a redelivery
 *       (state read, duplicate decision, audit row). The harness builds a serializer for every side-output record
 *       (the audit row), which a real task does not: this one overstates the cost;
 *   <li>{@code callerCalls}: the correlator's pure state machine ({@link CallerCalls}) deciding a new emergency
 *       message: a new call and its fact revision.
 * </ul>
 *
 * Only emergencies (1 %) and deletions reach the keyed stages, so per notification after decryption costs about
 * {@code 1/triage + 0.01 * (1/dedupNew + 1/callerCalls)} seconds; the runner writes that as a derived result.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AfterDecryptionBenchmark {

    private static final int SIGNALS = 256;
    private static List<EmergencySignal> sharedSignals;

    /** As in {@link TriageBenchmark}. */
    @Param({"400"})
    public int records;

    private Notifications stream;
    private NotificationDecoder decoder;
    private ClientStateVerifier clientStates;
    private EmergencyDetector detector;
    private int nextRecord;

    private List<EmergencySignal> signals;
    private KeyedOneInputStreamOperatorTestHarness<String, EmergencySignal, MessageChange> dedup;
    private long gapMillis;
    private final long retentionMillis = MessageDeduplicator.DEFAULT_MESSAGE_RETENTION.toMillis();
    private long ttlClock;
    private int nextSignal;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        stream = Notifications.shared(records, 2048, 100);
        List<String> secrets = List.of(Notifications.CLIENT_STATE);
        clientStates = new ClientStateVerifier(secrets);
        decoder = new NotificationDecoder(DecodeLimits.defaults(), SecretScrubber.of(secrets));
        detector = new EmergencyDetector(TriageResources.rules(null));

        signals = emergencySignals();
        dedup = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MessageDeduplicator()),
                Keys::message, Types.STRING);
        dedup.open();
        dedup.setProcessingTime(System.currentTimeMillis());
        ttlClock = System.currentTimeMillis();
        dedup.setStateTtlProcessingTime(ttlClock);
        gapMillis = CallCorrelator.DEFAULT_CORRELATION_WINDOW.toMillis();
        for (int i = 0; i < 2 * SIGNALS; i++) {
            if (dedupNew() != 1) {
                throw new IllegalStateException("dedupNew must see every signal as new");
            }
        }
    }

    /** The emergencies' signals as triage makes them; once per JVM (smoke runs share one). */
    private static synchronized List<EmergencySignal> emergencySignals() throws Exception {
        if (sharedSignals == null) {
            Notifications emergencies = Notifications.shared(SIGNALS, 2048, 1);
            List<EmergencySignal> made;
            try (TriageOperator triage = new TriageOperator(emergencies.keys(), Notifications.CLIENT_STATE)) {
                made = List.copyOf(triage.signals(emergencies));
            }
            if (made.size() != SIGNALS) {
                throw new IllegalStateException("expected " + SIGNALS + " emergency signals, triage made " + made.size());
            }
            sharedSignals = made;
        }
        return sharedSignals;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        dedup.close();
    }

    @Benchmark
    public Detection triage() throws Exception {
        int i = nextRecord;
        nextRecord = i + 1 == stream.size() ? 0 : i + 1;
        ChangeNotification n = Notifications.only(decoder.decode(stream.record(i)));
        if (!clientStates.isAccepted(n.clientState())) {
            throw new IllegalStateException("clientState");
        }
        JsonNode message = decoder.parseJsonObject(stream.plaintext(i));
        return detector.detect(message, n.chatId());
    }

    @Benchmark
    public int dedupNew() throws Exception {
        EmergencySignal signal = nextSignal();
        ttlClock += retentionMillis + 1;
        dedup.setStateTtlProcessingTime(ttlClock);
        dedup.processElement(signal, signal.lastModifiedAtMillis());
        Queue<Object> out = dedup.getOutput();
        int changes = out.size();
        out.clear();
        return changes;
    }

    @Benchmark
    public int dedup() throws Exception {
        EmergencySignal signal = nextSignal();
        dedup.processElement(signal, signal.lastModifiedAtMillis());
        Queue<Object> out = dedup.getOutput();
        int changes = out.size();
        out.clear();
        Queue<?> audit = dedup.getSideOutput(dev.beacon.job.audit.AuditTrail.AUDIT);
        if (audit != null) {
            audit.clear();
        }
        return changes;
    }

    @Benchmark
    public CallerCalls.Decision callerCalls() {
        EmergencySignal signal = nextSignal();
        CallerCalls calls = new CallerCalls(gapMillis, new ArrayList<>());
        return calls.apply(new MessageChange(MessageChange.Kind.NEW, signal), signal.lastModifiedAtMillis(),
                createdAt -> false);
    }

    private EmergencySignal nextSignal() {
        int i = nextSignal;
        nextSignal = i + 1 == SIGNALS ? 0 : i + 1;
        return signals.get(i);
    }
}
