package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Entra ID and Microsoft Graph, speaking their documented wire contract over plain HTTP on
 * 127.0.0.1. MSAL reaches it through {@code RoutedHttpClient} (real authority URLs, redirected transport); the
 * Graph client through {@code MicrosoftEndpoints.routedTo}.
 *
 * <p>Endpoints are registered by {@link EntraEndpoints} (device code, token, authorize, device login page),
 * {@link GraphEndpoints} (subscriptions, with Graph's webhook validation handshake; chat messages) and
 * {@link GraphNotifications} (webhook deliveries of rich notifications, the validation-token JWKS, dropping).
 * Tests can inject failures in front of any route with {@link #inject}: a status with headers (429 with Retry-After, 503, …), a delay, for the next N matching calls.
 *
 * <p>Time: expiries use the {@link Clock} given at start, so a test that shares a {@code MutableClock} with the
 * control plane can simulate days.
 */
public final class MicrosoftEmulator implements AutoCloseable {

    /** A parsed request. {@code pathParams} are the regex groups of the matched route. */
    public record Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                          String body, List<String> pathParams) {

        /** A form field of an {@code application/x-www-form-urlencoded} body (OAuth endpoints). */
        public String form(String name) {
            return parseForm(body).get(name);
        }

        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        /** The bearer token of the Authorization header, or null. */
        public String bearer() {
            String h = header("Authorization");
            return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
        }
    }

    /** A response to send. */
    public record Response(int status, Map<String, String> headers, String body) {
        public static Response json(int status, String body) {
            return new Response(status, Map.of("Content-Type", "application/json"), body);
        }

        public static Response empty(int status) {
            return new Response(status, Map.of(), "");
        }

        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** An injected failure: answer {@code response} (or just wait {@code delay} and then handle normally). */
    public static final class Fault {
        final String method;
        final Pattern path;
        final Response response; // null: only delay
        final Duration delay;
        int remaining;
        int hits;

        Fault(String method, Pattern path, Response response, Duration delay, int times) {
            this.method = method;
            this.path = path;
            this.response = response;
            this.delay = delay;
            this.remaining = times;
        }

        /** How many calls this fault answered so far. */
        public synchronized int hits() {
            return hits;
        }

        /** The dependency is back: this fault answers no further calls. */
        public synchronized void cancel() {
            remaining = 0;
        }
    }

    private record Route(String method, Pattern path, Handler handler) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "microsoft-emulator");
        t.setDaemon(true);
        return t;
    });
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Call> callLog = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final EntraEndpoints entra;
    private final GraphEndpoints graph;
    private final GraphNotifications notifications;
    private final GraphDirectory directory;
    private final EmergencyCallEvents emergencyCallEvents;
    private final GraphResourceAccounts resourceAccounts;

    private MicrosoftEmulator(HttpServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        this.entra = new EntraEndpoints(this);
        this.graph = new GraphEndpoints(this);
        this.notifications = new GraphNotifications(this);
        new GraphMessageLists(this, graph);
        this.directory = new GraphDirectory(this);
        this.emergencyCallEvents = new EmergencyCallEvents(this);
        this.resourceAccounts = new GraphResourceAccounts(this);
    }

    /** Starts on 127.0.0.1 with a free port (or {@code port} when > 0). */
    public static MicrosoftEmulator start(Clock clock, int port) {
        return start(clock, "127.0.0.1", port);
    }

    /**
     * Starts on {@code host} (e.g. {@code 0.0.0.0} in a container, so other containers reach it) with a free port
     * (or {@code port} when > 0).
     */
    public static MicrosoftEmulator start(Clock clock, String host, int port) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, Math.max(port, 0)), 0);
            MicrosoftEmulator e = new MicrosoftEmulator(s, clock);
            s.start();
            return e;
        } catch (IOException e) {
            throw new IllegalStateException("emulator did not start", e);
        }
    }

    public static MicrosoftEmulator start(Clock clock) {
        return start(clock, 0);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Clock clock() {
        return clock;
    }

    public ObjectMapper json() {
        return json;
    }

    /** The Entra ID side: device codes, tokens, accounts, revocation. */
    public EntraEndpoints entra() {
        return entra;
    }

    /** The Graph side: subscriptions, dropping them, quotas. */
    public GraphEndpoints graph() {
        return graph;
    }

    /** Graph's user delta query ({@code /users/delta}) over users tests put. */
    public GraphDirectory directory() {
        return directory;
    }

    /** Graph's Teams resource accounts (beta {@code admin/teams/resourceAccounts}). */
    public GraphResourceAccounts resourceAccounts() {
        return resourceAccounts;
    }

    /** Graph's change-notification publisher: webhook deliveries, validation-token keys, dropping. */
    public GraphNotifications notifications() {
        return notifications;
    }

    /** Graph's emergency call event notifications (subscriptions per emergency calling policy). */
    public EmergencyCallEvents emergencyCallEvents() {
        return emergencyCallEvents;
    }

    /**
     * POSTs a rich {@code created} notification about {@code chatMessageJson} to the subscription's webhook, as
     * Graph does; returns the receiver's HTTP status, or {@link GraphNotifications#DROPPED} when it was dropped.
     */
    public int deliver(String subscriptionId, String chatMessageJson) {
        return notifications.deliver(subscriptionId, chatMessageJson);
    }

    /** The next {@code n} deliveries for the subscription are silently lost (see {@link #droppedNotifications}). */
    public void dropNextNotifications(String subscriptionId, int n) {
        notifications.dropNext(subscriptionId, n);
    }

    /** How many deliveries for the subscription were dropped so far. */
    public int droppedNotifications(String subscriptionId) {
        return notifications.dropped(subscriptionId);
    }

    /** Registers a chat message served by {@code GET /v1.0/chats/{chatId}/messages/{id}} to {@code tenant}. */
    public void putMessage(String tenant, String chatId, String messageJson) {
        graph.putMessage(tenant, chatId, messageJson);
    }

    /** Registers a route; {@code pathRegex} must match the whole path, its groups become {@code pathParams}. */
    public void route(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
    }

    /** Answers the next {@code times} calls matching method and path with {@code response}. */
    public Fault inject(String method, String pathRegex, Response response, int times) {
        Fault f = new Fault(method, Pattern.compile(pathRegex), response, Duration.ZERO, times);
        faults.add(f);
        return f;
    }

    /** Delays the next {@code times} matching calls by {@code delay}, then handles them normally. */
    public Fault delay(String method, String pathRegex, Duration delay, int times) {
        Fault f = new Fault(method, Pattern.compile(pathRegex), null, delay, times);
        faults.add(f);
        return f;
    }

    /** One call as it arrived (before any injected delay): {@code System.nanoTime()}, method and raw path. */
    public record Call(long arrivedNanos, String method, String path) {}

    /** Every call so far with its arrival time, in order (no bodies or headers: they may hold secrets). */
    public List<Call> callLog() {
        return List.copyOf(callLog);
    }

    /** "METHOD /path" of every call so far, in order (no bodies: they may hold secrets). */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public long countCalls(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return calls.stream().filter(c -> c.startsWith(method + " ")
                && p.matcher(c.substring(method.length() + 1)).matches()).count();
    }

    private void serve(HttpExchange ex) throws IOException {
        Response response;
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            callLog.add(new Call(System.nanoTime(), method, path));
            calls.add(method + " " + path);
            Request req = new Request(method, path, parseForm(ex.getRequestURI().getRawQuery()),
                    ex.getRequestHeaders(), new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    List.of());
            response = applyFaults(req);
            if (response == null) {
                response = dispatch(req);
            }
        } catch (Exception e) {
            response = Response.json(500, "{\"error\":{\"code\":\"emulatorError\",\"message\":\""
                    + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}}");
        }
        byte[] body = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
        response.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    private Response applyFaults(Request req) throws InterruptedException {
        for (Fault f : faults) {
            Duration delay;
            Response r;
            synchronized (f) {
                if (f.remaining <= 0 || !f.method.equals(req.method()) || !f.path.matcher(req.path()).matches()) {
                    continue;
                }
                f.remaining--;
                f.hits++;
                delay = f.delay;
                r = f.response;
            }
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private Response dispatch(Request req) throws Exception {
        for (Route r : routes) {
            if (!r.method().equals(req.method())) {
                continue;
            }
            Matcher m = r.path().matcher(req.path());
            if (m.matches()) {
                List<String> groups = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    groups.add(m.group(i));
                }
                return r.handler().handle(new Request(req.method(), req.path(), req.query(), req.headers(),
                        req.body(), groups));
            }
        }
        return Response.json(404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no emulated endpoint for "
                + req.method() + " " + req.path() + "\"}}");
    }

    static Map<String, String> parseForm(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String pair : s.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
