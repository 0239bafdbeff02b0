package dev.beacon.control.ingress;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} on its own listener ({@code BEACON_INGRESS_METRICS_HOST}, default 127.0.0.1, and
 * {@code BEACON_INGRESS_METRICS_PORT}), apart from the internet-facing port, so the public side never shows
 * Prometheus series. A JDK server with one thread: scrapes are rare and small.
 */
final class MetricsListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsListener(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static MetricsListener start(String host, int port, IngressMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + host + ":" + port
                    + " (BEACON_INGRESS_METRICS_HOST / BEACON_INGRESS_METRICS_PORT)", e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                boolean metricsPath = exchange.getRequestURI().getPath().equals("/metrics");
                if (!metricsPath || !"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(metricsPath ? 405 : 404, -1);
                    return;
                }
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", IngressMetrics.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ingress-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("ingress metrics on http://{}:{}/metrics", host, server.getAddress().getPort());
        return new MetricsListener(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
