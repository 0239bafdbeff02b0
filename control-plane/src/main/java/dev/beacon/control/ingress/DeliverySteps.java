package dev.beacon.control.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.ingress.IngressMetrics.Rejection;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps every delivery route shares (Graph webhooks and Event Grid): resolve the integration, read the body
 * within the limit, parse it, answer 503 while no clientState is known, refuse with a counted reason, and forward
 * the raw body (answering only after Kafka acknowledged). Steps that answer the request return null or true.
 */
final class DeliverySteps {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverySteps.class);
    private static final Pattern INTEGRATION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final IngressSettings settings;
    private final AcceptedClientStates clientStates;
    private final Forwarder forwarder;
    private final IngressMetrics metrics;
    private final ObjectMapper json;

    DeliverySteps(IngressSettings settings, AcceptedClientStates clientStates, Forwarder forwarder,
                  IngressMetrics metrics, ObjectMapper json) {
        this.settings = settings;
        this.clientStates = clientStates;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.json = json;
    }

    /** The path's integration, or null after answering 404 when it is not a slug this ingress serves. */
    String integration(Context ctx) {
        String id = ctx.pathParam("integration");
        if (!INTEGRATION.matcher(id).matches() || !settings.serves(id)) {
            metrics.rejected(Rejection.UNKNOWN_INTEGRATION);
            plain(ctx, HttpStatus.NOT_FOUND, "not found");
            return null;
        }
        return id;
    }

    /** The body, or null after answering 413 when it is over the limit. */
    byte[] body(Context ctx, String route, String integration) {
        long declared = ctx.req().getContentLengthLong();
        int max = settings.maxBodyBytes();
        if (declared > max) {
            refuse(ctx, route, integration, Rejection.TOO_LARGE, "body over " + max + " bytes");
            return null;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                refuse(ctx, route, integration, Rejection.TOO_LARGE, "body over " + max + " bytes");
                return null;
            }
            return b;
        } catch (IOException e) {
            refuse(ctx, route, integration, Rejection.MALFORMED, "body not readable");
            return null;
        }
    }

    /** The body as JSON, or null after answering 400. */
    JsonNode parse(Context ctx, byte[] body, String route, String integration) {
        try {
            JsonNode n = json.readTree(body);
            if (n == null || n.isMissingNode()) {
                refuse(ctx, route, integration, Rejection.MALFORMED, "empty body");
                return null;
            }
            return n;
        } catch (JsonProcessingException e) {
            refuse(ctx, route, integration, Rejection.MALFORMED, "body is not JSON");
            return null;
        } catch (IOException e) {
            refuse(ctx, route, integration, Rejection.MALFORMED, "body not readable");
            return null;
        }
    }

    /**
     * True (and 503 answered) while no clientState has been exported yet: the ingress may start before the control
     * plane's first export, and a notification it cannot check yet is one Graph must retry, not one to refuse.
     */
    boolean notReady(Context ctx, String route, String integration) {
        if (clientStates.size() > 0 || clientStates.refreshed() > 0) {
            return false;
        }
        LOG.warn("{} {}: no clientState exported yet; answered 503", route, integration);
        metrics.unavailable("client-state");
        ctx.header("Retry-After", "5");
        plain(ctx, HttpStatus.SERVICE_UNAVAILABLE, "temporarily unavailable");
        return true;
    }

    /** Forwards the raw body; 202 once Kafka acknowledged, else 503 (the sender retries). */
    void forward(Context ctx, String route, String integration, String key, byte[] body, int count) {
        long started = System.nanoTime();
        boolean acked = forwarder.send(key, body, integration, route);
        metrics.kafkaSend(Duration.ofNanos(System.nanoTime() - started), acked);
        if (acked) {
            metrics.accepted(route, count);
            LOG.debug("{} {}: {} notification(s) forwarded in {} ms", route, integration, count,
                    (System.nanoTime() - started) / 1_000_000);
            ctx.status(HttpStatus.ACCEPTED);
        } else {
            LOG.warn("{} {}: {} notification(s) NOT forwarded (Kafka unavailable); answered 503", route, integration,
                    count);
            metrics.unavailable("kafka");
            ctx.header("Retry-After", "1");
            plain(ctx, HttpStatus.SERVICE_UNAVAILABLE, "temporarily unavailable");
        }
    }

    /** Forwards one record per event; 200 once Kafka acknowledged them all, else 503 (the sender retries). */
    void forwardEach(Context ctx, String route, String integration, java.util.List<Forwarder.Keyed> records) {
        long started = System.nanoTime();
        boolean acked = forwarder.sendEach(records, integration, route);
        metrics.kafkaSend(Duration.ofNanos(System.nanoTime() - started), acked);
        if (acked) {
            metrics.accepted(route, records.size());
            LOG.debug("{} {}: {} event(s) forwarded in {} ms", route, integration, records.size(),
                    (System.nanoTime() - started) / 1_000_000);
            ctx.status(HttpStatus.OK);
        } else {
            LOG.warn("{} {}: {} event(s) NOT forwarded (Kafka unavailable); answered 503", route, integration,
                    records.size());
            metrics.unavailable("kafka");
            ctx.header("Retry-After", "1");
            plain(ctx, HttpStatus.SERVICE_UNAVAILABLE, "temporarily unavailable");
        }
    }

    void refuse(Context ctx, String route, String integration, Rejection rejection, String reason) {
        HttpStatus status = switch (rejection) {
            case CLIENT_STATE, VALIDATION_TOKEN -> HttpStatus.FORBIDDEN;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case MALFORMED -> HttpStatus.BAD_REQUEST;
            case UNKNOWN_INTEGRATION -> HttpStatus.NOT_FOUND;
            case KEY -> HttpStatus.UNAUTHORIZED;
        };
        metrics.rejected(rejection);
        LOG.warn("{} {}: refused {} ({})", route, integration, status.getCode(), LogSafe.clean(reason));
        plain(ctx, status, reason);
    }

    static void plain(Context ctx, HttpStatus status, String text) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(LogSafe.clean(text));
    }
}
