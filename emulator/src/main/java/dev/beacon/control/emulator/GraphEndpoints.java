package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator.Request;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Graph v1.0 subscriptions as the emulator serves them (https://learn.microsoft.com/en-us/graph/api/resources/subscription):
 * {@code POST/GET /v1.0/subscriptions}, {@code GET/PATCH/DELETE /v1.0/subscriptions/{id}},
 * {@code POST /v1.0/subscriptions/{id}/reauthorize}.
 *
 * <p>Validation follows Graph for Teams resources: required fields; at most 4,320 minutes, under 45 raised to 45;
 * {@code lifecycleNotificationUrl} required beyond one hour and not changeable by PATCH; rich notifications need an
 * encryption certificate; {@code clientState} at most 128 characters; notification URLs {@code https://},
 * {@code EventHub:https://} or {@code EventGrid:?}; duplicates (same app, resource, changeType, notificationUrl)
 * get 409; a per-user quota on {@code getAllMessages} subscriptions gets 403. Subscriptions expire by the
 * emulator's clock and then answer 404, like Graph deleting unrenewed subscriptions.
 *
 * <p>Failures such as 429/503/slow answers are injected with {@link MicrosoftEmulator#inject}/{@code delay}.
 */
public final class GraphEndpoints {

    /** A subscription as the emulator holds it (a snapshot; {@code clientState} included for test assertions). */
    public record EmulatedSubscription(String id, String applicationId, String creatorId, String tenantId,
                                       String resource, String changeType, String notificationUrl,
                                       String lifecycleNotificationUrl, Instant expirationDateTime,
                                       String clientState, boolean includeResourceData,
                                       String encryptionCertificate, String encryptionCertificateId,
                                       int reauthorizations, int renewals) {
        @Override
        public String toString() {
            return "EmulatedSubscription[id=" + id + ", resource=" + resource + ", expires=" + expirationDateTime
                    + "]";
        }
    }

    static final String LIFECYCLE_REQUIRED = "lifecycleNotificationUrl is a required property for subscription "
            + "creation on this resource when the expirationDateTime value is set to greater than 1 hour";
    static final int TEAMS_MAX_MINUTES = 4320;
    static final int TEAMS_MIN_MINUTES = 45;

    private final MicrosoftEmulator emulator;
    private final Map<String, EmulatedSubscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, List<String>> requestBodies = new ConcurrentHashMap<>();
    private final Map<String, String> messages = new ConcurrentHashMap<>();
    private final GraphRateLimit messageRateLimit = new GraphRateLimit();
    private final List<String> createBodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int quotaPerUser = 10;
    private volatile boolean webhookHandshakes = true;
    private final java.util.concurrent.atomic.AtomicInteger handshakes = new java.util.concurrent.atomic.AtomicInteger();

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HANDSHAKE_TIMEOUT).build();

    GraphEndpoints(MicrosoftEmulator emulator) {
        this.emulator = emulator;
        emulator.route("POST", "/(?:v1\\.0|beta)/subscriptions", this::create);
        emulator.route("GET", "/(?:v1\\.0|beta)/subscriptions", this::list);
        emulator.route("GET", "/(?:v1\\.0|beta)/subscriptions/([^/]+)", this::get);
        emulator.route("PATCH", "/(?:v1\\.0|beta)/subscriptions/([^/]+)", this::patch);
        emulator.route("DELETE", "/(?:v1\\.0|beta)/subscriptions/([^/]+)", this::delete);
        emulator.route("POST", "/(?:v1\\.0|beta)/subscriptions/([^/]+)/reauthorize", this::reauthorize);
        emulator.route("GET", "/(?:v1\\.0|beta)/chats/([^/]+)/messages/([^/]+)", this::getMessage);
    }

    /**
     * Registers a chat message (Graph chatMessage JSON with an {@code id}) that {@code GET /v1.0|beta/chats/{chatId}/
     * messages/{id}} serves to callers of {@code tenant}. Throttling: {@code emulator.inject("GET",
     * "/v1\\.0/chats/.+/messages/.+", Response.json(429, ...).withHeader("Retry-After", "2"), n)}.
     */
    public void putMessage(String tenant, String chatId, String messageJson) {
        JsonNode m = readJson(messageJson);
        if (m == null || !m.hasNonNull("id")) {
            throw new IllegalArgumentException("a chatMessage with an id was expected");
        }
        messages.put(tenant + "|" + chatId + "|" + m.get("id").asText(), messageJson);
    }

    /**
     * Graph's per-tenant throttling of chat message GETs (20 per second per app per tenant in Graph), off by
     * default; also counts served and throttled GETs per tenant.
     */
    public GraphRateLimit messageRateLimit() {
        return messageRateLimit;
    }

    /** The stored chat messages of {@code tenant} by chat id (for {@link GraphMessageLists}). */
    Map<String, List<String>> messagesByChat(String tenant) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        messages.forEach((key, json) -> {
            String[] parts = key.split("\\|", 3);
            if (parts[0].equals(tenant)) {
                out.computeIfAbsent(parts[1], k -> new java.util.ArrayList<>()).add(json);
            }
        });
        return out;
    }

    // ---- test API -------------------------------------------------------------------------------------------------

    /** The live (unexpired) subscriptions, oldest first. */
    public List<EmulatedSubscription> subscriptions() {
        expire();
        return subscriptions.values().stream()
                .sorted(Comparator.comparing(EmulatedSubscription::id)).toList();
    }

    public java.util.Optional<EmulatedSubscription> subscription(String id) {
        expire();
        return java.util.Optional.ofNullable(subscriptions.get(id));
    }

    /** Graph removed it (as when it sends {@code subscriptionRemoved}): 404 from now on. */
    public boolean drop(String id) {
        return subscriptions.remove(id) != null;
    }

    /** Adds a subscription created by someone else (for 409 tests), with the given app and creator. */
    public EmulatedSubscription seed(String applicationId, String creatorId, String resource, String changeType,
                                     String notificationUrl, Instant expires, String clientState) {
        var s = new EmulatedSubscription(UUID.randomUUID().toString(), applicationId, creatorId, null, resource,
                changeType, notificationUrl, notificationUrl, expires, clientState, false, null, null, 0, 0);
        subscriptions.put(s.id(), s);
        return s;
    }

    /**
     * Whether creating (or re-pointing) a webhook subscription first validates the URL like Graph (default on).
     * Off only for tests whose webhook URLs are placeholders nothing serves.
     */
    public void setWebhookHandshakes(boolean on) {
        this.webhookHandshakes = on;
    }

    /** How many endpoint validations the emulator attempted. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Maximum {@code getAllMessages} subscriptions per user (Graph: 10). */
    public void setQuota(int perUser) {
        this.quotaPerUser = perUser;
    }

    /** Raw bodies of the POST (create) and PATCH requests that reached subscription {@code id}, oldest first. */
    public List<String> requestBodies(String id) {
        return List.copyOf(requestBodies.getOrDefault(id, List.of()));
    }

    /** The body of the last create or PATCH of {@code id}, or null. */
    public String lastRequestBody(String id) {
        List<String> b = requestBodies.getOrDefault(id, List.of());
        return b.isEmpty() ? null : b.get(b.size() - 1);
    }

    /** Every create body received, accepted or not, oldest first. */
    public List<String> createBodies() {
        return List.copyOf(createBodies);
    }

    /**
     * {@code encryptedContent} of a rich notification about {@code resourceJson} for subscription {@code id}, as
     * Graph builds it: random AES-256 key, AES-CBC/PKCS7 with IV = first 16 key bytes, HMAC-SHA256 of the
     * ciphertext, key wrapped with the subscription's certificate by RSA-OAEP (SHA-1).
     */
    public Map<String, String> encryptedContent(String id, String resourceJson) {
        EmulatedSubscription s = subscription(id).orElseThrow(() -> new IllegalArgumentException("no subscription " + id));
        return encryptFor(s.encryptionCertificate(), s.encryptionCertificateId(), resourceJson);
    }

    /** Like {@link #encryptedContent} for any base64 X.509 certificate: the contract's encryption, Graph's fields. */
    public static Map<String, String> encryptFor(String certificateBase64, String certificateId, String json) {
        X509Certificate cert;
        try {
            cert = certificate(certificateBase64);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encrypt like Graph: not an X.509 certificate", e);
        }
        EncryptedContent c = RichNotificationCrypto.encrypt(json.getBytes(StandardCharsets.UTF_8), cert,
                certificateId);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("data", c.data());
        out.put("dataSignature", c.dataSignature());
        out.put("dataKey", c.dataKey());
        out.put("encryptionCertificateId", c.encryptionCertificateId());
        out.put("encryptionCertificateThumbprint", c.encryptionCertificateThumbprint());
        return out;
    }

    // ---- wire -----------------------------------------------------------------------------------------------------

    private Response create(Request req) throws Exception {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        createBodies.add(req.body());
        JsonNode body = readBody(req);
        if (body == null) {
            return error(400, "InvalidRequest", "Invalid request body.");
        }
        for (String field : List.of("changeType", "notificationUrl", "resource", "expirationDateTime")) {
            if (!body.hasNonNull(field) || body.get(field).asText().isBlank()) {
                return error(400, "InvalidRequest", "The '" + field + "' property is required.");
            }
        }
        Response emergency = EmergencyEventSubscriptionRules.checkCreate(caller, body, emulator.clock().instant());
        if (emergency != null) {
            return emergency;
        }
        String resource = body.get("resource").asText();
        String changeType = body.get("changeType").asText();
        String notificationUrl = body.get("notificationUrl").asText();
        String lifecycleUrl = body.path("lifecycleNotificationUrl").asText(null);
        String clientState = body.path("clientState").asText(null);
        boolean rich = body.path("includeResourceData").asBoolean(false);
        String certificate = body.path("encryptionCertificate").asText(null);
        String certificateId = body.path("encryptionCertificateId").asText(null);

        for (String ct : changeType.split(",")) {
            if (!Set.of("created", "updated", "deleted").contains(ct.strip())) {
                return error(400, "InvalidRequest", "Invalid changeType '" + ct.strip() + "'.");
            }
        }
        Response bad = checkUrl("notificationUrl", notificationUrl);
        if (bad == null && lifecycleUrl != null) {
            bad = checkUrl("lifecycleNotificationUrl", lifecycleUrl);
        }
        if (bad != null) {
            return bad;
        }
        Object expiry = expiry(body.get("expirationDateTime").asText(), resource);
        if (expiry instanceof Response r) {
            return r;
        }
        Instant expires = (Instant) expiry;
        if (teams(resource) && lifecycleUrl == null
                && expires.isAfter(emulator.clock().instant().plus(Duration.ofHours(1)))) {
            return error(400, "InvalidRequest", LIFECYCLE_REQUIRED);
        }
        if (clientState != null && clientState.length() > 128) {
            return error(400, "InvalidRequest", "clientState must not be longer than 128 characters.");
        }
        if (rich) {
            if (certificate == null || certificateId == null) {
                return error(400, "InvalidRequest", "encryptionCertificate and encryptionCertificateId are "
                        + "required when includeResourceData is true.");
            }
            Response c = checkCertificate(certificate, certificateId);
            if (c != null) {
                return c;
            }
        }
        // Graph validates webhook endpoints before it stores anything (outside the lock: up to 10 s each).
        Response refused = handshake(notificationUrl);
        if (refused == null && lifecycleUrl != null) {
            refused = handshake(lifecycleUrl);
        }
        if (refused != null) {
            return refused;
        }
        synchronized (this) {
            expire();
            Response duplicate = EmergencyEventSubscriptionRules.conflict(caller, resource, subscriptions.values());
            if (duplicate != null) {
                return duplicate;
            }
            for (EmulatedSubscription s : subscriptions.values()) {
                if (s.applicationId().equals(caller.clientId()) && s.resource().equalsIgnoreCase(resource)
                        && s.changeType().equalsIgnoreCase(changeType) && s.notificationUrl().equals(notificationUrl)) {
                    return error(409, "ExtensionError", "Operation: Create; Exception: [Status Code: Conflict; "
                            + "Reason: Subscription Id " + s.id() + " already exists for the requested combination]");
                }
            }
            if (resource.contains("getAllMessages") && caller.userObjectId() != null) {
                long mine = subscriptions.values().stream()
                        .filter(s -> caller.userObjectId().equals(s.creatorId()) && s.resource().contains("getAllMessages"))
                        .count();
                if (mine >= quotaPerUser) {
                    return error(403, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; "
                            + "Reason: The maximum number of '" + quotaPerUser + "' subscriptions per user for "
                            + "'getAllMessages' has been reached.]");
                }
            }
            var s = new EmulatedSubscription(UUID.randomUUID().toString(), caller.clientId(),
                    caller.userObjectId(), caller.tenantId(), resource, changeType, notificationUrl, lifecycleUrl,
                    expires, clientState, rich, rich ? certificate : null, rich ? certificateId : null, 0, 0);
            store(s, req);
            return Response.json(201, render(s, true).toString());
        }
    }

    /** Keeps the subscription's new state and the body that produced it (tests read what Graph received). */
    private void store(EmulatedSubscription s, Request req) {
        subscriptions.put(s.id(), s);
        requestBodies.computeIfAbsent(s.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(req.body());
    }

    private Response list(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        ArrayNode value = emulator.json().createArrayNode();
        // Graph lists the subscriptions of the calling app (for delegated calls: created for the signed-in user).
        subscriptions().stream()
                .filter(s -> s.applicationId().equals(caller.clientId()))
                .filter(s -> caller.appOnly() || caller.userObjectId() == null
                        || caller.userObjectId().equals(s.creatorId()))
                .forEach(s -> value.add(render(s, false)));
        ObjectNode root = emulator.json().createObjectNode();
        root.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#subscriptions");
        root.set("value", value);
        return Response.json(200, root.toString());
    }

    private Response get(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        EmulatedSubscription s = owned(req, caller);
        return s == null ? notFound(req) : Response.json(200, render(s, false).toString());
    }

    private Response patch(Request req) throws Exception {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        JsonNode body = readBody(req);
        if (body == null) {
            return error(400, "InvalidRequest", "Invalid request body.");
        }
        EmulatedSubscription before = owned(req, caller);
        if (before == null) {
            return notFound(req);
        }
        if (body.has("lifecycleNotificationUrl")) {
            return error(400, "InvalidRequest", "lifecycleNotificationUrl cannot be updated; delete the "
                    + "subscription and create a new one.");
        }
        String newUrl = body.hasNonNull("notificationUrl") ? body.get("notificationUrl").asText() : null;
        if (newUrl != null) {
            // a new webhook is validated like on create, before anything changes (and outside the lock)
            Response bad = checkUrl("notificationUrl", newUrl);
            if (bad == null && !newUrl.equals(before.notificationUrl())) {
                bad = handshake(newUrl);
            }
            if (bad != null) {
                return bad;
            }
        }
        synchronized (this) {
            EmulatedSubscription s = owned(req, caller);
            if (s == null) {
                return notFound(req);
            }
            String notificationUrl = newUrl != null ? newUrl : s.notificationUrl();
            Instant expires = s.expirationDateTime();
            Response tooLong = EmergencyEventSubscriptionRules.checkRenewal(s, body, emulator.clock().instant());
            if (tooLong != null) {
                return tooLong;
            }
            if (body.hasNonNull("expirationDateTime")) {
                Object e = expiry(body.get("expirationDateTime").asText(), s.resource());
                if (e instanceof Response r) {
                    return r;
                }
                expires = (Instant) e;
            }
            String certificate = s.encryptionCertificate();
            String certificateId = s.encryptionCertificateId();
            if (body.has("encryptionCertificate") || body.has("encryptionCertificateId")) {
                certificate = body.path("encryptionCertificate").asText(null);
                certificateId = body.path("encryptionCertificateId").asText(null);
                Response c = certificate == null || certificateId == null
                        ? error(400, "InvalidRequest", "encryptionCertificate and encryptionCertificateId go together.")
                        : checkCertificate(certificate, certificateId);
                if (c != null) {
                    return c;
                }
            }
            var updated = new EmulatedSubscription(s.id(), s.applicationId(), s.creatorId(), s.tenantId(),
                    s.resource(), s.changeType(), notificationUrl, s.lifecycleNotificationUrl(), expires,
                    s.clientState(), s.includeResourceData(), certificate, certificateId, s.reauthorizations(),
                    s.renewals() + 1);
            store(updated, req);
            return Response.json(200, render(updated, false).toString());
        }
    }

    private Response delete(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        synchronized (this) {
            EmulatedSubscription s = owned(req, caller);
            if (s == null) {
                return notFound(req);
            }
            subscriptions.remove(s.id());
            return Response.empty(204);
        }
    }

    private Response reauthorize(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        synchronized (this) {
            EmulatedSubscription s = owned(req, caller);
            if (s == null) {
                return notFound(req);
            }
            subscriptions.put(s.id(), new EmulatedSubscription(s.id(), s.applicationId(), s.creatorId(),
                    s.tenantId(), s.resource(), s.changeType(), s.notificationUrl(), s.lifecycleNotificationUrl(),
                    s.expirationDateTime(), s.clientState(), s.includeResourceData(), s.encryptionCertificate(),
                    s.encryptionCertificateId(), s.reauthorizations() + 1, s.renewals()));
            return Response.empty(204);
        }
    }

    // ---- rules ----------------------------------------------------------------------------------------------------

    /** The expiry Graph would store, or a 400 response. */
    private Object expiry(String value, String resource) {
        Instant requested;
        try {
            requested = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return error(400, "InvalidRequest", "expirationDateTime '" + value + "' is not a valid date.");
        }
        Instant now = emulator.clock().instant();
        if (!requested.isAfter(now)) {
            return error(400, "InvalidRequest", "Subscription expiration must be in the future.");
        }
        if (teams(resource)) {
            if (requested.isAfter(now.plus(Duration.ofMinutes(TEAMS_MAX_MINUTES)))) {
                return error(400, "InvalidRequest", "Subscription expiration can only be " + TEAMS_MAX_MINUTES
                        + " minutes in the future.");
            }
            Instant min = now.plus(Duration.ofMinutes(TEAMS_MIN_MINUTES));
            if (requested.isBefore(min)) {
                return min;
            }
        }
        return requested;
    }

    private static boolean teams(String resource) {
        String r = resource.toLowerCase(Locale.ROOT);
        return r.contains("chats") || r.contains("teams") || r.contains("/messages") || r.contains("channels");
    }

    private static Response checkUrl(String field, String url) {
        boolean ok = url.startsWith("https://") || loopbackHttp(url) || url.startsWith("EventHub:https://")
                || url.startsWith("EventGrid:?");
        return ok ? null : error(400, "InvalidRequest", "Invalid " + field + ": it must be an https URL, "
                + "an EventHub: URL or an EventGrid: URL.");
    }

    /** The emulator's one relaxation of Graph's https rule: plain http to this machine, for in-process receivers. */
    private static boolean loopbackHttp(String url) {
        if (!url.startsWith("http://")) {
            return false;
        }
        try {
            String host = URI.create(url).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Graph's endpoint validation for a webhook URL (https, or loopback http; Event Hubs and Event Grid URLs have
     * none): POST {@code ?validationToken=<random>} and expect, within 10 s, 200 with the token as
     * {@code text/plain}. Null when it passed (or handshakes are switched off); otherwise Graph's 400.
     */
    private Response handshake(String url) {
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            return null;
        }
        if (!webhookHandshakes) {
            return null;
        }
        handshakes.incrementAndGet();
        String token = "Validation: Testing client application reachability for subscription Request-Id: "
                + UUID.randomUUID();
        String target = url + (url.contains("?") ? "&" : "?") + "validationToken="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(target))
                    .timeout(HANDSHAKE_TIMEOUT).header("Content-Type", "text/plain; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() != 200) {
                return error(400, "ValidationError", "Subscription validation request failed. Notification "
                        + "endpoint must respond with 200 OK to validation request.");
            }
            if (!r.body().equals(token) || !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                return error(400, "ValidationError", "Subscription validation request failed. Response must "
                        + "exactly match validationToken query parameter.");
            }
            return null;
        } catch (HttpTimeoutException e) {
            return error(400, "ValidationError", "Subscription validation request failed. Notification endpoint "
                    + "must respond with 200 OK to validation request.");
        } catch (IOException | IllegalArgumentException e) {
            return error(400, "ValidationError", "Subscription validation request failed. Notification endpoint "
                    + "must respond with 200 OK to validation request.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(400, "ValidationError", "Subscription validation request was interrupted.");
        }
    }

    private static Response checkCertificate(String certificate, String certificateId) {
        if (certificateId.length() > 128) {
            return error(400, "InvalidRequest", "encryptionCertificateId must not be longer than 128 characters.");
        }
        try {
            X509Certificate c = certificate(certificate);
            if (!"RSA".equals(c.getPublicKey().getAlgorithm())) {
                return error(400, "InvalidRequest", "The encryption certificate must hold an RSA key.");
            }
            return null;
        } catch (Exception e) {
            return error(400, "InvalidRequest", "encryptionCertificate is not a base64 encoded X.509 certificate.");
        }
    }

    private static X509Certificate certificate(String base64) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    private synchronized void expire() {
        Instant now = emulator.clock().instant();
        subscriptions.values().removeIf(s -> !s.expirationDateTime().isAfter(now));
    }

    private EmulatedSubscription owned(Request req, IssuedToken caller) {
        expire();
        EmulatedSubscription s = subscriptions.get(req.pathParams().get(0));
        return s != null && s.applicationId().equals(caller.clientId()) ? s : null;
    }

    private ObjectNode render(EmulatedSubscription s, boolean echoClientState) {
        ObjectNode n = emulator.json().createObjectNode();
        n.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity");
        n.put("id", s.id());
        n.put("resource", s.resource());
        n.put("applicationId", s.applicationId());
        n.put("changeType", s.changeType());
        // Graph echoes clientState when creating; reads return null.
        n.put("clientState", echoClientState ? s.clientState() : null);
        n.put("notificationUrl", s.notificationUrl());
        n.put("lifecycleNotificationUrl", s.lifecycleNotificationUrl());
        n.put("expirationDateTime", s.expirationDateTime().toString());
        n.put("creatorId", s.creatorId());
        n.put("includeResourceData", s.includeResourceData());
        n.put("latestSupportedTlsVersion", "v1_2");
        n.put("encryptionCertificate", s.encryptionCertificate());
        n.put("encryptionCertificateId", s.encryptionCertificateId());
        n.putNull("notificationQueryOptions");
        n.putNull("notificationUrlAppId");
        return n;
    }

    private Response getMessage(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return unauthorized(req);
        }
        Response throttled = messageRateLimit.admit(caller.tenantId());
        if (throttled != null) {
            return throttled;
        }
        String chatId = java.net.URLDecoder.decode(req.pathParams().get(0), StandardCharsets.UTF_8);
        String messageId = java.net.URLDecoder.decode(req.pathParams().get(1), StandardCharsets.UTF_8);
        String m = messages.get(caller.tenantId() + "|" + chatId + "|" + messageId);
        return m == null ? error(404, "NotFound", "Resource not found.") : Response.json(200, m);
    }

    private JsonNode readJson(String text) {
        try {
            JsonNode n = emulator.json().readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private JsonNode readBody(Request req) {
        try {
            JsonNode n = emulator.json().readTree(req.body());
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private Response unauthorized(Request req) {
        String message = req.bearer() == null ? "Access token is empty."
                : "Access token has expired or is not yet valid.";
        return error(401, "InvalidAuthenticationToken", message)
                .withHeader("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
    }

    private static Response notFound(Request req) {
        return error(404, "ResourceNotFound", "The object was not found.");
    }

    static Response error(int status, String code, String message) {
        ObjectNode root = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ObjectNode inner = e.putObject("innerError");
        inner.put("date", Instant.now().toString());
        inner.put("request-id", UUID.randomUUID().toString());
        return Response.json(status, root.toString());
    }
}
