package dev.beacon.job.sink;

import java.util.Set;

/**
 * pgjdbc's "PostgreSQL-JDBC-Cleaner" thread of a finished job. pgjdbc starts it (from the job's class loader) to close
 * connections nobody closed, and it lingers up to {@code pgjdbc.config.cleanup.thread.ttl} (30 s) after the last
 * connection is gone, keeping the job's class loader reachable meanwhile. pgjdbc ends it at once when it is
 * interrupted with nothing left to clean, and ignores the interrupt otherwise, so interrupting it is safe.
 */
final class PgjdbcCleanerThreads {

    static final String THREAD_NAME = "PostgreSQL-JDBC-Cleaner";

    private PgjdbcCleanerThreads() {}

    /**
     * Interrupts every pgjdbc cleanup thread started from one of {@code jobLoaders} (its context class loader is
     * inherited from the job's task thread that started it) and returns how many.
     */
    static int interruptThoseOf(Set<ClassLoader> jobLoaders) {
        int interrupted = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (THREAD_NAME.equals(t.getName()) && jobLoaders.contains(t.getContextClassLoader())) {
                t.interrupt();
                interrupted++;
            }
        }
        return interrupted;
    }
}
