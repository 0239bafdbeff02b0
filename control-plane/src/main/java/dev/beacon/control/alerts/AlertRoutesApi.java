package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.http.RequestBodies;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API of alert routes (admin token required):
 * <ul>
 *   <li>{@code GET /api/alerts[?integration=ID]}: routes ({@link AlertRoute}; URLs redacted, secrets never);</li>
 *   <li>{@code POST /api/integrations/{id}/alerts} ({@link NewAlertRoute}): {@link AddedAlertRoute}, with a
 *       generated webhook secret shown this once;</li>
 *   <li>{@code DELETE /api/integrations/{id}/alerts/{route}}: 204, 404 when there is no such route;</li>
 *   <li>{@code POST /api/integrations/{id}/alerts/{route}/test}: sends a sample alert (a test call, not recorded)
 *       now; 200 {@code {"delivered":true}} or 502 {@code {"error": "HTTP 404"}}.</li>
 * </ul>
 */
public final class AlertRoutesApi {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRoutesApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertRouteStore routes;
    private final Map<AlertChannel, AlertSender> senders;

    public AlertRoutesApi(AlertRouteStore routes, Map<AlertChannel, AlertSender> senders) {
        this.routes = routes;
        this.senders = senders;
    }

    public void register(RoutesConfig r) {
        r.get("/api/alerts", ctx -> ctx.json(routes.list(ctx.queryParam("integration"))));
        r.post("/api/integrations/{id}/alerts", ctx -> {
            AddedAlertRoute added = routes.add(ctx.pathParam("id"), RequestBodies.read(ctx, NewAlertRoute.class));
            LOG.info("alert route {} ({}, {} calls) added to integration {}", added.route().routeId(),
                    added.route().channel(), added.route().calls(), added.route().integrationId());
            ctx.json(added);
        });
        r.delete("/api/integrations/{id}/alerts/{route}", ctx -> {
            if (!routes.remove(ctx.pathParam("id"), ctx.pathParam("route"))) {
                throw new NoSuchElementException("integration '" + ctx.pathParam("id") + "' has no alert route '"
                        + ctx.pathParam("route") + "'");
            }
            LOG.info("alert route {} removed from integration {}", ctx.pathParam("route"), ctx.pathParam("id"));
            ctx.status(HttpStatus.NO_CONTENT);
        });
        r.post("/api/integrations/{id}/alerts/{route}/test", ctx -> {
            AlertRoute route = routes.get(ctx.pathParam("route"))
                    .filter(x -> x.integrationId().equals(ctx.pathParam("id")))
                    .orElseThrow(() -> new NoSuchElementException("integration '" + ctx.pathParam("id")
                            + "' has no alert route '" + ctx.pathParam("route") + "'"));
            String error = sendSample(route);
            LOG.info("sample alert on route {}: {}", route.routeId(), error == null ? "delivered" : error);
            if (error == null) {
                ctx.json(Map.of("delivered", true));
            } else {
                ctx.status(HttpStatus.BAD_GATEWAY).json(Map.of("error", error));
            }
        });
    }

    /** Sends a sample test-call alert; returns null when delivered, else the safe failure detail. */
    private String sendSample(AlertRoute route) {
        AlertSender sender = senders.get(route.channelKind());
        if (sender == null) {
            return "no " + route.channel() + " sender configured (e-mail needs BEACON_SMTP_HOST and BEACON_SMTP_FROM)";
        }
        var doc = JSON.createObjectNode();
        Instant now = Instant.now();
        String factId = UUID.randomUUID().toString();
        doc.put("fact_id", factId).put("kind", "emergency").put("tenant_id", "sample")
                .put("caller_display_name", "Sample caller (beaconctl alerts test)").put("dialed_number", "933")
                .put("is_test_call", true).put("location_text", "Sample location").put("call_started_at",
                        now.toString()).put("detected_at", now.toString()).put("revision", 1);
        AlertFact fact = new AlertFact(factId, null, "sample", 1, true, now, List.of(), doc);
        var lines = AlertSummary.lines(fact);
        try {
            sender.send(routes.target(route), new Alert(UUID.randomUUID(), fact, false, AlertSummary.title(fact, lines),
                    lines, List.of(), null, null));
            return null;
        } catch (DeliveryFailure e) {
            return e.getMessage();
        }
    }
}
