package dev.beacon.control.lines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists an integration's Teams resource accounts:
 * {@code GET https://graph.microsoft.com/beta/admin/teams/resourceAccounts} (beta only; delegated permission
 * {@code TeamsResourceAccount.Read.All} with admin consent, and the signed-in account needs a Teams administrator
 * role), following {@code @odata.nextLink}. Fields used: {@code id},
 * {@code displayName}, {@code userPrincipalName}, {@code phoneNumber} ({@code tel:+…}), {@code acsResourceId},
 * {@code appId}. Retries follow the {@link RetryPolicy} (a 403 is not retried). The token travels only in the
 * Authorization header.
 */
public final class ResourceAccountsClient {

    /** The permission Graph asks for; named in the not-permitted status and its warning. */
    public static final String PERMISSION = "TeamsResourceAccount.Read.All";
    static final String PATH = "/admin/teams/resourceAccounts";
    private static final int MAX_PAGES = 1000;

    private final MicrosoftEndpoints endpoints;
    private final TokenSource tokens;
    private final RetryPolicy retry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public ResourceAccountsClient(MicrosoftEndpoints endpoints, TokenSource tokens, RetryPolicy retry) {
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.retry = retry;
    }

    public List<ResourceAccount> list(String integrationId) throws GraphException, SignInRequiredException {
        List<ResourceAccount> out = new ArrayList<>();
        String path = PATH;
        for (int page = 0; path != null; page++) {
            if (page == MAX_PAGES) {
                throw new IllegalStateException("Graph resource accounts: more than " + MAX_PAGES + " pages");
            }
            String p = path;
            JsonNode root = retry.execute("Graph GET beta" + PATH, () -> get(integrationId, p));
            for (JsonNode a : root.path("value")) {
                String id = text(a, "id");
                if (id != null) {
                    out.add(new ResourceAccount(id.toLowerCase(Locale.ROOT), text(a, "displayName"),
                            text(a, "userPrincipalName"), LineIds.e164(text(a, "phoneNumber")),
                            text(a, "acsResourceId"), text(a, "appId")));
                }
            }
            String next = text(root, "@odata.nextLink");
            path = next == null ? null : afterBeta(next);
        }
        return out;
    }

    /** A beta URL: the routed (or real) Graph host with {@code /beta} instead of {@code /v1.0}. */
    URI betaUri(String pathAndQuery) {
        String v1 = endpoints.graphUri(pathAndQuery).toString();
        int at = v1.indexOf("/v1.0/");
        return URI.create(v1.substring(0, at) + "/beta/" + v1.substring(at + "/v1.0/".length()));
    }

    private JsonNode get(String integrationId, String pathAndQuery) throws GraphException, SignInRequiredException {
        String operation = "Graph GET beta" + PATH;
        HttpRequest request = HttpRequest.newBuilder(betaUri(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.graphToken(integrationId).accessToken())
                .header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new GraphException(operation, GraphException.NO_RESPONSE, e.getClass().getSimpleName(),
                    e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(operation, GraphException.NO_RESPONSE, "Interrupted", null, null, e);
        }
        JsonNode body = parse(r.body());
        if (r.statusCode() >= 200 && r.statusCode() < 300) {
            return body;
        }
        JsonNode error = body.path("error");
        Duration retryAfter = r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip())));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
        throw new GraphException(operation, r.statusCode(), text(error, "code"), text(error, "message"),
                retryAfter, null);
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode n = body == null || body.length == 0 ? null : json.readTree(body);
            return n == null ? json.createObjectNode() : n;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** A nextLink is absolute (https://graph.microsoft.com/beta/...); keep the part after the version. */
    private static String afterBeta(String nextLink) {
        int at = nextLink.indexOf("/beta/");
        if (at < 0) {
            throw new IllegalStateException("Graph resource accounts: @odata.nextLink is not a beta URL");
        }
        return nextLink.substring(at + "/beta".length());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
