package dev.beacon.control.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.ingress.IngressMetrics.Rejection;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internet-facing receiver for Graph change notifications delivered by webhook, and for Event Grid deliveries
 * ({@link EventGridRoutes}; the steps both share are in {@link DeliverySteps}).
 * It runs as its own process ({@code beaconctl ingress}) holding no vault key and no Graph token: it checks a
 * delivery, forwards the raw body to the job's topic, and answers only after Kafka acknowledged it.
 *
 * <p>Routes ({@code {integration}} is a slug, {@code [a-z0-9][a-z0-9_-]{0,62}}, and one of
 * {@code BEACON_INGRESS_INTEGRATIONS} when that is set; anything else is 404):
 * <ul>
 *   <li>{@code POST /webhooks/graph/{integration}} and {@code POST /webhooks/graph/{integration}/lifecycle}:
 *       with {@code ?validationToken=}: 200 {@code text/plain}, the decoded token (the subscription handshake);
 *       otherwise a Graph collection {@code {"value":[...]}}. Every item's {@code clientState} must be accepted and,
 *       when the collection has rich (encrypted) content or {@code validationTokens}, every token must verify
 *       ({@link ValidationTokenVerifier}). One bad item refuses the whole delivery (403) and nothing is forwarded:
 *       the body is forwarded unchanged, so it cannot be forwarded in part, and a batch with a forged item is not
 *       trusted. 202 once Kafka acknowledged; 503 when it did not in time, or when the JWKS could not be fetched
 *       (Graph retries).</li>
 *   <li>{@code OPTIONS /webhooks/eventgrid/{integration}}: CloudEvents abuse protection, 200 with
 *       {@code WebHook-Allowed-Origin}.</li>
 *   <li>{@code POST /webhooks/eventgrid/{integration}}: an Event Grid {@code SubscriptionValidationEvent} is answered
 *       {@code {"validationResponse": code}}; CloudEvents (one, or a batch) are forwarded like Graph collections,
 *       each event's notifications needing an accepted {@code clientState}.</li>
 *   <li>{@code OPTIONS/POST /webhooks/acs/{integration}?key=…}: Azure Communication Services events through Event
 *       Grid ({@link AcsEventRoutes}), one Kafka record per event; 404 unless {@code BEACON_ACS_WEBHOOK_KEY} is
 *       set.</li>
 * </ul>
 * Bodies over the limit are refused with 413 before they are read in full. Bodies, tokens and secrets are never
 * logged; logged values from the request have control characters escaped.
 */
public final class WebhookIngress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);

    static final String ROUTE_NOTIFICATIONS = "graph";
    static final String ROUTE_LIFECYCLE = "graph-lifecycle";
    static final String ROUTE_EVENTGRID = "eventgrid";
    static final String SUBSCRIPTION_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";

    private static final String ROUTE_ATTRIBUTE = "beacon.ingress.route";
    private static final int MAX_VALIDATION_TOKEN = 8 * 1024;

    private final IngressSettings settings;
    private final AcceptedClientStates clientStates;
    private final ValidationTokenVerifier tokens;
    private final IngressMetrics metrics;
    private final DeliverySteps steps;
    private final EventGridRoutes eventGrid;
    private final AcsEventRoutes acs;
    private Javalin app;

    public WebhookIngress(IngressSettings settings, AcceptedClientStates clientStates, ValidationTokenVerifier tokens,
                          Forwarder forwarder) {
        this(settings, clientStates, tokens, forwarder, new IngressMetrics());
    }

    public WebhookIngress(IngressSettings settings, AcceptedClientStates clientStates, ValidationTokenVerifier tokens,
                          Forwarder forwarder, IngressMetrics metrics) {
        this.settings = Objects.requireNonNull(settings);
        this.clientStates = Objects.requireNonNull(clientStates);
        this.tokens = Objects.requireNonNull(tokens);
        this.metrics = Objects.requireNonNull(metrics);
        ObjectMapper json = new ObjectMapper();
        this.steps = new DeliverySteps(settings, clientStates, Objects.requireNonNull(forwarder), metrics, json);
        this.eventGrid = new EventGridRoutes(steps, clientStates, metrics, json);
        this.acs = new AcsEventRoutes(settings, steps, metrics, json);
    }

    /** Binds and serves (HTTPS when a keystore is configured); port 0 picks a free port (see {@link #port()}). */
    public synchronized WebhookIngress start() {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            if (settings.tlsKeystore() != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStorePath(settings.tlsKeystore().toString());
                    ssl.setKeyStorePassword(settings.tlsKeystorePassword());
                    ssl.setKeyStoreType("PKCS12");
                    var https = new org.eclipse.jetty.server.HttpConfiguration(httpConfig);
                    https.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector c = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
                    c.setHost(settings.host());
                    c.setPort(settings.port());
                    return c;
                });
            }
            routes(config.routes);
        });
        if (settings.tlsKeystore() != null) {
            app.start();
        } else {
            app.start(settings.host(), settings.port());
        }
        LOG.info("webhook ingress listening on {}://{}:{}, forwarding to topic {}",
                settings.tlsKeystore() == null ? "http" : "https", settings.host(), port(), settings.topic());
        return this;
    }

    public int port() {
        var connectors = app.jettyServer().server().getConnectors();
        for (var c : connectors) {
            if (c instanceof ServerConnector sc && sc.getLocalPort() > 0) {
                return sc.getLocalPort();
            }
        }
        return app.port();
    }

    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    private void routes(RoutesConfig r) {
        r.before(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Content-Type-Options", "nosniff");
        });
        r.post("/webhooks/graph/{integration}", ctx -> graph(routed(ctx, ROUTE_NOTIFICATIONS), ROUTE_NOTIFICATIONS));
        r.post("/webhooks/graph/{integration}/lifecycle",
                ctx -> graph(routed(ctx, ROUTE_LIFECYCLE), ROUTE_LIFECYCLE));
        r.options("/webhooks/eventgrid/{integration}", ctx -> eventGrid.options(routed(ctx, ROUTE_EVENTGRID)));
        r.post("/webhooks/eventgrid/{integration}", ctx -> eventGrid.post(routed(ctx, ROUTE_EVENTGRID)));
        r.options("/webhooks/acs/{integration}", ctx -> acs.options(routed(ctx, AcsEventRoutes.ROUTE_ACS)));
        r.post("/webhooks/acs/{integration}", ctx -> acs.post(routed(ctx, AcsEventRoutes.ROUTE_ACS)));
        r.get("/healthz", ctx -> routed(ctx, "healthz").contentType("text/plain").result("ok"));
        // load balancers probe with HEAD too
        r.head("/healthz", ctx -> routed(ctx, "healthz").contentType("text/plain"));
        // Every answer, 404s and errors included; the route label is a fixed word, never the request's path.
        r.after(ctx -> {
            String route = ctx.attribute(ROUTE_ATTRIBUTE);
            metrics.request(route == null ? "other" : route, ctx.statusCode());
        });
        r.error(404, ctx -> ctx.contentType("text/plain").result("not found"));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed: {}", ctx.method(), LogSafe.clean(ctx.path()), e.getClass().getName());
            DeliverySteps.plain(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
        });
    }

    private static Context routed(Context ctx, String route) {
        ctx.attribute(ROUTE_ATTRIBUTE, route);
        return ctx;
    }

    // ---- Graph ----

    private void graph(Context ctx, String route) {
        String integration = steps.integration(ctx);
        if (integration == null) {
            return;
        }
        String validationToken = ctx.queryParam("validationToken");
        if (validationToken != null) {
            if (validationToken.length() > MAX_VALIDATION_TOKEN) {
                steps.refuse(ctx, route, integration, Rejection.MALFORMED, "validation token too long");
                return;
            }
            LOG.info("{} {}: subscription validation handshake answered", route, integration);
            metrics.handshake(route);
            ctx.status(HttpStatus.OK).contentType("text/plain; charset=utf-8").result(validationToken);
            return;
        }
        byte[] body = steps.body(ctx, route, integration);
        if (body == null) {
            return;
        }
        JsonNode root = steps.parse(ctx, body, route, integration);
        if (root == null) {
            return;
        }
        JsonNode items = root.path("value");
        if (!root.isObject() || !items.isArray() || items.isEmpty()) {
            steps.refuse(ctx, route, integration, Rejection.MALFORMED, "not a Graph notification collection");
            return;
        }
        if (steps.notReady(ctx, route, integration)) {
            return;
        }
        Set<String> tenants = new LinkedHashSet<>();
        Set<String> richTenants = new HashSet<>();
        for (JsonNode item : items) {
            if (!item.isObject() || !clientStates.accepts(item.path("clientState").textValue())) {
                steps.refuse(ctx, route, integration, Rejection.CLIENT_STATE, "clientState not accepted");
                return;
            }
            String tenant = item.path("tenantId").textValue();
            if (tenant != null) {
                tenants.add(tenant);
            }
            if (item.has("encryptedContent")) {
                if (tenant == null) {
                    steps.refuse(ctx, route, integration, Rejection.VALIDATION_TOKEN,
                            "rich notification without tenantId");
                    return;
                }
                richTenants.add(tenant);
            }
        }
        JsonNode tokenArray = root.path("validationTokens");
        if (!richTenants.isEmpty() || !tokenArray.isMissingNode()) {
            List<String> list = new ArrayList<>();
            if (tokenArray.isArray()) {
                for (JsonNode t : tokenArray) {
                    list.add(t.isTextual() ? t.textValue() : "");
                }
            }
            try {
                tokens.verify(list, tenants, richTenants);
            } catch (ValidationTokenVerifier.Rejected e) {
                steps.refuse(ctx, route, integration, Rejection.VALIDATION_TOKEN, e.getMessage());
                return;
            } catch (ValidationTokenVerifier.KeysUnavailable e) {
                LOG.warn("{} {}: {}; answered 503", route, integration, e.getMessage());
                metrics.unavailable("jwks");
                ctx.header("Retry-After", "1");
                DeliverySteps.plain(ctx, HttpStatus.SERVICE_UNAVAILABLE, "temporarily unavailable");
                return;
            }
        }
        String key = items.get(0).path("subscriptionId").textValue();
        steps.forward(ctx, route, integration, key != null ? key : integration, body, items.size());
    }
}
