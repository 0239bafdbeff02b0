package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Only the finished job's pgjdbc cleanup thread is interrupted, recognized by the context class loader it inherited. */
class PgjdbcCleanerThreadsTest {

    @Test
    void interruptsTheCleanupThreadOfTheReleasedJobOnly() throws Exception {
        ClassLoader released = new URLClassLoader(new URL[0]);
        ClassLoader running = new URLClassLoader(new URL[0]);
        CountDownLatch releasedEnded = new CountDownLatch(1);
        CountDownLatch runningEnded = new CountDownLatch(1);
        Thread ofReleased = cleanerLike(released, releasedEnded);
        Thread ofRunning = cleanerLike(running, runningEnded);
        try {
            assertThat(PgjdbcCleanerThreads.interruptThoseOf(Set.of(released))).isEqualTo(1);
            assertThat(releasedEnded.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ofRunning.isAlive()).isTrue();
            assertThat(runningEnded.getCount()).isEqualTo(1);
        } finally {
            ofRunning.interrupt();
            ofReleased.join(10_000);
            ofRunning.join(10_000);
        }
    }

    /** A thread named like pgjdbc's, started from a task of the job whose context class loader is {@code job}. */
    private static Thread cleanerLike(ClassLoader job, CountDownLatch ended) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                ended.countDown();
            }
        }, PgjdbcCleanerThreads.THREAD_NAME);
        t.setContextClassLoader(job);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
