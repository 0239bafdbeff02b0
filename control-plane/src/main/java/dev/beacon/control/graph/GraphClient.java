package dev.beacon.control.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Graph v1.0 subscription calls (https://learn.microsoft.com/en-us/graph/api/resources/subscription) and the chat
 * message GET of hydration, over {@code java.net.http}. Each attempt asks the {@link TokenSource} for a token, so a retry after a token refresh
 * uses the new one. Failures are {@link GraphException}s; retries follow the {@link RetryPolicy}.
 *
 * <p>Secrets: the bearer token only travels in the Authorization header; the clientState only in the create body.
 * Neither appears in logs or exception messages (Graph's error text is scrubbed of the clientState just in case).
 */
public final class GraphClient {

    private final MicrosoftEndpoints endpoints;
    private final TokenSource tokens;
    private final HttpClient http;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();

    public GraphClient(MicrosoftEndpoints endpoints, TokenSource tokens, HttpClient http, RetryPolicy retry,
                       Clock clock, Duration requestTimeout) {
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.http = http;
        this.retry = retry;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
    }

    /** A client with its own HTTP client (5 s connect timeout) and 30 s request timeout. */
    public static GraphClient create(MicrosoftEndpoints endpoints, TokenSource tokens, RetryPolicy retry, Clock clock) {
        return new GraphClient(endpoints, tokens,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), retry, clock,
                Duration.ofSeconds(30));
    }

    /**
     * The same client (tokens, HTTP client, retries) against another Graph version, e.g. {@code beta} for the
     * emergency-call-event subscriptions.
     */
    public GraphClient withGraphVersion(String version) {
        return new GraphClient(endpoints.withGraphVersion(version), tokens, http, retry, clock, requestTimeout);
    }

    /** {@code POST /subscriptions}. */
    public GraphSubscription create(String integrationId, NewSubscription s)
            throws GraphException, SignInRequiredException {
        ObjectNode body = json.createObjectNode()
                .put("changeType", s.changeType())
                .put("notificationUrl", s.notificationUrl())
                .put("lifecycleNotificationUrl", s.lifecycleNotificationUrl())
                .put("resource", s.resource())
                .put("expirationDateTime", s.expirationDateTime().toString())
                .put("clientState", s.clientState())
                .put("includeResourceData", s.includeResourceData());
        if (s.includeResourceData()) {
            body.put("encryptionCertificate", s.encryptionCertificate())
                    .put("encryptionCertificateId", s.encryptionCertificateId());
        }
        return subscription(call(integrationId, "POST", "/subscriptions", body.toString(), s.clientState()));
    }

    /**
     * {@code PATCH /subscriptions/{id}} with a new {@code expirationDateTime} (renewal also reauthorizes), and a new
     * encryption certificate when rotating keys.
     */
    public GraphSubscription renew(String integrationId, String subscriptionId, Instant expirationDateTime,
                                   Optional<CertificateUpdate> certificate)
            throws GraphException, SignInRequiredException {
        ObjectNode body = json.createObjectNode().put("expirationDateTime", expirationDateTime.toString());
        certificate.ifPresent(c -> body.put("encryptionCertificate", c.encryptionCertificate())
                .put("encryptionCertificateId", c.encryptionCertificateId()));
        return subscription(call(integrationId, "PATCH", "/subscriptions/" + segment(subscriptionId),
                body.toString(), null));
    }

    /** {@code POST /subscriptions/{id}/reauthorize} (answer to a {@code reauthorizationRequired} event). */
    public void reauthorize(String integrationId, String subscriptionId)
            throws GraphException, SignInRequiredException {
        call(integrationId, "POST", "/subscriptions/" + segment(subscriptionId) + "/reauthorize", "", null);
    }

    /** {@code DELETE /subscriptions/{id}}. */
    public void delete(String integrationId, String subscriptionId) throws GraphException, SignInRequiredException {
        call(integrationId, "DELETE", "/subscriptions/" + segment(subscriptionId), null, null);
    }

    /** {@code GET /subscriptions/{id}}; empty when Graph answers 404. */
    public Optional<GraphSubscription> get(String integrationId, String subscriptionId)
            throws GraphException, SignInRequiredException {
        try {
            return Optional.of(subscription(call(integrationId, "GET", "/subscriptions/" + segment(subscriptionId),
                    null, null)));
        } catch (GraphException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code GET /subscriptions}: this app's subscriptions (following {@code @odata.nextLink}). */
    public List<GraphSubscription> list(String integrationId) throws GraphException, SignInRequiredException {
        List<GraphSubscription> out = new ArrayList<>();
        String path = "/subscriptions";
        for (int page = 0; path != null && page < 100; page++) {
            JsonNode root = call(integrationId, "GET", path, null, null);
            for (JsonNode s : root.path("value")) {
                out.add(subscription(s));
            }
            String next = root.path("@odata.nextLink").asText(null);
            path = next == null ? null : relativeToGraph(next);
        }
        return out;
    }

    /**
     * {@code GET /chats/{chatId}/messages/{messageId}}: the chatMessage exactly as Graph answered (bytes untouched),
     * or empty when Graph answers 404 (the message was deleted, or never visible to this app).
     *
     * @param beforeEachAttempt runs before every HTTP attempt, retries included (a rate limiter's acquire), so that
     *                          inline retries count against the caller's request budget too
     */
    public Optional<byte[]> chatMessage(String integrationId, String chatId, String messageId,
                                        Runnable beforeEachAttempt) throws GraphException, SignInRequiredException {
        try {
            return Optional.of(callRaw(integrationId, "GET", "/chats/" + segment(chatId) + "/messages/"
                    + segment(messageId), null, null, beforeEachAttempt));
        } catch (GraphException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * One page of a collection: {@code GET pathAndQuery} (already URL-encoded, e.g. from {@link #query}), with the
     * usual retries. Follow {@link GraphPage#nextPath()} for the next page; a delta query's last page carries
     * {@link GraphPage#deltaPath()}. Used by backfill to list messages and by the directory sync.
     */
    public GraphPage getPage(String integrationId, String pathAndQuery)
            throws GraphException, SignInRequiredException {
        JsonNode root = call(integrationId, "GET", pathAndQuery, null, null);
        List<JsonNode> items = new ArrayList<>();
        root.path("value").forEach(items::add);
        String next = root.path("@odata.nextLink").asText(null);
        String nextPath = next == null ? null : relativeToGraph(next);
        if (next != null && nextPath == null) {
            // Stopping here would silently drop the rest of the collection; the caller must fail instead.
            throw new IllegalStateException("Graph GET: @odata.nextLink is not a " + endpoints.graphVersion()
                    + " URL");
        }
        String delta = root.path("@odata.deltaLink").asText(null);
        String deltaPath = delta == null ? null : relativeToGraph(delta);
        if (delta != null && deltaPath == null) {
            throw new IllegalStateException("Graph GET: @odata.deltaLink is not a v1.0 URL");
        }
        return new GraphPage(List.copyOf(items), nextPath, deltaPath);
    }

    /** {@code name=value} query parameters, each value URL-encoded (spaces as {@code %20}, as OData expects). */
    public static String query(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.append(i == 0 ? "?" : "&").append(namesAndValues[i]).append('=').append(segment(namesAndValues[i + 1]));
        }
        return b.toString();
    }

    private JsonNode call(String integrationId, String method, String path, String body, String secretInBody)
            throws GraphException, SignInRequiredException {
        return parse(callRaw(integrationId, method, path, body, secretInBody, () -> { }));
    }

    private byte[] callRaw(String integrationId, String method, String path, String body, String secretInBody,
                           Runnable beforeEachAttempt) throws GraphException, SignInRequiredException {
        String operation = "Graph " + method + " " + path;
        return retry.execute(operation, () -> {
            try {
                return once(integrationId, method, path, body, secretInBody, operation, false, beforeEachAttempt);
            } catch (GraphException e) {
                if (e.status() != 401) {
                    throw e;
                }
                // The token looked valid here but not to Graph (revoked early, clock skew): once more, fresh.
                return once(integrationId, method, path, body, secretInBody, operation, true, beforeEachAttempt);
            }
        });
    }

    /** One HTTP exchange: the body of a 2xx answer as sent, else a {@link GraphException}. */
    private byte[] once(String integrationId, String method, String path, String body, String secretInBody,
                        String operation, boolean freshToken, Runnable beforeSend)
            throws GraphException, SignInRequiredException {
        String token = (freshToken ? tokens.freshGraphToken(integrationId) : tokens.graphToken(integrationId))
                .accessToken();
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoints.graphUri(path))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpRequest request = b.build();
        // Right before the send, after the token: a rate limiter's slot then paces what Graph receives, not the
        // token lookups before it.
        beforeSend.run();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The exception text names the host at most; the request (and its token) is not in it.
            throw new GraphException(operation, GraphException.NO_RESPONSE, e.getClass().getSimpleName(),
                    e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(operation, GraphException.NO_RESPONSE, "Interrupted", null, null, e);
        }
        if (r.statusCode() >= 200 && r.statusCode() < 300) {
            return r.body();
        }
        JsonNode error = parse(r.body()).path("error");
        String code = error.path("code").asText(null);
        String message = scrub(error.path("message").asText(null), secretInBody);
        Duration retryAfter = r.headers().firstValue("Retry-After").flatMap(this::retryAfter).orElse(null);
        throw new GraphException(operation, r.statusCode(), code, message, retryAfter, null);
    }

    /** {@code Retry-After} is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
    Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode n = json.readTree(body);
            return n == null || n.isMissingNode() ? json.createObjectNode() : n;
        } catch (IOException e) {
            return json.createObjectNode(); // a proxy's HTML error page: the status says enough
        }
    }

    private static GraphSubscription subscription(JsonNode s) {
        String expires = s.path("expirationDateTime").asText(null);
        Instant expiration = null;
        if (expires != null) {
            try {
                expiration = OffsetDateTime.parse(expires).toInstant();
            } catch (DateTimeParseException e) {
                expiration = null;
            }
        }
        return new GraphSubscription(text(s, "id"), text(s, "resource"), text(s, "changeType"),
                text(s, "notificationUrl"), text(s, "lifecycleNotificationUrl"), expiration,
                s.path("includeResourceData").asBoolean(false), text(s, "encryptionCertificateId"),
                text(s, "applicationId"), text(s, "creatorId"), text(s, "clientState"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String scrub(String message, String secret) {
        // Short strings would mangle ordinary words; real clientStates are 43 characters.
        if (message == null || secret == null || secret.length() < 8) {
            return message;
        }
        return message.replace(secret, "[redacted]");
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A nextLink is absolute (https://graph.microsoft.com/v1.0/...); keep the part after this client's version. */
    private String relativeToGraph(String nextLink) {
        String version = "/" + endpoints.graphVersion();
        int v = nextLink.indexOf(version + "/");
        return v < 0 ? null : nextLink.substring(v + version.length());
    }
}
