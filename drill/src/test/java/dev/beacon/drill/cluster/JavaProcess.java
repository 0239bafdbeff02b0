package dev.beacon.drill.cluster;

import dev.beacon.drill.launcher.ParentWatchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of a drill (JobManager, TaskManager or CLI), started through {@link ParentWatchdog} so that it dies
 * with the drill, with stdout and stderr in one log file under the drill's work directory.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name      for logs and messages, e.g. {@code taskmanager-2}
     * @param classpath the JVM's class path
     * @param jvmArgs   options before the main class
     * @param mainClass the real main class; {@link ParentWatchdog} runs it
     * @param args      its arguments
     * @param env       added to (and overriding) this JVM's environment
     * @param log       stdout and stderr, appended
     */
    public static JavaProcess start(String name, String classpath, List<String> jvmArgs, String mainClass,
            List<String> args, Map<String, String> env, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-D" + ParentWatchdog.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(classpath);
        command.add(ParentWatchdog.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            return new JavaProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hooks, no goodbye to the JobManager, as when a machine or container dies. */
    public void killHard(java.time.Duration timeout) {
        process.destroyForcibly();
        awaitExit(timeout);
    }

    /** Waits for the process to end by itself (a CLI command); returns its exit code, or -1 after the timeout. */
    public int awaitExit(java.time.Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGTERM (Flink's shutdown hooks run), then kill -9 if it is still there after a few seconds. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (awaitExit(java.time.Duration.ofSeconds(15)) == -1 && process.isAlive()) {
            killHard(java.time.Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
