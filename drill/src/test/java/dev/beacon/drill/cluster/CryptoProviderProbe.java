package dev.beacon.drill.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which JCA provider each running triage subtask decrypts with, read from the job's gauges
 * {@code cryptoProviderNative} and {@code cryptoProviderPerJobCopy} through the REST API, together with each TaskManager's loaded-class count and metaspace
 * (a user-code class loader that cannot be collected after a restart shows up there) and what the TaskManagers logged
 * about the provider.
 */
public final class CryptoProviderProbe {

    public static final String GAUGE = "cryptoProviderNative";
    /** 1 when the native provider is the job jar's own copy (one per job class loader), 0 when once per JVM. */
    public static final String PER_JOB_GAUGE = "cryptoProviderPerJobCopy";
    /** The job's one INFO line per class loader naming the provider, and its WARN line when it falls back. */
    static final String CHOICE_LOG = "Triage decrypts with";
    /** How long a finished job's class loader may take to become collectable (see collectEarlierJobs). */
    static final Duration RELEASE_GRACE = Duration.ofSeconds(40);
    static final List<String> JVM_METRICS = List.of("Status.JVM.ClassLoader.ClassesLoaded",
            "Status.JVM.ClassLoader.ClassesUnloaded", "Status.JVM.Memory.Metaspace.Used");

    /** One triage subtask: where it runs and its gauges (native: 1 native, 0 JDK; perJob: 1 the job jar's copy). */
    public record SubtaskProvider(int subtask, int attempt, String taskManagerId, String gauge, String perJob) {
        public boolean isNative() {
            return "1".equals(gauge);
        }

        /** Native and loaded once per JVM (Flink's lib/), not a copy per job class loader. */
        public boolean isNativeOncePerJvm() {
            return isNative() && "0".equals(perJob);
        }

        @Override
        public String toString() {
            return subtask + "#" + attempt + "@" + taskManagerId + "="
                    + (!isNative() ? "JDK(" + gauge + ")" : "1".equals(perJob) ? "native(per-job copy)" : "native");
        }
    }

    /**
     * A TaskManager JVM: classes loaded (ever) and unloaded, metaspace bytes, its provider log lines so far, and
     * whether a full GC ran just before (then loaded - unloaded and metaspace are what is still reachable).
     */
    public record TaskManagerJvm(String id, long classesLoaded, long classesUnloaded, long metaspaceBytes,
            List<String> providerLog, boolean afterFullGc, long nativeLibraryCopies, int userCodeClassLoaders) {
        @Override
        public String toString() {
            String classes = classesLoaded <= 0 ? "no JVM metrics yet"
                    : String.format("%,d classes live (%,d loaded, %,d unloaded), metaspace %.1f MB%s",
                            classesLoaded - classesUnloaded, classesLoaded, classesUnloaded,
                            metaspaceBytes / 1048576.0, afterFullGc ? " after a full GC, "
                                    + userCodeClassLoaders + " job class loader(s) alive" : "");
            return String.format("%s: %s, %d provider line(s), %d ACCP native library cop%s mapped", id, classes,
                    providerLog.size(), nativeLibraryCopies, nativeLibraryCopies == 1 ? "y" : "ies");
        }
    }

    /** What every triage subtask of a job uses at one moment, and the TaskManagers' JVMs then. */
    public record View(List<SubtaskProvider> subtasks, List<TaskManagerJvm> taskManagers) {
        /**
         * Subtasks not on the native provider loaded once per JVM, every provider line logged at WARN (the job
         * warns when it falls back to the JDK or uses a per-job copy), and TaskManagers with more than one copy of
         * ACCP's native library mapped.
         */
        public List<String> violations() {
            List<String> out = new ArrayList<>();
            subtasks.stream().filter(s -> !s.isNativeOncePerJvm()).forEach(s -> out.add("triage subtask " + s));
            for (TaskManagerJvm tm : taskManagers) {
                tm.providerLog().stream().filter(l -> l.contains(" WARN "))
                        .forEach(l -> out.add(tm.id() + " logged: " + abbreviate(l.strip())));
                if (tm.nativeLibraryCopies() > 1) {
                    out.add(tm.id() + " has " + tm.nativeLibraryCopies() + " copies of ACCP's native library "
                            + "mapped (one per class loader that loaded ACCP), not one per JVM");
                }
            }
            return out;
        }

        /**
         * TaskManagers that, after a full GC, still hold more than one job's class loader: an earlier job (the
         * previous drill's, or the one stopped with a savepoint) is pinned by something static. Empty when no full
         * GC ran for this view.
         */
        public List<String> classLoaderViolations() {
            List<String> out = new ArrayList<>();
            for (TaskManagerJvm tm : taskManagers) {
                if (tm.afterFullGc() && tm.userCodeClassLoaders() > 1) {
                    out.add(tm.id() + " still holds " + tm.userCodeClassLoaders() + " job class loaders after a full "
                            + "GC (jcmd VM.classloaders; " + String.format("%,d", tm.classesLoaded()
                                    - tm.classesUnloaded()) + " classes live): only the running job's may be alive");
                }
            }
            return out;
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 220 ? line : line.substring(0, 220) + "…";
    }

    private final StandaloneCluster cluster;
    private long observingNanos;

    public CryptoProviderProbe(StandaloneCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Waits until every triage subtask of {@code jobId} runs and reports the gauge for its current attempt, then
     * returns the view. The gauge is a constant per attempt, so waiting only covers the metric fetcher's delay.
     */
    public View observe(String jobId, Duration timeout) {
        return observe(jobId, timeout, false);
    }

    /**
     * {@link #observe(String, Duration)}; with {@code fullGcFirst}, each TaskManager runs a full GC first (jcmd
     * GC.run) and its class counts are read from its performance counters, so class loaders of earlier jobs that
     * are still counted are really held, not just uncollected.
     */
    public View observe(String jobId, Duration timeout, boolean fullGcFirst) {
        long started = System.nanoTime();
        try {
            return read(jobId, timeout, fullGcFirst);
        } finally {
            observingNanos += System.nanoTime() - started;
        }
    }

    /** Seconds spent in {@link #observe} so far: what these checks add to a drill. */
    public double observingSeconds() {
        return observingNanos / 1e9;
    }

    private View read(String jobId, Duration timeout, boolean fullGcFirst) {
        FlinkRest rest = cluster.rest();
        String triage = rest.vertices(jobId).stream().filter(v -> v.name().contains("triage"))
                .map(FlinkRest.Vertex::id).findFirst()
                .orElseThrow(() -> new IllegalStateException("no triage vertex in " + rest.vertices(jobId)));
        List<SubtaskProvider> subtasks = Poll.until("every triage subtask of " + jobId + " to report " + GAUGE,
                timeout, () -> {
                    cluster.assertAlive();
                    List<FlinkRest.Subtask> running = rest.subtasks(jobId, triage);
                    Map<Integer, String> gauges = rest.operatorMetric(jobId, triage, GAUGE);
                    Map<Integer, String> perJob = rest.operatorMetric(jobId, triage, PER_JOB_GAUGE);
                    boolean ready = !running.isEmpty() && running.stream().allMatch(s -> "RUNNING".equals(s.status())
                            && gauges.containsKey(s.index()) && perJob.containsKey(s.index()));
                    List<SubtaskProvider> seen = running.stream().map(s -> new SubtaskProvider(s.index(),
                            s.attempt(), s.taskManagerId(), gauges.get(s.index()), perJob.get(s.index()))).toList();
                    return ready ? Poll.Probe.done(seen) : Poll.Probe.notYet(seen.toString());
                });
        List<TaskManagerJvm> jvms = new ArrayList<>();
        for (Map.Entry<String, JavaProcess> tm : new java.util.TreeMap<>(cluster.taskManagers()).entrySet()) {
            List<String> lines = tm.getValue().logText().lines().filter(l -> l.contains(CHOICE_LOG)).toList();
            long copies = nativeLibraryCopies(tm.getValue().pid());
            if (fullGcFirst) {
                int loaders = collectEarlierJobs(tm.getValue().pid());
                heapDump(tm.getKey(), tm.getValue().pid(), jobId);
                Map<String, String> c = counters(jcmd(tm.getValue().pid(), "PerfCounter.print"));
                jvms.add(new TaskManagerJvm(tm.getKey(), number(c, "java.cls.loadedClasses")
                        + number(c, "java.cls.sharedLoadedClasses"), number(c, "java.cls.unloadedClasses")
                        + number(c, "java.cls.sharedUnloadedClasses"), number(c, "sun.gc.metaspace.used"), lines,
                        true, copies, loaders));
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>(rest.taskManagerMetrics(tm.getKey(), JVM_METRICS));
            jvms.add(new TaskManagerJvm(tm.getKey(), number(m, JVM_METRICS.get(0)), number(m, JVM_METRICS.get(1)),
                    number(m, JVM_METRICS.get(2)), lines, false, copies, -1));
        }
        return new View(subtasks, jvms);
    }

    /**
     * How many distinct ACCP native library files the JVM has mapped: ACCP copies its library to a fresh temporary
     * file (deleted after loading) in every class loader that loads it, so this counts its copies in the JVM.
     */
    private static long nativeLibraryCopies(long pid) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/maps")).stream()
                    .filter(l -> l.contains("amazonCorrettoCryptoProvider")).map(l -> l.substring(l.indexOf('/')))
                    .distinct().count();
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // Not Linux, or the process just ended: nothing to count.
        }
    }

    /**
     * Full GCs until the JVM holds at most one job class loader, or {@link #RELEASE_GRACE} passed (with
     * {@code -Dbeacon.drill.assert-class-loaders=true}; else one full GC); returns how many it holds. Usually the first GC does it; the grace covers a finished job's last thread still ending (pgjdbc's
     * cleanup thread lingers up to 30 s after the job's last connection closed).
     */
    private static int collectEarlierJobs(long pid) {
        // Only when the drill asserts the count: otherwise one GC, so the CI drill does not wait on a loader that
        // is known to stay (docs/architecture.md "Performance").
        Duration grace = Boolean.getBoolean("beacon.drill.assert-class-loaders") ? RELEASE_GRACE : Duration.ZERO;
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            jcmd(pid, "GC.run");
            int loaders = userCodeClassLoaders(jcmd(pid, "VM.classloaders"));
            if (loaders <= 1 || System.nanoTime() > deadline) {
                return loaders;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return loaders;
            }
        }
    }

    /**
     * Flink's user-code class loaders alive in a JVM, from {@code jcmd VM.classloaders}: one per job whose class
     * loader is still reachable (Flink wraps each job's ChildFirstClassLoader or ParentFirstClassLoader in a
     * SafetyNetWrapperClassLoader; the inner one is counted).
     */
    static int userCodeClassLoaders(String classLoaderTree) {
        return (int) classLoaderTree.lines().filter(l -> l.contains("org.apache.flink.util.ChildFirstClassLoader")
                || l.contains("FlinkUserCodeClassLoaders$ParentFirstClassLoader")).count();
    }

    /**
     * With {@code -Dbeacon.drill.heap-dump-dir=DIR} (diagnosis only, never in CI), a live-object heap dump of the
     * TaskManager to {@code DIR/<tm>-<job>.hprof}, to find what keeps an earlier job's class loader reachable.
     */
    private static void heapDump(String taskManager, long pid, String jobId) {
        String dir = System.getProperty("beacon.drill.heap-dump-dir");
        if (dir != null && !dir.isBlank()) {
            jcmd(pid, "GC.heap_dump", java.nio.file.Path.of(dir, taskManager + "-" + jobId + ".hprof")
                    .toAbsolutePath().toString());
        }
    }

    /** jcmd's output for one command on a cluster JVM (same user, same JDK). */
    private static String jcmd(long pid, String... command) {
        try {
            List<String> cmd = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin",
                    "jcmd").toString(), Long.toString(pid)));
            cmd.addAll(List.of(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** {@code name=value} lines of PerfCounter.print. */
    private static Map<String, String> counters(String perfCounters) {
        Map<String, String> out = new LinkedHashMap<>();
        perfCounters.lines().map(String::strip).filter(l -> l.indexOf('=') > 0)
                .forEach(l -> out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return out;
    }

    private static long number(Map<String, String> metrics, String name) {
        String v = metrics.get(name);
        try {
            return v == null ? 0 : (long) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
