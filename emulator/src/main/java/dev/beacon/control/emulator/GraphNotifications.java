package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Graph's change-notification publisher as the emulator plays it: rich {@code chatMessage} notifications POSTed to a
 * subscription's webhook, with {@code encryptedContent} for the subscription's certificate and a
 * {@code validationTokens} JWT signed by the emulator's key, whose public half is served as a JWKS at
 * {@code /common/discovery/v2.0/keys} (like {@code login.microsoftonline.com}). Tests can make Graph lose the next
 * N notifications of a subscription.
 */
public final class GraphNotifications {

    /** What {@link #deliver} returns when the notification was dropped (never sent). */
    public static final int DROPPED = 0;

    /** The app id Graph's change-notification service signs validation tokens as. */
    public static final String GRAPH_PUBLISHER = "0bf30f3b-4a52-48df-9a82-234910c4a086";

    private final MicrosoftEmulator emulator;
    private final RSAKey key;
    private final Map<String, AtomicInteger> toDrop = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> dropped = new ConcurrentHashMap<>();
    private final Map<String, List<String>> sent = new ConcurrentHashMap<>();
    private volatile BiConsumer<EmulatedSubscription, String> eventHubs;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    GraphNotifications(MicrosoftEmulator emulator) {
        this.emulator = emulator;
        try {
            this.key = new RSAKeyGenerator(2048).keyID("emulator-" + UUID.randomUUID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        emulator.route("GET", "/common/discovery/v2\\.0/keys", req -> Response.json(200,
                new JWKSet(List.<JWK>of(key.toPublicJWK())).toString()));
    }

    /** The URL of the emulator's JWKS (what an ingress's {@code BEACON_INGRESS_JWKS_URL} points at). */
    public URI jwksUrl() {
        return emulator.baseUri().resolve("/common/discovery/v2.0/keys");
    }

    /** The key id the emulator signs validation tokens with. */
    public String keyId() {
        return key.getKeyID();
    }

    /** The next {@code n} deliveries for {@code subscriptionId} are silently not sent (Graph losing them). */
    public void dropNext(String subscriptionId, int n) {
        toDrop.computeIfAbsent(subscriptionId, k -> new AtomicInteger()).addAndGet(n);
    }

    /** How many deliveries for {@code subscriptionId} were dropped so far. */
    public int dropped(String subscriptionId) {
        return count(dropped, subscriptionId);
    }

    /** The bodies POSTed for {@code subscriptionId} so far (whatever the receiver answered), oldest first. */
    public List<String> sent(String subscriptionId) {
        return List.copyOf(sent.getOrDefault(subscriptionId, List.of()));
    }

    /**
     * Sends a {@code created} notification about {@code chatMessageJson} (a Graph chatMessage with {@code id} and
     * {@code chatId}) to the subscription's notificationUrl, as Graph does for rich notifications, and returns the
     * HTTP status the receiver answered, or {@link #DROPPED}.
     */
    public int deliver(String subscriptionId, String chatMessageJson) {
        EmulatedSubscription s = emulator.graph().subscription(subscriptionId)
                .orElseThrow(() -> new IllegalArgumentException("no subscription " + subscriptionId));
        boolean eventHub = s.notificationUrl().startsWith("EventHub:");
        if (!eventHub && !s.notificationUrl().startsWith("https://") && !s.notificationUrl().startsWith("http://")) {
            throw new IllegalArgumentException("subscription " + subscriptionId + " is neither a webhook nor an "
                    + "Event Hubs subscription");
        }
        BiConsumer<EmulatedSubscription, String> hub = eventHubs;
        if (eventHub && hub == null) {
            throw new IllegalStateException("an Event Hubs subscription, but no event hub: call deliverEventHubsTo");
        }
        // Graph has the message whether or not it tells anyone: GET and the lists (backfill) find it.
        JsonNode message = readMessage(chatMessageJson);
        emulator.graph().putMessage(s.tenantId(), message.path("chatId").asText(), chatMessageJson);
        AtomicInteger drops = toDrop.get(subscriptionId);
        if (drops != null && drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            dropped.computeIfAbsent(subscriptionId, k -> new AtomicInteger()).incrementAndGet();
            return DROPPED;
        }
        String body = collection(s, chatMessageJson);
        sent.computeIfAbsent(subscriptionId, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(body);
        if (eventHub) {
            hub.accept(s, body);
            return 200;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.notificationUrl()))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("delivery to the notification URL failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Where deliveries to {@code EventHub:} subscriptions go: the event hub, that is, a test's Kafka producer
     * writing the body to the job's input topic (Graph writes its own JSON there, never CloudEvents).
     */
    public void deliverEventHubsTo(BiConsumer<EmulatedSubscription, String> eventHub) {
        this.eventHubs = eventHub;
    }

    /** The event hub set by {@link #deliverEventHubsTo}, or null (other publishers deliver there too). */
    BiConsumer<EmulatedSubscription, String> eventHub() {
        return eventHubs;
    }

    private JsonNode readMessage(String chatMessageJson) {
        JsonNode message;
        try {
            message = emulator.json().readTree(chatMessageJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: a chatMessage was expected", e);
        }
        if (message.path("id").asText(null) == null || message.path("chatId").asText(null) == null) {
            throw new IllegalArgumentException("the chatMessage needs id and chatId");
        }
        return message;
    }

    /**
     * The collection {@link #deliver} would send (a fresh encryption and token each call): a rich notification
     * with validation tokens when the subscription includes resource data, else a basic one (ids only, as Graph
     * sends without {@code includeResourceData}).
     */
    public String collection(EmulatedSubscription s, String chatMessageJson) {
        JsonNode message = readMessage(chatMessageJson);
        String messageId = message.path("id").asText();
        String chatId = message.path("chatId").asText();
        if (s.includeResourceData() && s.encryptionCertificate() == null) {
            throw new IllegalArgumentException("subscription " + s.id() + " has no encryption certificate");
        }
        String resource = "chats('" + chatId + "')/messages('" + messageId + "')";
        ObjectNode root = emulator.json().createObjectNode();
        ObjectNode item = root.putArray("value").addObject();
        item.put("subscriptionId", s.id());
        item.put("changeType", "created");
        item.put("clientState", s.clientState());
        item.put("subscriptionExpirationDateTime", s.expirationDateTime().toString());
        item.put("resource", resource);
        ObjectNode data = item.putObject("resourceData");
        data.put("id", messageId);
        data.put("@odata.type", "#Microsoft.Graph.chatMessage");
        data.put("@odata.id", resource);
        item.put("tenantId", s.tenantId());
        if (!s.includeResourceData()) {
            return root.toString();
        }
        ObjectNode encrypted = item.putObject("encryptedContent");
        GraphEndpoints.encryptFor(s.encryptionCertificate(), s.encryptionCertificateId(), chatMessageJson)
                .forEach(encrypted::put);
        root.putArray("validationTokens").add(validationToken(s.tenantId(), s.applicationId()));
        return root.toString();
    }

    /** A validation token as Graph signs it: RS256, v1 issuer for {@code tenant}, audience {@code appId}, 1 h. */
    public String validationToken(String tenant, String appId) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://sts.windows.net/" + tenant + "/")
                .audience(appId)
                .claim("appid", GRAPH_PUBLISHER)
                .claim("appidacr", "2")
                .claim("tid", tenant)
                .issueTime(Date.from(now.minus(Duration.ofMinutes(5))))
                .notBeforeTime(Date.from(now.minus(Duration.ofMinutes(5))))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(Map<String, AtomicInteger> m, String id) {
        AtomicInteger c = m.get(id);
        return c == null ? 0 : c.get();
    }
}
