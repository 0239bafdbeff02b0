package dev.beacon.job.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures what the job's tests log (at the levels of {@code log4j2-test.properties}: WARN, INFO for Beacon), from
 * every thread, the MiniCluster's included, until closed. Tests use it to count ERROR lines and to prove that no
 * secret reaches the log.
 */
public final class CapturedLogs implements AutoCloseable {

    private static final String NAME = "job-test-captured-logs";

    /** One event: level, logger, formatted message, and the stack trace of an attached exception. */
    public record Line(Level level, String logger, String message, String stackTrace) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context;
    private final AbstractAppender appender;

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String trace = "";
                if (event.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(w));
                    trace = w.toString();
                }
                lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage(),
                        trace));
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        config.getLoggers().values().stream().filter(c -> !c.isAdditive() && c != config.getRootLogger())
                .forEach(c -> c.addAppender(appender, Level.ALL, null));
        context.updateLoggers();
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The messages logged at ERROR. */
    public List<String> errors() {
        return lines.stream().filter(l -> l.level() == Level.ERROR).map(Line::message).toList();
    }

    /** Everything captured, stack traces included, for doesNotContain checks. */
    public String text() {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.level()).append(' ').append(l.logger()).append(' ').append(l.message())
                .append('\n').append(l.stackTrace()));
        return b.toString();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(NAME);
        config.getLoggers().values().forEach(c -> c.removeAppender(NAME));
        config.getAppenders().remove(NAME);
        appender.stop();
        context.updateLoggers();
    }
}
