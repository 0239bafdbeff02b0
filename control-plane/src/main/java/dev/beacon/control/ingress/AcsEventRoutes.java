package dev.beacon.control.ingress;

import static dev.beacon.control.ingress.WebhookIngress.SUBSCRIPTION_VALIDATION;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.ingress.IngressMetrics.Rejection;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route for Azure Communication Services events through an Event Grid webhook subscription (e.g.
 * {@code Microsoft.Communication.IncomingCall} of the security lines), {@code /webhooks/acs/{integration}?key=…}:
 * <ul>
 *   <li>answers 404 unless {@code BEACON_ACS_WEBHOOK_KEY[_FILE]} is configured (and for unknown integrations);</li>
 *   <li>401 unless {@code ?key=} equals it (compared in constant time; the key is never logged);</li>
 *   <li>{@code OPTIONS}: the CloudEvents abuse-protection handshake (echoes {@code WebHook-Request-Origin});</li>
 *   <li>{@code POST} of an Event Grid {@code SubscriptionValidationEvent}: 200 {@code {"validationResponse":…}};</li>
 *   <li>{@code POST} of events, Event Grid schema (an array) or CloudEvents 1.0 (one, or a batch): each event is
 *       forwarded as its own Kafka record, its bytes exactly as received, keyed by {@code data.correlationId}
 *       (so a call's events stay in order) or else its {@code id}; 200 once Kafka acknowledged all of them, 503
 *       otherwise (Event Grid retries the delivery; records stored before a failure then come twice, and the job
 *       deduplicates).</li>
 * </ul>
 * ACS events carry no clientState or Graph validation token: the key is what authenticates Event Grid here.
 */
final class AcsEventRoutes {

    static final String ROUTE_ACS = "acs";
    private static final Logger LOG = LoggerFactory.getLogger(AcsEventRoutes.class);

    private final DeliverySteps steps;
    private final IngressMetrics metrics;
    private final ObjectMapper json;
    private final byte[] keyDigest; // null: route not configured

    AcsEventRoutes(IngressSettings settings, DeliverySteps steps, IngressMetrics metrics, ObjectMapper json) {
        this.steps = steps;
        this.metrics = metrics;
        this.json = json;
        this.keyDigest = settings.acsWebhookKey() == null ? null : sha256(settings.acsWebhookKey());
    }

    void options(Context ctx) {
        String integration = authorized(ctx);
        if (integration == null) {
            return;
        }
        String origin = ctx.header("WebHook-Request-Origin");
        if (origin == null || origin.isBlank() || origin.length() > 255 || !LogSafe.clean(origin).equals(origin)) {
            steps.refuse(ctx, ROUTE_ACS, integration, Rejection.MALFORMED, "no WebHook-Request-Origin");
            return;
        }
        LOG.info("{} {}: CloudEvents abuse-protection handshake answered for origin {}", ROUTE_ACS, integration,
                LogSafe.clean(origin));
        metrics.handshake(ROUTE_ACS);
        ctx.header("WebHook-Allowed-Origin", origin);
        ctx.header("WebHook-Allowed-Rate", "*");
        ctx.header("Allow", "POST, OPTIONS");
        ctx.status(HttpStatus.OK);
    }

    void post(Context ctx) {
        String integration = authorized(ctx);
        if (integration == null) {
            return;
        }
        byte[] body = steps.body(ctx, ROUTE_ACS, integration);
        if (body == null) {
            return;
        }
        JsonNode root = steps.parse(ctx, body, ROUTE_ACS, integration);
        if (root == null) {
            return;
        }
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(events::add);
        } else {
            events.add(root);
        }
        if (events.isEmpty() || !events.stream().allMatch(JsonNode::isObject)) {
            steps.refuse(ctx, ROUTE_ACS, integration, Rejection.MALFORMED, "not an event or a batch of events");
            return;
        }
        JsonNode first = events.get(0);
        if (SUBSCRIPTION_VALIDATION.equals(first.path("eventType").textValue())) {
            String code = first.path("data").path("validationCode").textValue();
            if (code == null || code.length() > 1024) {
                steps.refuse(ctx, ROUTE_ACS, integration, Rejection.MALFORMED, "validation event without code");
                return;
            }
            LOG.info("{} {}: Event Grid subscription validation answered", ROUTE_ACS, integration);
            metrics.handshake(ROUTE_ACS);
            ctx.status(HttpStatus.OK).json(Map.of("validationResponse", code));
            return;
        }
        for (JsonNode e : events) {
            boolean eventGrid = e.path("eventType").isTextual() && e.path("id").isTextual();
            boolean cloudEvent = "1.0".equals(e.path("specversion").textValue()) && e.path("type").isTextual()
                    && e.path("id").isTextual();
            if (!eventGrid && !cloudEvent) {
                steps.refuse(ctx, ROUTE_ACS, integration, Rejection.MALFORMED,
                        "not an Event Grid event or a CloudEvent 1.0");
                return;
            }
        }
        List<byte[]> raw = root.isArray() ? elements(body) : List.of(body);
        if (raw.size() != events.size()) {
            steps.refuse(ctx, ROUTE_ACS, integration, Rejection.MALFORMED, "events not readable one by one");
            return;
        }
        List<Forwarder.Keyed> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            records.add(new Forwarder.Keyed(keyOf(events.get(i)), raw.get(i)));
        }
        steps.forwardEach(ctx, ROUTE_ACS, integration, records);
    }

    /** The integration, or null after answering 404 (route off, unknown integration) or 401 (wrong key). */
    private String authorized(Context ctx) {
        if (keyDigest == null) {
            metrics.rejected(Rejection.UNKNOWN_INTEGRATION);
            DeliverySteps.plain(ctx, HttpStatus.NOT_FOUND, "not found");
            return null;
        }
        String integration = steps.integration(ctx);
        if (integration == null) {
            return null;
        }
        String key = ctx.queryParam("key");
        // Digests have one length, so the comparison's time says nothing about the key's length or content.
        if (key == null || !MessageDigest.isEqual(keyDigest, sha256(key))) {
            steps.refuse(ctx, ROUTE_ACS, integration, Rejection.KEY, "missing or wrong key");
            return null;
        }
        return integration;
    }

    /** A call's events together: {@code data.correlationId}, else the event id. */
    private static String keyOf(JsonNode event) {
        String correlation = event.path("data").path("correlationId").textValue();
        return correlation != null && !correlation.isBlank() ? correlation : event.path("id").textValue();
    }

    /** The bytes of each element of a JSON array, exactly as received. */
    private List<byte[]> elements(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return out;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                out.add(Arrays.copyOfRange(body, start, end));
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
