package dev.beacon.job.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.sink.LiveFacts;
import dev.beacon.job.corpus.Corpus.ExpectedCall;
import dev.beacon.job.corpus.Corpus.Placed;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.testing.MiniClusters;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import dev.beacon.job.triage.TriageSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology ({@link BeaconJob#defineWorkflow}) on the MiniCluster, parallelism 2, no restart strategy, over
 * a hostile corpus (see the {@code *Family} classes: each is a table of records and their expected outcomes) mixed
 * with valid emergency calls and chatter. One run; the tests below check its outputs against the contract:
 *
 * <ul>
 *   <li>the run ends, within {@link #JOB_TIMEOUT}, without a failure (a failure would fail the job);
 *   <li>every record position yields an outcome, and every notification exactly the outcome its entry declares:
 *       one audit row, or one dead letter with its specific reason;
 *   <li>audit rows, dead letters, lifecycle notices and hydration requests agree with each other;
 *   <li>every valid call survives as exactly one final fact, and nothing else is a fact;
 *   <li>no chat content of chatter and no clientState secret reaches any output, in any encoding.
 * </ul>
 */
class HostileCorpusTest {

    /** Generous: the run takes seconds. */
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @TempDir
    static Path dir;

    static Corpus corpus;
    static Outputs outputs;
    static String run;

    @BeforeAll
    static void runTheJobOverTheCorpus() throws Exception {
        long buildStart = System.nanoTime();
        CorpusKit kit = new CorpusKit(TriageSettings.from(new Configuration()).limits());
        corpus = Corpus.assemble(kit, List.of(
                ValidCallsFamily.build(kit),
                ChatterFamily.build(kit),
                SyntaxFamily.build(kit),
                StructureFamily.build(kit),
                SizeFamily.build(kit),
                EncodingFamily.build(kit),
                HtmlBombFamily.build(kit),
                AuthenticityFamily.build(kit),
                CryptoFamily.build(kit),
                CloudEventFamily.build(kit),
                CaptureFamily.build(kit),
                DuplicatesFamily.build(kit),
                UnattributableFamily.build(kit),
                FetchedFamily.build(kit)));
        Configuration jobConf = kit.jobConfiguration(dir);
        long buildMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - buildStart);

        Configuration flinkConf = new Configuration();
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY,
                RestartStrategyOptions.RestartStrategyType.NO_RESTART_STRATEGY.getMainValue());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.configure(flinkConf);
        env.setParallelism(2);

        run = CollectingSink.newRun();
        BeaconJob.defineWorkflow(CorpusSource.stream(env, run, corpus.partitions()), Outputs.sinks(run), jobConf);

        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        JobClient job = env.executeAsync("hostile-corpus");
        try {
            job.getJobExecutionResult().get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            job.cancel();
            throw new AssertionError("the job did not end within " + JOB_TIMEOUT + " on a bounded input");
        } catch (ExecutionException e) {
            throw new AssertionError("the job failed on the corpus; it must survive any input without a restart: "
                    + rootCause(e), e);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long cpuMillis = TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpuStart);
        outputs = Outputs.collect(run);
        System.out.printf("hostile corpus: %d records %s, built in %d ms; job ran %d ms (%d ms CPU); %d facts,"
                        + " %d audit rows, %d dead letters, %d lifecycle notices, %d hydration requests%n",
                corpus.size(), corpus.entriesPerFamily, buildMillis, millis, cpuMillis, outputs.facts.size(),
                outputs.audit.size(), outputs.deadLetters.size(), outputs.lifecycle.size(), outputs.hydration.size());
    }

    @AfterAll
    static void forgetTheRun() {
        if (run != null) {
            CollectingSink.clear(run);
            CorpusSource.clear(run);
        }
    }

    @Test
    void everyRecordPositionYieldsAnOutcome() {
        Set<String> seen = new HashSet<>();
        outputs.audit.forEach(a -> seen.add(Outputs.record(a.source())));
        outputs.deadLetters.forEach(d -> seen.add(Outputs.record(d.source())));
        Set<String> input = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (Placed p : corpus.placed) {
            input.add(p.position());
            if (!seen.contains(p.position())) {
                missing.add(p.position() + " " + describe(p));
            }
        }
        Set<String> unknown = new HashSet<>(seen);
        unknown.removeAll(input);
        assertThat(missing).as("records with neither an audit row nor a dead letter").isEmpty();
        assertThat(unknown).as("outputs at positions that were never input").isEmpty();
    }

    @Test
    void everyNotificationGetsExactlyItsExpectedOutcome() {
        Map<String, List<String>> observed = outputs.outcomesByPosition();
        Map<String, List<String>> byRecord = new HashMap<>();
        observed.keySet().forEach(k -> byRecord.computeIfAbsent(k.substring(0, k.lastIndexOf('#')),
                r -> new ArrayList<>()).add(k));
        List<String> mismatches = new ArrayList<>();
        for (Placed p : corpus.placed) {
            List<String> got = byRecord.getOrDefault(p.position(), List.of());
            List<String> problems = null;
            for (Corpus.Shape shape : p.entry().expected().shapes()) {
                List<String> shapeProblems = mismatches(shape, p.position(), got, observed);
                if (shapeProblems.isEmpty()) {
                    problems = List.of();
                    break;
                }
                if (problems == null) {
                    problems = new ArrayList<>();
                }
                problems.addAll(shapeProblems);
            }
            if (!problems.isEmpty()) {
                Map<String, List<String>> actual = new TreeMap<>();
                got.forEach(k -> actual.put(k.substring(k.lastIndexOf('#')), observed.get(k)));
                mismatches.add(clip(describe(p) + ": expected " + p.entry().expected() + ", got " + actual));
            }
        }
        assertThat(mismatches).as("notifications whose outcome differs from the corpus entry (%d of %d records)",
                mismatches.size(), corpus.size()).isEmpty();
    }

    @Test
    void auditRowsDeadLettersAndSideOutputsAgree() {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> deadReasons = new HashMap<>();
        for (DeadLetter d : outputs.deadLetters) {
            deadReasons.computeIfAbsent(Outputs.item(d.source()), k -> new ArrayList<>()).add(d.reason().label());
        }
        Map<String, Integer> hydrationAudits = new TreeMap<>();
        Map<String, Integer> lifecycleAudits = new TreeMap<>();
        Set<String> factIds = new HashSet<>();
        outputs.facts.forEach(f -> factIds.add(f.factId));
        for (AuditRecord a : outputs.audit) {
            String at = Outputs.item(a.source());
            if (a.outcome() == AuditOutcome.INVALID
                    && !deadReasons.getOrDefault(at, List.of()).contains(a.reason())) {
                problems.add(at + ": audit row 'invalid' (" + a.reason() + ") without a dead letter for that reason");
            }
            if (a.outcome() == AuditOutcome.NEEDS_HYDRATION) {
                hydrationAudits.merge(at, 1, Integer::sum);
            }
            if (a.outcome() == AuditOutcome.LIFECYCLE) {
                lifecycleAudits.merge(at, 1, Integer::sum);
            }
            boolean feedsAFact = a.outcome() == AuditOutcome.EMITTED || a.outcome() == AuditOutcome.MERGED
                    || a.outcome() == AuditOutcome.AMENDED || a.outcome() == AuditOutcome.DELETED
                    || a.outcome() == AuditOutcome.RECOVERED;
            if (feedsAFact && (a.factId() == null || !factIds.contains(a.factId()))) {
                problems.add(at + ": audit row '" + a.outcome().label() + "' names fact " + a.factId()
                        + ", which was never emitted");
            }
        }
        Map<String, Integer> hydrationRequests = new TreeMap<>();
        for (HydrationRequest h : outputs.hydration) {
            hydrationRequests.merge(Outputs.item(h.source()), 1, Integer::sum);
        }
        Map<String, Integer> lifecycleNotices = new TreeMap<>();
        for (LifecycleNotice l : outputs.lifecycle) {
            lifecycleNotices.merge(Outputs.item(l.source()), 1, Integer::sum);
        }
        if (!hydrationAudits.equals(hydrationRequests)) {
            problems.add("needs-hydration audit rows " + hydrationAudits + " differ from hydration requests "
                    + hydrationRequests);
        }
        if (!lifecycleAudits.equals(lifecycleNotices)) {
            problems.add("lifecycle audit rows " + lifecycleAudits + " differ from lifecycle notices "
                    + lifecycleNotices);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyValidCallSurvivesAsExactlyOneFact() {
        List<String> expected = new ArrayList<>();
        for (ExpectedCall c : corpus.calls) {
            expected.add(describe(c.factId(), c.tenantId(), c.callerUserId(), c.firstCreatedAtMillis(),
                    c.notificationCount(), c.deletedCount(), c.dialedNumber(), c.testCall()) + "   <- " + c.name());
        }
        Map<String, String> callNames = new HashMap<>();
        corpus.calls.forEach(c -> callNames.put(c.factId(), c.name()));
        List<String> actual = new ArrayList<>();
        for (EmergencyCallFact f : new LiveFacts().applyAll(outputs.facts).facts()) {
            actual.add(describe(f.factId, f.tenantId, f.callerUserId, f.callStartedAtMillis, f.notificationCount,
                    f.deletedCount, f.dialedNumber, f.testCall) + "   <- " + callNames.getOrDefault(f.factId, "?"));
        }
        assertThat(actual).as("final facts (highest revision per fact_id, supersede markers dropped)")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void noChatContentAndNoClientStateSecretReachAnyOutput() {
        Map<String, List<String>> secretForms = new LinkedHashMap<>();
        for (String secret : corpus.secrets) {
            secretForms.put(secret, forms(secret));
        }
        Map<String, Placed> byPosition = new HashMap<>();
        corpus.placed.forEach(p -> byPosition.put(p.position(), p));
        List<String> problems = new ArrayList<>();
        for (Outputs.Serialized s : outputs.serialized()) {
            int hash = s.position().lastIndexOf('#');
            Placed from = hash < 0 ? null : byPosition.get(s.position().substring(0, hash));
            String where = s.output() + " " + (from == null ? s.position()
                    : "[" + from.entry().family() + "] " + from.entry().name() + " (" + s.position() + ")");
            if (s.failure() != null) {
                problems.add(where + ": cannot be serialized as the sinks do: " + s.failure());
            }
            String text = s.json();
            String unescaped = unescape(text);
            String lower = unescaped.toLowerCase(Locale.ROOT);
            secretForms.forEach((secret, forms) -> {
                for (String form : forms) {
                    if (text.contains(form) || unescaped.contains(form)) {
                        problems.add(where + ": contains a clientState secret"
                                + (form.equals(secret) ? "" : " (base64-encoded)"));
                        break;
                    }
                }
            });
            for (String sentinel : corpus.chatterSentinels) {
                if (lower.contains(sentinel)) {
                    problems.add(where + ": contains chatter content (" + sentinel + ")");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** How the outcomes observed for one record differ from one expected shape; empty when they match. */
    private static List<String> mismatches(Corpus.Shape shape, String position, List<String> observedKeys,
            Map<String, List<String>> observed) {
        List<String> problems = new ArrayList<>();
        Set<String> expectedKeys = new HashSet<>();
        for (int i = 0; i < shape.outcomes().size(); i++) {
            String key = position + "#" + shape.itemIndex(i);
            expectedKeys.add(key);
            List<String> got = observed.getOrDefault(key, List.of());
            if (got.size() != 1 || !shape.outcomes().get(i).labels().contains(got.get(0))) {
                problems.add(key);
            }
        }
        for (String key : observedKeys) {
            if (!expectedKeys.contains(key)) {
                problems.add(key);
            }
        }
        return problems;
    }

    private static String clip(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 1000) + "...";
    }

    private static String describe(Placed p) {
        return "[" + p.entry().family() + "] " + p.entry().name() + " (" + p.position() + ")";
    }

    private static String describe(String factId, String tenant, String caller, long startedAt, int notifications,
            int deletions, String dialed, boolean test) {
        return factId + " tenant=" + tenant + " caller=" + caller + " started=" + Instant.ofEpochMilli(startedAt)
                + " notifications=" + notifications + " deleted=" + deletions + " dialed=" + dialed + " test=" + test;
    }

    /** The secret as it could appear in an output: verbatim, or inside base64 at any of the three alignments. */
    static List<String> forms(String secret) {
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < 3; k++) {
            byte[] b = new byte[k + s.length];
            System.arraycopy(s, 0, b, k, s.length);
            String enc = Base64.getEncoder().encodeToString(b);
            int firstGroup = (k + 2) / 3;
            int endGroup = (k + s.length) / 3;
            if (endGroup - firstGroup >= 4) {
                String core = enc.substring(4 * firstGroup, 4 * endGroup);
                forms.add(core);
                forms.add(core.replace('+', '-').replace('/', '_'));
            }
        }
        return forms;
    }

    private static final Pattern ESCAPE = Pattern.compile("\\\\+u([0-9a-fA-F]{4})");

    /** Decodes {@code \\uXXXX} escapes (also doubly escaped ones, as in a JSON string holding JSON). */
    static String unescape(String text) {
        Matcher m = ESCAPE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(
                    String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
