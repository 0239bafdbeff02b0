package dev.beacon.drill.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Starts a Flink main class (JobManager, TaskManager, CLI) in a drill's child JVM and halts that JVM as soon as the
 * drill's JVM is gone. Without it, a drill killed by a build timeout or Ctrl-C would leave JobManagers and
 * TaskManagers running on a shared machine.
 *
 * <p>Usage: {@code java -Dbeacon.drill.parent-pid=<pid> -cp ... ParentWatchdog <main class> <its arguments...>}.
 * This is the only class of the drill module's main sources, so {@code target/classes} can go on the cluster's
 * classpath without bringing anything else.
 */
public final class ParentWatchdog {

    public static final String PARENT_PID_PROPERTY = "beacon.drill.parent-pid";

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ParentWatchdog <main class> [arguments...]");
        }
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid != null) {
            watch(Long.parseLong(parentPid));
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(long pid) {
        Thread watcher = new Thread(() -> {
            ProcessHandle.of(pid).map(ProcessHandle::onExit).ifPresent(exit -> exit.join());
            // halt, not exit: shutdown hooks could block on the very services the drill has abandoned.
            Runtime.getRuntime().halt(137);
        }, "drill-parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
    }
}
