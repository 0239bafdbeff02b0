package dev.beacon.job.launch;

import dev.beacon.job.config.InvalidSettingException;
import org.apache.flink.util.SerializedThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code main()} does when the job cannot start or fails: one line with the cause (the setting to fix, when
 * that is the cause) on standard error, the same line in the log at ERROR, and exit status 1. Stack traces stay out
 * of it: the one line is what a data engineer or a deploy pipeline acts on.
 */
public final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    /** Exit status of a job that could not start or failed. */
    public static final int FAILED = 1;

    private Launcher() {}

    /** The body of a {@code main()} that may throw. */
    @FunctionalInterface
    public interface Main {
        void run() throws Exception;
    }

    /** Runs {@code main}; on failure, reports it in one line and exits the JVM with {@link #FAILED}. */
    public static void runOrExit(Main main) {
        try {
            main.run();
        } catch (Throwable failure) {
            String line = describe(failure);
            LOG.error(line);
            System.err.println("ERROR " + line);
            System.exit(FAILED);
        }
    }

    /**
     * The one-line cause: for a configuration error (found by the start-up checks or, inside the job's failure,
     * by a task manager) the setting and the problem; otherwise the innermost cause's type and message.
     */
    public static String describe(Throwable failure) {
        Throwable innermost = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException
                    || t instanceof SerializedThrowable s
                            && InvalidSettingException.class.getName().equals(s.getOriginalErrorClassName())) {
                return "Beacon cannot start: " + t.getMessage();
            }
            innermost = t;
            if (t.getCause() == t) {
                break;
            }
        }
        String type = innermost instanceof SerializedThrowable s
                ? s.getOriginalErrorClassName() : innermost.getClass().getName();
        String message = innermost.getMessage() == null ? "" : ": " + innermost.getMessage().strip();
        return "Beacon failed: " + type.substring(type.lastIndexOf('.') + 1)
                + message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
