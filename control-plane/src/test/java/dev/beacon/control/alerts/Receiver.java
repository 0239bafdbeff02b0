package dev.beacon.control.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP receiver (JDK HttpServer) standing in for webhook and Teams endpoints: records every request and
 * answers with scripted statuses per path (200 once the script is used up, or {@link #always}).
 */
final class Receiver implements AutoCloseable {

    /** One received request: path (with query), lower-case header names, body. */
    record Request(String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> always = new ConcurrentHashMap<>();
    private final HttpServer server;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new java.util.HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String path = ex.getRequestURI().getPath();
            requests.add(new Request(ex.getRequestURI().toString(), headers, body));
            int status = status(path);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    private synchronized int status(String path) {
        Deque<Integer> script = scripts.get(path);
        if (script != null && !script.isEmpty()) {
            return script.poll();
        }
        return always.getOrDefault(path, 200);
    }

    /** Answers the next requests to {@code path} with these statuses, then 200. */
    synchronized void script(String path, Integer... statuses) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    void always(String path, int status) {
        always.put(path, status);
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    List<Request> to(String path) {
        return requests.stream().filter(r -> r.path().startsWith(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
