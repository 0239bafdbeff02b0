package dev.beacon.control.ingress;

import static dev.beacon.control.ingress.WebhookIngress.ROUTE_EVENTGRID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.ingress.IngressMetrics.Rejection;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Event Grid routes of {@link WebhookIngress}:
 * <ul>
 *   <li>{@code OPTIONS /webhooks/eventgrid/{integration}}: CloudEvents abuse protection, 200 with
 *       {@code WebHook-Allowed-Origin}.</li>
 *   <li>{@code POST /webhooks/eventgrid/{integration}}: a {@code SubscriptionValidationEvent} is answered
 *       {@code {"validationResponse": code}}; CloudEvents 1.0 (one, or a batch) are forwarded unchanged when every
 *       event's Graph notifications carry an accepted {@code clientState}, else the whole delivery is refused.</li>
 * </ul>
 */
final class EventGridRoutes {


    private final DeliverySteps steps;
    private final AcceptedClientStates clientStates;
    private final IngressMetrics metrics;
    private final EventGridHandshakes handshakes;
    private final ObjectMapper json;

    EventGridRoutes(DeliverySteps steps, AcceptedClientStates clientStates, IngressMetrics metrics,
                    ObjectMapper json) {
        this.steps = steps;
        this.clientStates = clientStates;
        this.metrics = metrics;
        this.handshakes = new EventGridHandshakes(steps, metrics);
        this.json = json;
    }

    /** CloudEvents abuse-protection handshake: allows the requesting origin, at any rate. */
    void options(Context ctx) {
        String integration = steps.integration(ctx);
        if (integration == null) {
            return;
        }
        handshakes.answerAbuseProtection(ctx, ROUTE_EVENTGRID, integration);
    }

    /** A subscription validation event, or a CloudEvent (batch) to forward. */
    void post(Context ctx) {
        String integration = steps.integration(ctx);
        if (integration == null) {
            return;
        }
        byte[] body = steps.body(ctx, ROUTE_EVENTGRID, integration);
        if (body == null) {
            return;
        }
        JsonNode root = steps.parse(ctx, body, ROUTE_EVENTGRID, integration);
        if (root == null) {
            return;
        }
        List<JsonNode> events = handshakes.events(ctx, root, ROUTE_EVENTGRID, integration);
        if (events == null || handshakes.answeredValidation(ctx, events, ROUTE_EVENTGRID, integration)) {
            return;
        }
        if (steps.notReady(ctx, ROUTE_EVENTGRID, integration)) {
            return;
        }
        for (JsonNode event : events) {
            if (!"1.0".equals(event.path("specversion").textValue())) {
                steps.refuse(ctx, ROUTE_EVENTGRID, integration, Rejection.MALFORMED,
                        "not a CloudEvent 1.0 (deliver with the CloudEvents schema)");
                return;
            }
            List<JsonNode> items = notificationsOf(event);
            if (items.isEmpty() || !items.stream().allMatch(i -> i.isObject()
                    && clientStates.accepts(i.path("clientState").textValue()))) {
                steps.refuse(ctx, ROUTE_EVENTGRID, integration, Rejection.CLIENT_STATE, "clientState not accepted");
                return;
            }
        }
        steps.forward(ctx, ROUTE_EVENTGRID, integration, integration, body, events.size());
    }

    /** The Graph notifications in a CloudEvent's data: a collection's items, or the one notification. */
    private List<JsonNode> notificationsOf(JsonNode event) {
        JsonNode data = event.get("data");
        if (data == null && event.path("data_base64").isTextual()) {
            try {
                data = json.readTree(Base64.getDecoder().decode(event.get("data_base64").textValue()));
            } catch (IOException | IllegalArgumentException e) {
                return List.of();
            }
        }
        if (data == null || !data.isObject()) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        if (data.path("value").isArray()) {
            data.path("value").forEach(out::add);
        } else {
            out.add(data);
        }
        return out;
    }
}
