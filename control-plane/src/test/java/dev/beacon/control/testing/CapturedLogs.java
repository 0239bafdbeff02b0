package dev.beacon.control.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures everything logged through Log4j 2 (SLF4J included, so MSAL too) while open, with every logger raised to
 * DEBUG: messages, logger names and full stack traces of attached exceptions. Tests use it to prove that no secret
 * reaches the logs:
 *
 * <pre>{@code
 * try (CapturedLogs logs = CapturedLogs.atDebug()) {
 *     ... sign in, refresh ...
 *     assertThat(logs.text()).doesNotContain(refreshToken);
 * }
 * }</pre>
 *
 * Closing restores the previous levels and removes the appender.
 */
public final class CapturedLogs implements AutoCloseable {

    private static final String NAME = "captured-logs";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<LoggerConfig, Level> previousLevels = new HashMap<>();
    private final LoggerContext context;
    private final AbstractAppender appender;

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder b = new StringBuilder()
                        .append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(" - ")
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(w));
                    b.append('\n').append(w);
                }
                lines.add(b.toString());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        config.addAppender(appender);
        attach(config.getRootLogger(), true);
        for (LoggerConfig c : config.getLoggers().values()) {
            // additive loggers reach the root's appender anyway; adding it twice would duplicate lines
            attach(c, !c.isAdditive());
        }
        context.updateLoggers();
    }

    /** Starts capturing with every logger at DEBUG. */
    public static CapturedLogs atDebug() {
        return new CapturedLogs();
    }

    private void attach(LoggerConfig c, boolean withAppender) {
        if (previousLevels.containsKey(c)) {
            return;
        }
        previousLevels.put(c, c.getLevel());
        c.setLevel(Level.DEBUG);
        if (withAppender) {
            c.addAppender(appender, Level.DEBUG, null);
        }
    }

    /** Every captured event, one string each (message plus stack trace). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** All captured text, for contains/doesNotContain checks. */
    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        previousLevels.forEach((c, level) -> {
            c.removeAppender(NAME);
            c.setLevel(level);
        });
        context.getConfiguration().getAppenders().remove(NAME);
        appender.stop();
        context.updateLoggers();
    }
}
