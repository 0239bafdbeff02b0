package dev.beacon.control;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Keeps library loggers that print request headers or bodies at DEBUG/TRACE (Jetty's HTTP parser prints every
 * header, {@code Authorization: Bearer …} included) at INFO, even when an operator turns everything to DEBUG.
 * Found by the end-to-end test that captures every log line at DEBUG and searches it for secrets.
 */
public final class LogGuards {

    /**
     * Loggers that write secrets at DEBUG or finer. All of Jetty: besides headers, many of its classes print the
     * request URI with its query (a sign-in link's ticket, a callback's code and state).
     */
    static final List<String> SECRET_BEARING = List.of(
            "org.eclipse.jetty",
            "org.eclipse.jetty.http.HttpParser",
            "org.eclipse.jetty.http.HttpGenerator",
            "org.eclipse.jetty.server.internal.HttpConnection",
            "org.eclipse.jetty.server.Request",
            "org.eclipse.jetty.server.internal.HttpChannelState",
            "io.javalin.http.servlet.JavalinServlet");

    private LogGuards() {}

    public static void apply() {
        for (String name : SECRET_BEARING) {
            if (LogManager.getLogger(name).isDebugEnabled()) {
                Configurator.setLevel(name, Level.INFO);
            }
        }
    }
}
