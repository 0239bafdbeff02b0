package dev.beacon.job.sink;

import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a TaskManager collect this job's class loader once the job has left it. Flink runs the hook registered here
 * when it releases the job's user-code class loader (the job ended, was cancelled or stopped with a savepoint on this
 * TaskManager); it removes what the job registered JVM-wide in the TaskManager's classes, which would otherwise keep
 * every class of the job in metaspace until the TaskManager restarts (about 3,350 classes and 22 MB per earlier
 * submission, measured on the drill's cluster): the PostgreSQL driver in {@code java.sql.DriverManager}. See
 * docs/architecture.md "Performance".
 *
 * <p>Registered by an operator that runs in every slot of the job (triage), once per class loader: Flink keeps the
 * first hook of a name.
 */
public final class JobClassLoaderRelease {

    private static final Logger LOG = LoggerFactory.getLogger(JobClassLoaderRelease.class);
    static final String HOOK_NAME = "beacon-deregister-jdbc-drivers";

    private JobClassLoaderRelease() {}

    /** Registers the release hook for the job's class loader of {@code context}, if not already registered. */
    public static void register(RuntimeContext context) {
        // The class loader that defined the job jar's classes (and so its driver): Flink's runtime context hands out
        // a wrapper that delegates to it, so the one that defined this class is the one to compare with.
        ClassLoader jobLoader = JobClassLoaderRelease.class.getClassLoader();
        if (!isJobClassLoader(jobLoader)) {
            // Local runs and tests: the job's classes are the JVM's own, whose drivers the JVM keeps using.
            return;
        }
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(HOOK_NAME, () -> release(jobLoader));
    }

    /** A class loader of its own for the job (Flink's user-code class loader), not the JVM's class path. */
    static boolean isJobClassLoader(ClassLoader loader) {
        for (ClassLoader l = ClassLoader.getSystemClassLoader(); l != null; l = l.getParent()) {
            if (l == loader) {
                return false;
            }
        }
        return loader != null;
    }

    static void release(ClassLoader jobLoader) {
        List<String> drivers = JdbcDriverRegistrations.deregisterLoadedBy(jobLoader);
        LOG.info("Job class loader released: deregistered {} JDBC driver(s) of the job {}", drivers.size(), drivers);
    }
}
