package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.http.ApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The CLI's view of the admin API: JSON over HTTP with the admin bearer token. Never prints the token. */
final class ApiClient {

    /** The API answered with an error, or could not be reached; the message is for humans (no secrets). */
    static final class ApiException extends RuntimeException {
        ApiException(String message) {
            super(message);
        }
    }

    private final URI server;
    private final String adminToken;
    /** The server's clock at its last answer ({@link dev.beacon.control.http.ControlPlaneHttp#SERVER_TIME_HEADER}). */
    private volatile Instant serverTime;
    private volatile double clockRate = 1;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    final ObjectMapper json = ApiJson.mapper();

    ApiClient(URI server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    /**
     * One path segment, percent-encoded (an id may hold '/', '?', '#', '%' or spaces). Every id the CLI puts into
     * a path goes through this, so {@code a/b} stays one segment instead of reaching another route.
     */
    static String segment(String id) {
        // URLEncoder encodes for forms: a space becomes '+', which a path keeps literally
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query parameter value, percent-encoded. */
    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * The server's "now" at its last answer, so relative times ("in 2h") agree with the server's clock (a demo's
     * scaled clock too), not this machine's; empty before the first call or from an older server.
     */
    Optional<Instant> serverTime() {
        return Optional.ofNullable(serverTime);
    }

    /** Server seconds per real second at the last answer: 1, or a demo's time scale. */
    double clockRate() {
        return clockRate;
    }

    <T> T get(String path, TypeReference<T> type) {
        return convert(call("GET", path, null), type);
    }

    <T> T post(String path, Object body, TypeReference<T> type) {
        return convert(call("POST", path, body), type);
    }

    <T> T put(String path, Object body, TypeReference<T> type) {
        return convert(call("PUT", path, body), type);
    }

    void delete(String path) {
        call("DELETE", path, null);
    }

    /** The raw JSON text of a GET (for {@code --json}). */
    String getRaw(String path) {
        JsonNode n = call("GET", path, null);
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new ApiException("cannot print the answer: " + e.getClass().getSimpleName());
        }
    }

    private <T> T convert(JsonNode n, TypeReference<T> type) {
        return n == null ? null : json.convertValue(n, type);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(60));
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new ApiException("cannot encode the request: " + e.getClass().getSimpleName());
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (adminToken != null) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ApiException("cannot reach " + server + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        r.headers().firstValue(dev.beacon.control.http.ControlPlaneHttp.SERVER_TIME_HEADER).ifPresent(t -> {
            try {
                serverTime = Instant.parse(t);
            } catch (DateTimeParseException e) {
                // not a time: keep the local clock
            }
        });
        clockRate = r.headers().firstValue(dev.beacon.control.http.ControlPlaneHttp.CLOCK_RATE_HEADER).map(v -> {
            try {
                double d = Double.parseDouble(v);
                return d > 0 && Double.isFinite(d) ? d : 1;
            } catch (NumberFormatException e) {
                return 1.0;
            }
        }).orElse(1.0);
        JsonNode n = parse(r.body());
        if (r.statusCode() == 401) {
            throw new ApiException("the server refused the admin token (set BEACON_ADMIN_TOKEN or "
                    + "--admin-token-file)");
        }
        if (r.statusCode() >= 400) {
            String error = n != null && n.hasNonNull("error") ? n.get("error").asText() : "no details";
            String id = n != null && n.hasNonNull("errorId") ? " (error id " + n.get("errorId").asText() + ")" : "";
            throw new ApiException("HTTP " + r.statusCode() + ": " + error + id);
        }
        return n;
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
