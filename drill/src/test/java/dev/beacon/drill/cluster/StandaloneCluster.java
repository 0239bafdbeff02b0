package dev.beacon.drill.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Flink standalone session cluster on this machine: a JobManager ({@code StandaloneSessionClusterEntrypoint})
 * and TaskManagers ({@code TaskManagerRunner}), each its own JVM, assembled from Flink's jars on Maven Central (the
 * build writes their class path to a file) instead of a Flink distribution, and configured the way {@code flink-dist}
 * is: a generated {@code config.yaml} in a conf directory, Java 17 module flags, a checkpoint and a savepoint
 * directory on local disk, a fixed-delay restart strategy.
 *
 * <p>Everything binds to 127.0.0.1. TaskManagers get a readable resource id ({@code tm-1}, {@code tm-2}, ...) so the
 * REST API's view can be matched to the process to kill, and the secrets the job reads from the environment.
 */
public final class StandaloneCluster implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /**
     * flink-dist's Java 17 flags (config.yaml, env.java.opts.all) for every Flink JVM, less the jdk.compiler exports
     * that only the Table planner's code generation needs.
     */
    static final List<String> JAVA_17_FLAGS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Where things are and how big the cluster is. */
    public record Settings(Path workDir, String classpath, int slotsPerTaskManager,
            Map<String, String> taskManagerEnv) {}

    private final Settings settings;
    private final Path confDir;
    private final Path logDir;
    private final Path pluginsDir;
    private final int rpcPort;
    private final int restPort;
    private final FlinkRest rest;
    private JavaProcess jobManager;
    private final Map<String, JavaProcess> taskManagers = new LinkedHashMap<>();
    private int nextTaskManager = 1;

    private StandaloneCluster(Settings settings) throws IOException {
        this.settings = settings;
        this.confDir = Files.createDirectories(settings.workDir().resolve("conf"));
        this.logDir = Files.createDirectories(settings.workDir().resolve("logs"));
        this.pluginsDir = Files.createDirectories(settings.workDir().resolve("plugins"));
        Files.createDirectories(settings.workDir().resolve("tmp"));
        this.rpcPort = freePort();
        this.restPort = freePort();
        this.rest = new FlinkRest(HOST, restPort);
        writeConfiguration();
    }

    /**
     * Starts the JobManager and {@code taskManagers} TaskManagers and waits until all their slots are registered.
     * The JobManager's ports are picked free here and bound a moment later by its own JVM; when another process takes
     * one in between, the JobManager dies with a BindException and the cluster is started again on new ports.
     */
    public static StandaloneCluster start(Settings settings, int taskManagers, Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(settings, taskManagers, timeout);
            } catch (RuntimeException e) {
                if (attempt >= 3 || !jobManagerLostAPortRace(settings)) {
                    throw e;
                }
            }
        }
    }

    private static boolean jobManagerLostAPortRace(Settings settings) {
        Path log = settings.workDir().resolve("logs").resolve("jobmanager.log");
        try {
            return Files.exists(log) && Files.readString(log).contains("java.net.BindException");
        } catch (IOException e) {
            return false;
        }
    }

    private static StandaloneCluster startOnce(Settings settings, int taskManagers, Duration timeout) {
        StandaloneCluster cluster;
        try {
            cluster = new StandaloneCluster(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // All at once: TaskManagers keep retrying to register until the JobManager is up.
            cluster.launchJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitRestApi(timeout);
            cluster.awaitTaskManagers(taskManagers, timeout);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public FlinkRest rest() {
        return rest;
    }

    public Path confDir() {
        return confDir;
    }

    public Path logDir() {
        return logDir;
    }

    public String classpath() {
        return settings.classpath();
    }

    public Path checkpointDir() {
        return settings.workDir().resolve("checkpoints");
    }

    public Path savepointDir() {
        return settings.workDir().resolve("savepoints");
    }

    /** The running TaskManagers by resource id. */
    public Map<String, JavaProcess> taskManagers() {
        return Map.copyOf(taskManagers);
    }

    /** Starts one more TaskManager (e.g. to replace a killed one) and returns its resource id. */
    public String startTaskManager() {
        String id = "tm-" + nextTaskManager++;
        // What flink-dist's scripts derive from the memory settings (see writeConfiguration): heap = framework +
        // task heap, direct = framework + task off-heap + network, so the JVM's limits match the TaskManager's plan.
        List<String> jvm = flinkJvmOptions(id, "-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=160m",
                "-XX:MaxMetaspaceSize=256m");
        JavaProcess tm = JavaProcess.start(id, settings.classpath(), jvm, TASK_MANAGER_MAIN,
                List.of("--configDir", confDir.toString(), "-D", "taskmanager.resource-id=" + id),
                flinkEnvironment(settings.taskManagerEnv()), logDir.resolve(id + ".log"));
        taskManagers.put(id, tm);
        return id;
    }

    /**
     * kill -9 of a TaskManager's JVM: no shutdown hooks run, no goodbye to the JobManager; its tasks, network
     * connections, Kafka producers and open transactions just vanish.
     */
    public void killTaskManager(String id) {
        JavaProcess tm = taskManagers.remove(id);
        if (tm == null) {
            throw new IllegalArgumentException("no running TaskManager " + id + "; running: " + taskManagers.keySet());
        }
        tm.killHard(Duration.ofSeconds(20));
    }

    /** Waits until exactly the running TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) {
        Poll.until(count + " registered TaskManagers " + taskManagers.keySet(), timeout, () -> {
            assertAlive();
            List<FlinkRest.TaskManagerInfo> registered = rest.taskManagers();
            boolean all = registered.stream().map(FlinkRest.TaskManagerInfo::id).collect(Collectors.toSet())
                    .containsAll(taskManagers.keySet());
            return all && registered.size() == count ? Poll.Probe.done(registered)
                    : Poll.Probe.notYet("registered " + registered);
        });
    }

    /** The TaskManager with the most occupied slots: killing it hurts the running job. */
    public String busiestTaskManager() {
        return rest.taskManagers().stream()
                .filter(tm -> taskManagers.containsKey(tm.id()))
                .max((a, b) -> Integer.compare(a.usedSlots(), b.usedSlots()))
                .filter(tm -> tm.usedSlots() > 0)
                .map(FlinkRest.TaskManagerInfo::id)
                .orElseThrow(() -> new IllegalStateException("no TaskManager runs tasks: " + rest.taskManagers()));
    }

    /** Fails fast with the log's tail when a cluster JVM died on its own (and was not killed by the drill). */
    public void assertAlive() {
        if (jobManager != null && !jobManager.isAlive()) {
            throw new Poll.GiveUp("the JobManager died; see " + jobManager.log() + "\n" + tail(jobManager));
        }
        for (JavaProcess tm : taskManagers.values()) {
            if (!tm.isAlive()) {
                throw new Poll.GiveUp(tm.name() + " died; see " + tm.log() + "\n" + tail(tm));
            }
        }
    }

    private void launchJobManager() {
        jobManager = JavaProcess.start("jobmanager", settings.classpath(), flinkJvmOptions("jobmanager",
                "-Xms256m", "-Xmx512m"), JOB_MANAGER_MAIN, List.of("--configDir", confDir.toString()),
                flinkEnvironment(Map.of()), logDir.resolve("jobmanager.log"));
    }

    private void awaitRestApi(Duration timeout) {
        Poll.until("the JobManager's REST API at " + rest.base(), timeout, () -> {
            assertAlive();
            rest.taskManagers();
            return Poll.Probe.done(Boolean.TRUE);
        });
    }

    /** Java 17 flags, the log configuration, and {@code log.file} (the REST API serves that file). */
    List<String> flinkJvmOptions(String processName, String... memory) {
        List<String> jvm = new ArrayList<>(JAVA_17_FLAGS);
        jvm.addAll(List.of(memory));
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        jvm.add("-Dlog.file=" + logDir.resolve(processName + ".log"));
        return jvm;
    }

    /** The environment flink-dist's scripts set up: conf and (empty) plugins directories. */
    Map<String, String> flinkEnvironment(Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>(more);
        env.put("FLINK_CONF_DIR", confDir.toString());
        env.put("FLINK_PLUGINS_DIR", pluginsDir.toString());
        return env;
    }

    private void writeConfiguration() throws IOException {
        Path work = settings.workDir().toAbsolutePath();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", HOST);
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", HOST);
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("rest.address", HOST);
        c.put("rest.bind-address", HOST);
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.host", HOST);
        c.put("taskmanager.bind-host", HOST);
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
        // TaskManagerRunner expects every memory component resolved, as flink-dist's scripts pass them (computed
        // from a process size); these add up to about 1.1 GB per TaskManager and match the JVM flags above.
        c.put("taskmanager.cpu.cores", Integer.toString(settings.slotsPerTaskManager()));
        c.put("taskmanager.memory.framework.heap.size", "128m");
        c.put("taskmanager.memory.task.heap.size", "384m");
        c.put("taskmanager.memory.framework.off-heap.size", "128m");
        c.put("taskmanager.memory.task.off-heap.size", "0m");
        c.put("taskmanager.memory.managed.size", "128m");
        c.put("taskmanager.memory.network.min", "32m");
        c.put("taskmanager.memory.network.max", "32m");
        c.put("taskmanager.memory.jvm-metaspace.size", "256m");
        c.put("taskmanager.memory.jvm-overhead.min", "192m");
        c.put("taskmanager.memory.jvm-overhead.max", "192m");
        // A new job's tasks go to both TaskManagers, so killing one leaves the other half of the job running.
        c.put("taskmanager.load-balance.mode", "slots");
        // A kill -9 is noticed by failed heartbeat RPCs within seconds instead of the default 50 s timeout; the
        // timeout stays generous enough for a busy shared machine's GC and scheduling pauses.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "15000");
        c.put("heartbeat.rpc-failure-threshold", "2");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "50");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        c.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", work.resolve("savepoints").toUri().toString());
        c.put("io.tmp.dirs", work.resolve("tmp").toString());
        c.put("parallelism.default", "2");
        // The REST API caches job details for this long (default 3 s); the drill measures recovery through it.
        c.put("web.refresh-interval", "500");
        // The REST API's metrics come from a fetcher (default every 10 s); the drill reads the job's gauges there.
        c.put("metrics.fetcher.update-interval", "1000");
        StringBuilder yaml = new StringBuilder("# Generated by the Beacon drill (StandaloneCluster).\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
        Files.writeString(confDir.resolve("log4j.properties"), """
                # Cluster JVMs log to stdout, which the drill writes to target/drill/.../logs/<process>.log.
                rootLogger.level = INFO
                rootLogger.appenderRef.console.ref = ConsoleAppender
                appender.console.name = ConsoleAppender
                appender.console.type = CONSOLE
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                logger.pekko.name = org.apache.pekko
                logger.pekko.level = WARN
                logger.netty.name = org.apache.flink.shaded.netty4
                logger.netty.level = WARN
                """, StandardCharsets.UTF_8);
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9._/:-]+") ? v : "\"" + v.replace("\"", "\\\"") + "\"";
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(JavaProcess p) {
        List<String> lines = p.logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** TaskManagers first (so the JobManager does not restart jobs onto them), then the JobManager. */
    @Override
    public void close() {
        for (JavaProcess tm : taskManagers.values()) {
            tm.close();
        }
        taskManagers.clear();
        if (jobManager != null) {
            jobManager.close();
        }
    }

    @Override
    public String toString() {
        return "Flink standalone cluster at " + rest.base() + " (conf " + confDir + ", logs " + logDir + ")";
    }
}
