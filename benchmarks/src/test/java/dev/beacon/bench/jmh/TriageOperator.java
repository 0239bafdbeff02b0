package dev.beacon.bench.jmh;

import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.job.triage.NotificationTriage;
import dev.beacon.job.triage.TriageOutputs;
import dev.beacon.job.triage.TriageSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * The job's triage operator ({@link NotificationTriage}, opened from real secret files and a PKCS12 keystore as on a
 * task manager) in Flink's one-input operator harness: the real per-record path, without a cluster. Outputs are
 * dropped after each record so that memory stays flat.
 */
public final class TriageOperator implements AutoCloseable {

    private static final List<OutputTag<?>> SIDE_OUTPUTS = List.of(AuditTrail.AUDIT, AuditTrail.DEAD_LETTERS,
            TriageOutputs.LIFECYCLE, TriageOutputs.NEEDS_HYDRATION);

    private final Path directory;
    private final OneInputStreamOperatorTestHarness<RawRecord, EmergencySignal> harness;

    public TriageOperator(TestKeys keys, String clientState) throws Exception {
        directory = Files.createTempDirectory("beacon-bench-triage");
        char[] password = "bench-keystore-password".toCharArray();
        Path keystore = TestKeys.writePkcs12(directory.resolve("keys.p12"), password, keys);
        TriageSettings settings = new TriageSettings(DecodeLimits.defaults(),
                Secret.fromFile(secretFile("client-state", clientState).toString()), keystore.toString(), null,
                Secret.fromFile(secretFile("keystore-password", new String(password)).toString()), null, null);
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new NotificationTriage(settings)));
        harness.open();
        harness.setProcessingTime(System.currentTimeMillis());
    }

    /** Triages one record; returns how many signals it produced (its outputs are dropped). */
    public int process(RawRecord record) throws Exception {
        harness.processElement(record, record.timestampMillis());
        Queue<Object> out = harness.getOutput();
        int signals = out.size();
        out.clear();
        for (OutputTag<?> tag : SIDE_OUTPUTS) {
            Queue<?> side = harness.getSideOutput(tag);
            if (side != null) {
                side.clear();
            }
        }
        return signals;
    }

    /** Triages the records and keeps the signals (for the keyed stages' input). */
    public List<EmergencySignal> signals(Notifications stream) throws Exception {
        List<EmergencySignal> signals = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            harness.processElement(stream.record(i), stream.record(i).timestampMillis());
            signals.addAll(harness.extractOutputValues());
            harness.getOutput().clear();
        }
        return signals;
    }

    private Path secretFile(String name, String value) throws IOException {
        Path file = Files.createFile(directory.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, value);
    }

    @Override
    public void close() throws Exception {
        harness.close();
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
