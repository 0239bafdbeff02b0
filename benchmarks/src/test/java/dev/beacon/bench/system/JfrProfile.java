package dev.beacon.bench.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Flight Recorder profile of one system run (settings "profile", sampling every 5 ms for Java code and every 10 ms
 * for native code), and its summary as Markdown for the report: where the JVM's CPU went, by thread group (Flink
 * tasks, Kafka broker, ...), each with the stages it was in. A sample is attributed to Beacon's innermost frame on
 * its stack (the stage: decoding, decryption, detection, a sink's binder), or to its top frame when no Beacon code
 * is on it (Flink, Kafka, JDBC themselves). {@code jdk.ExecutionSample} counts threads running Java code (up to five
 * per period); {@code jdk.NativeMethodSample} counts threads inside native code (one per period), which includes both
 * work (the native RSA of the crypto provider) and waiting (epoll, socket reads), so it is shown apart and only for
 * frames that are not waits: the two kinds' counts are not comparable with each other.
 */
final class JfrProfile implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private JfrProfile(Path file) throws IOException, ParseException {
        this.file = file;
        Files.createDirectories(file.getParent());
        recording = new Recording(Configuration.getConfiguration("profile"));
        // Twice as often as "profile": a bounded run lasts only seconds.
        recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(5));
        recording.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(10));
        recording.setToDisk(true);
        recording.start();
    }

    /** Prints the summary of a recording: {@code JfrProfile FILE.jfr}. */
    public static void main(String[] args) throws IOException {
        System.out.print(summarize(Path.of(args[0]), 8, 5));
    }

    static JfrProfile start(Path file) throws IOException, ParseException {
        return new JfrProfile(file);
    }

    /** Stops the recording and writes it to its file. */
    @Override
    public void close() throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
    }

    Path file() {
        return file;
    }

    /** Top-frame counts of one kind of sample. */
    private static final class Tally {
        int total;
        final Map<String, Integer> byGroup = new HashMap<>();
        final Map<String, Map<String, Integer>> framesByGroup = new HashMap<>();

        void add(String group, String frame) {
            total++;
            byGroup.merge(group, 1, Integer::sum);
            framesByGroup.computeIfAbsent(group, g -> new HashMap<>()).merge(frame, 1, Integer::sum);
        }
    }

    /** The recording's samples as Markdown: thread groups by share of samples, each with its top frames. */
    static String summarize(Path recordingFile, int groups, int framesPerGroup) throws IOException {
        Tally java = new Tally();
        Tally nativeWork = new Tally();
        for (RecordedEvent e : RecordingFile.readAllEvents(recordingFile)) {
            String type = e.getEventType().getName();
            boolean isJava = type.equals("jdk.ExecutionSample");
            if (!isJava && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty() || e.getThread("sampledThread") == null) {
                continue;
            }
            String frame = frame(stack.getFrames().get(0));
            String group = group(e.getThread("sampledThread").getJavaName());
            if (isJava) {
                java.add(group, stage(stack));
            } else if (!isWait(frame)) {
                nativeWork.add(group, frame + beaconCaller(stack));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("Java samples (`jdk.ExecutionSample`, threads running Java code): ").append(java.total)
                .append("; native samples that are not waits (`jdk.NativeMethodSample`): ").append(nativeWork.total)
                .append(".\n\n");
        table(md, "Java samples", java, groups, framesPerGroup);
        if (nativeWork.total > 0) {
            table(md, "Native samples (not waiting)", nativeWork, groups, framesPerGroup);
        }
        return md.toString();
    }

    private static void table(StringBuilder md, String title, Tally t, int groups, int framesPerGroup) {
        md.append("| ").append(title).append(": thread group | share | where (share of the group's samples) |\n");
        md.append("|---|---:|---|\n");
        for (Map.Entry<String, Integer> g : top(t.byGroup, groups)) {
            List<String> frames = new ArrayList<>();
            for (Map.Entry<String, Integer> f : top(t.framesByGroup.get(g.getKey()), framesPerGroup)) {
                frames.add("`" + f.getKey() + "` " + percent(f.getValue(), g.getValue()));
            }
            md.append("| ").append(g.getKey().replace("|", "/")).append(" | ").append(percent(g.getValue(), t.total))
                    .append(" | ").append(String.join("; ", frames)).append(" |\n");
        }
        md.append('\n');
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .toList();
    }

    private static String percent(int part, int whole) {
        return String.format(Locale.ROOT, "%.0f %%", 100.0 * part / Math.max(1, whole));
    }

    private static String frame(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    /** Beacon's innermost frame on the stack, or the top frame (marked "(no Beacon frame)") when there is none. */
    private static String stage(RecordedStackTrace stack) {
        for (RecordedFrame f : stack.getFrames()) {
            if (f.getMethod().getType().getName().startsWith("dev.beacon.")) {
                return frame(f);
            }
        }
        return frame(stack.getFrames().get(0)) + " (no Beacon frame)";
    }

    /** " ← Beacon's innermost frame" when the top frame is not Beacon's own: which stage the time belongs to. */
    private static String beaconCaller(RecordedStackTrace stack) {
        List<RecordedFrame> frames = stack.getFrames();
        if (frames.get(0).getMethod().getType().getName().startsWith("dev.beacon.")) {
            return "";
        }
        for (RecordedFrame f : frames) {
            if (f.getMethod().getType().getName().startsWith("dev.beacon.")) {
                return " ← " + frame(f);
            }
        }
        return "";
    }

    /** Native frames that wait rather than work: polling, socket and file reads, parking, sleeping. */
    private static boolean isWait(String frame) {
        return frame.matches(".*(epoll|[Pp]oll|accept|socketRead|read0|readBytes|park|sleep|wait|Wait|select|"
                + "receive|recv|available).*");
    }

    /**
     * Thread names without their numbers, so that instances group: "triage (2/2)#0" → "triage",
     * "data-plane-kafka-request-handler-1" → "data-plane-kafka-request-handler-N".
     */
    static String group(String threadName) {
        if (threadName == null) {
            return "(unnamed)";
        }
        String n = threadName.replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?$", "").replaceAll("\\d+", "N");
        // A chain of operators is named after its head: "triage -> (lifecycle-sink ...)" is triage's task.
        int chained = n.indexOf(" -> ");
        if (chained > 0) {
            n = n.substring(0, chained) + " → …";
        }
        return n.length() > 90 ? n.substring(0, 87) + "..." : n;
    }

    /** Parameters to record with the run: where the recording is. */
    Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("jfr", file.toString());
        return p;
    }
}
