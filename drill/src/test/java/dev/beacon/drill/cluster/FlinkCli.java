package dev.beacon.drill.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code flink} command line ({@code CliFrontend}), each command in its own JVM as an operator would type it,
 * against the cluster's conf directory ({@code FLINK_CONF_DIR}): {@code run -d}, {@code stop --savepointPath},
 * {@code cancel}. Output goes to {@code logs/cli-<n>-<command>.log}.
 */
public final class FlinkCli {

    private static final String MAIN = "org.apache.flink.client.cli.CliFrontend";
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private final StandaloneCluster cluster;
    private final Duration timeout;
    private int commands;

    public FlinkCli(StandaloneCluster cluster, Duration timeout) {
        this.cluster = cluster;
        this.timeout = timeout;
    }

    /** {@code flink run -d [-s savepoint] -p parallelism jar args...}; returns the new job's id. */
    public String runDetached(Path jar, int parallelism, String savepoint, List<String> jobArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "-p", Integer.toString(parallelism)));
        if (savepoint != null) {
            args.addAll(List.of("-s", savepoint));
        }
        args.add(jar.toString());
        args.addAll(jobArgs);
        String out = execute("run", args);
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + out);
        }
        return m.group(1);
    }

    /** {@code flink stop --savepointPath dir jobId}: a savepoint, then a clean stop; returns the savepoint path. */
    public String stopWithSavepoint(String jobId, Path savepointDir) {
        String out = execute("stop", List.of("stop", "--savepointPath", savepointDir.toUri().toString(), jobId));
        Matcher m = SAVEPOINT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink stop printed no savepoint path:\n" + out);
        }
        return m.group(1);
    }

    /** {@code flink cancel jobId}. */
    public void cancel(String jobId) {
        execute("cancel", List.of("cancel", jobId));
    }

    private String execute(String command, List<String> args) {
        int n = ++commands;
        String name = "cli-" + n + "-" + command;
        JavaProcess cli = JavaProcess.start(name, cluster.classpath(), cluster.flinkJvmOptions(name, "-Xmx384m"),
                MAIN, args, cluster.flinkEnvironment(Map.of()), cluster.logDir().resolve(name + ".log"));
        int exit = cli.awaitExit(timeout);
        if (exit == -1) {
            cli.killHard(Duration.ofSeconds(10));
            throw new IllegalStateException("flink " + String.join(" ", args) + " did not finish within "
                    + timeout.toSeconds() + " s; see " + cli.log());
        }
        String out = cli.logText();
        if (exit != 0) {
            throw new IllegalStateException("flink " + command + " exited with " + exit + "; see " + cli.log()
                    + "\n" + out);
        }
        return out;
    }
}
