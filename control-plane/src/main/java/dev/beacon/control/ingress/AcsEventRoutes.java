package dev.beacon.control.ingress;


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

    private final DeliverySteps steps;
    private final IngressMetrics metrics;
    private final EventGridHandshakes handshakes;
    private final ObjectMapper json;
    private final byte[] keyDigest; // null: route not configured

    AcsEventRoutes(IngressSettings settings, DeliverySteps steps, IngressMetrics metrics, ObjectMapper json) {
        this.steps = steps;
        this.metrics = metrics;
        this.handshakes = new EventGridHandshakes(steps, metrics);
        this.json = json;
        this.keyDigest = settings.acsWebhookKey() == null ? null : sha256(settings.acsWebhookKey());
    }

    void options(Context ctx) {
        String integration = authorized(ctx);
        if (integration == null) {
            return;
        }
        handshakes.answerAbuseProtection(ctx, ROUTE_ACS, integration);
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
        List<JsonNode> events = handshakes.events(ctx, root, ROUTE_ACS, integration);
        if (events == null || handshakes.answeredValidation(ctx, events, ROUTE_ACS, integration)) {
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
