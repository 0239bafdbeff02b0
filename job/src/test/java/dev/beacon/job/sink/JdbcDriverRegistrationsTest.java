package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leak the release hook fixes, reproduced the way a Flink TaskManager has it: pgjdbc and this job's classes in a
 * class loader of their own (the job's user-code class loader), which is dropped after use. pgjdbc registers itself
 * in {@code DriverManager} when its class is initialized, which keeps that class loader reachable for good, until
 * {@link JdbcDriverRegistrations#deregisterLoadedBy} (run from inside that class loader, as Flink's release hook is)
 * removes it.
 */
class JdbcDriverRegistrationsTest {

    @Test
    void aDriverRegisteredByAJobClassLoaderPinsItUntilDeregistered() throws Exception {
        WeakReference<ClassLoader> pinned = loadDriverInAJobClassLoader(false);
        assertThat(collected(pinned, Duration.ofSeconds(3)))
                .as("without the hook, DriverManager keeps the job's class loader").isFalse();

        WeakReference<ClassLoader> released = loadDriverInAJobClassLoader(true);
        assertThat(collected(released, Duration.ofSeconds(30)))
                .as("after the hook, nothing else holds the job's class loader").isTrue();
    }

    @Test
    void leavesDriversOfOtherClassLoadersAlone() {
        List<String> removed = JdbcDriverRegistrations.deregisterLoadedBy(new URLClassLoader(new URL[0]));
        assertThat(removed).isEmpty();
        assertThat(JdbcDriverRegistrations.deregisterLoadedBy(null)).isEmpty();
    }

    @Test
    void onlyAClassLoaderOfItsOwnCountsAsTheJobs() {
        assertThat(JobClassLoaderRelease.isJobClassLoader(ClassLoader.getSystemClassLoader())).isFalse();
        assertThat(JobClassLoaderRelease.isJobClassLoader(ClassLoader.getPlatformClassLoader())).isFalse();
        assertThat(JobClassLoaderRelease.isJobClassLoader(null)).isFalse();
        assertThat(JobClassLoaderRelease.isJobClassLoader(new URLClassLoader(new URL[0]))).isTrue();
    }

    /**
     * A class loader over pgjdbc's jar and this module's classes, parent the platform loader (so both are defined by
     * it, like Flink's child-first loader does for the job jar); initializes the driver, optionally deregisters it
     * from inside, closes the loader and drops every reference to it but a weak one.
     */
    @SuppressWarnings("unchecked")
    private static WeakReference<ClassLoader> loadDriverInAJobClassLoader(boolean deregister) throws Exception {
        URL pgjdbc = org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation();
        URL jobClasses = JdbcDriverRegistrations.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader job = new URLClassLoader("job", new URL[] {pgjdbc, jobClasses},
                ClassLoader.getPlatformClassLoader());
        Class<?> driver = Class.forName("org.postgresql.Driver", true, job);
        assertThat(driver.getClassLoader()).isSameAs(job);
        if (deregister) {
            Class<?> registrations = Class.forName(JdbcDriverRegistrations.class.getName(), true, job);
            List<String> removed = (List<String>) registrations.getMethod("deregisterLoadedBy", ClassLoader.class)
                    .invoke(null, job);
            assertThat(removed).containsExactly("org.postgresql.Driver");
        }
        job.close();
        return new WeakReference<>(job);
    }

    /** Full GCs until the loader is collected or the deadline passes. */
    private static boolean collected(WeakReference<ClassLoader> loader, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            System.gc();
            if (loader.get() == null) {
                return true;
            }
            Thread.sleep(50);
        }
        return loader.get() == null;
    }
}

