package dev.beacon.control.ingress;

import static dev.beacon.control.ingress.WebhookIngress.SUBSCRIPTION_VALIDATION;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.control.ingress.IngressMetrics.Rejection;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Event Grid webhook route answers the same way, whatever it forwards (Graph notifications as CloudEvents,
 * ACS events): the CloudEvents abuse-protection {@code OPTIONS} handshake, the Event Grid
 * {@code SubscriptionValidationEvent}, and the split of a delivery into its events (one, or a batch).
 */
final class EventGridHandshakes {

    private static final Logger LOG = LoggerFactory.getLogger(EventGridHandshakes.class);

    private final DeliverySteps steps;
    private final IngressMetrics metrics;

    EventGridHandshakes(DeliverySteps steps, IngressMetrics metrics) {
        this.steps = steps;
        this.metrics = metrics;
    }

    /** CloudEvents abuse protection: allows the requesting origin, at any rate (or refuses a malformed request). */
    void answerAbuseProtection(Context ctx, String route, String integration) {
        String origin = ctx.header("WebHook-Request-Origin");
        if (origin == null || origin.isBlank() || origin.length() > 255 || !LogSafe.clean(origin).equals(origin)) {
            steps.refuse(ctx, route, integration, Rejection.MALFORMED, "no WebHook-Request-Origin");
            return;
        }
        LOG.info("{} {}: CloudEvents abuse-protection handshake answered for origin {}", route, integration,
                LogSafe.clean(origin));
        metrics.handshake(route);
        ctx.header("WebHook-Allowed-Origin", origin);
        ctx.header("WebHook-Allowed-Rate", "*");
        ctx.header("Allow", "POST, OPTIONS");
        ctx.status(HttpStatus.OK);
    }

    /** The delivery's events (an array, or one object); null when it was refused as malformed. */
    List<JsonNode> events(Context ctx, JsonNode root, String route, String integration) {
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(events::add);
        } else {
            events.add(root);
        }
        if (events.isEmpty() || !events.stream().allMatch(JsonNode::isObject)) {
            steps.refuse(ctx, route, integration, Rejection.MALFORMED, "not an event or a batch of events");
            return null;
        }
        return events;
    }

    /**
     * Answers an Event Grid subscription validation ({@code {"validationResponse": code}}, or a refusal when it has no
     * usable code); false when the delivery is not one, so the route goes on.
     */
    boolean answeredValidation(Context ctx, List<JsonNode> events, String route, String integration) {
        JsonNode first = events.get(0);
        if (!SUBSCRIPTION_VALIDATION.equals(first.path("eventType").textValue())) {
            return false;
        }
        String code = first.path("data").path("validationCode").textValue();
        if (code == null || code.length() > 1024) {
            steps.refuse(ctx, route, integration, Rejection.MALFORMED, "validation event without code");
            return true;
        }
        LOG.info("{} {}: Event Grid subscription validation answered", route, integration);
        metrics.handshake(route);
        ctx.status(HttpStatus.OK).json(Map.of("validationResponse", code));
        return true;
    }
}
