package dev.beacon.control.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.LogSafe;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.ops.ConnectLinkRefusedException;
import dev.beacon.control.ops.ControlPlaneOperations;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.ops.Readiness;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's HTTP surface (Javalin): probes, Prometheus metrics, the admin API over
 * {@link ControlPlaneOperations}, and the auth-code callback.
 *
 * <p>Access is deny-by-default: every route needs the admin bearer token unless it is marked {@link Access#OPEN}
 * (healthz, readyz, metrics, and the OAuth callback, which is authenticated by its {@code state}).
 *
 * <p>Errors: {@link IllegalArgumentException} → 400 {@code {"error": message}}; {@link NotFoundException} or
 * {@link NoSuchElementException} → 404; anything else → 500 with a generic message and an error id that is also
 * logged with the exception. Request bodies and query strings (the callback's {@code code}) are never logged.
 */
public final class ControlPlaneHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneHttp.class);

    /** Every answer carries the server's clock (ISO-8601), so the CLI shows times relative to it, not its own. */
    public static final String SERVER_TIME_HEADER = "X-Beacon-Server-Time";
    /** Sent when the server's clock runs faster than real time (the local demo): server seconds per real second. */
    public static final String CLOCK_RATE_HEADER = "X-Beacon-Clock-Rate";
    /**
     * Largest request body: the biggest legitimate one is an integration with a PKCS12 certificate (base64, a few
     * KB). Javalin answers 413 above it, before anything is parsed.
     */
    public static final long MAX_REQUEST_BYTES = 256 * 1024;
    /** Request attribute naming who made a manual action; the console's session login sets it. */
    public static final String ACTOR_ATTRIBUTE = "beacon.actor";

    /** Route roles: only OPEN routes skip the admin check (the console's routes check their own session). */
    public enum Access implements RouteRole { OPEN }

    private final ControlPlaneOperations ops;
    private final ControlPlaneMetrics metrics;
    private final AdminAuth auth;
    private final ObjectMapper json = ApiJson.mapper();
    private Javalin app;
    private final List<Consumer<RoutesConfig>> extraRoutes = new ArrayList<>();
    private final ManualActions actions;

    public ControlPlaneHttp(ControlPlaneOperations ops, ControlPlaneMetrics metrics, AdminAuth auth) {
        this.ops = Objects.requireNonNull(ops);
        this.metrics = Objects.requireNonNull(metrics);
        this.auth = Objects.requireNonNull(auth);
        this.actions = new ManualActions(auth);
    }

    /** Adds admin routes another capability serves (sites, security lines); before {@link #start}. */
    public synchronized ControlPlaneHttp withRoutes(Consumer<RoutesConfig> routes) {
        extraRoutes.add(Objects.requireNonNull(routes));
        return this;
    }

    /** Binds and serves; port 0 picks a free port (see {@link #port()}). */
    public synchronized ControlPlaneHttp start(String host, int port) {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        if (!auth.enabled()) {
            LOG.warn("ADMIN AUTHENTICATION IS DISABLED: anyone who can reach {}:{} can manage integrations",
                    host, port);
        }
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.requestLogger.http((ctx, ms) -> LOG.debug("{} {} -> {} ({} ms)", ctx.method(),
                    LogSafe.value(ctx.path()), ctx.status().getCode(), Math.round(ms)));
            routes(config.routes);
        }).start(host, port);
        LOG.info("control plane HTTP listening on {}:{}", host, app.port());
        return this;
    }

    public int port() {
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
        r.beforeMatched(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header(SERVER_TIME_HEADER, ops.now().toString());
            double rate = ops.clockRate();
            if (rate != 1) {
                ctx.header(CLOCK_RATE_HEADER, Double.toString(rate));
            }
            if (!ctx.routeRoles().contains(Access.OPEN) && !auth.allows(ctx.header("Authorization"))) {
                throw new Unauthorized();
            }
        });

        r.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok"), Access.OPEN);
        r.get("/readyz", this::readyz, Access.OPEN);
        // load balancers and kubelets probe with HEAD too: same status, no body, no token
        r.head("/healthz", ctx -> ctx.contentType("text/plain"), Access.OPEN);
        r.head("/readyz", ctx -> ctx.status(ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE), Access.OPEN);
        r.get("/metrics", ctx -> ctx.contentType(ControlPlaneMetrics.CONTENT_TYPE).result(metrics.scrape()),
                Access.OPEN);

        r.get("/api/status", ctx -> ctx.json(ops.status()));

        r.get("/api/integrations", ctx -> ctx.json(ops.listIntegrations()));
        r.post("/api/integrations", ctx -> {
            NewIntegration request = RequestValidation.check(body(ctx, NewIntegration.class));
            var added = ops.addIntegration(request);
            actions.log(ctx, "integrations add", added.id(), "auth " + added.authMode());
            ctx.status(HttpStatus.CREATED).json(added);
        });
        r.get("/api/integrations/{id}", ctx -> ctx.json(ops.integration(integrationParam(ctx))
                .orElseThrow(() -> noIntegration(ctx.pathParam("id")))));
        r.delete("/api/integrations/{id}", ctx -> {
            String id = integrationParam(ctx);
            if (!ops.removeIntegration(id)) {
                throw noIntegration(id);
            }
            actions.log(ctx, "integrations remove", id, null);
            ctx.status(HttpStatus.NO_CONTENT);
        });
        r.post("/api/integrations/{id}/login", ctx -> {
            String id = existingIntegration(ctx);
            LoginView v = ops.startLogin(id);
            // the phase only: a device code's user code is a credential for the next minutes, never logged
            actions.log(ctx, "login started", id, v.phase());
            ctx.json(v);
        });
        r.get("/api/integrations/{id}/login", ctx -> ctx.json(ops.loginState(existingIntegration(ctx))));
        r.put("/api/integrations/{id}/emergency-policies", ctx -> {
            String id = existingIntegration(ctx);
            var request = RequestValidation.check(body(ctx, dev.beacon.control.ops.EmergencyPoliciesRequest.class));
            var v = ops.setEmergencyPolicies(id, request.policies());
            actions.log(ctx, "integrations set-policies", id, v.emergencyPolicies().size() + " policies");
            ctx.json(v);
        });
        r.put("/api/integrations/{id}/backfill-users", ctx -> {
            String id = existingIntegration(ctx);
            var request = RequestValidation.check(body(ctx, dev.beacon.control.ops.BackfillUsersRequest.class));
            var v = ops.setBackfillUsers(id, request.users());
            // the count only: user references are personal data
            actions.log(ctx, "integrations set-backfill-users", id, v.backfillUsers().size() + " users");
            ctx.json(v);
        });
        r.post("/api/integrations/{id}/certificates/rotate", ctx -> {
            String id = existingIntegration(ctx);
            var certs = ops.rotateCertificates(id);
            actions.log(ctx, "certs rotate", id, null);
            ctx.json(certs);
        });
        // the integration's leader runs it at its next round (only the leader backfills)
        r.post("/api/integrations/{id}/backfill", ctx -> {
            String id = existingIntegration(ctx);
            var v = ops.requestBackfill(id);
            actions.log(ctx, "backfill", id, "requested");
            ctx.status(HttpStatus.ACCEPTED).json(v);
        });
        r.post("/api/integrations/{id}/directory-sync", ctx -> {
            String id = existingIntegration(ctx);
            var v = ops.requestDirectorySync(id);
            actions.log(ctx, "directory sync", id, "requested");
            ctx.status(HttpStatus.ACCEPTED).json(v);
        });

        r.get("/api/subscriptions", ctx -> {
            String integration = ctx.queryParam("integration");
            if (integration != null) {
                RequestValidation.integrationId("integration", integration);
            }
            ctx.json(ops.listSubscriptions(integration));
        });
        r.post("/api/subscriptions/{id}/renew", ctx -> {
            String id = RequestValidation.subscriptionId("subscription id", ctx.pathParam("id"));
            var s = ops.renewSubscription(id);
            actions.log(ctx, "subscriptions renew", s.integrationId(), "subscription " + id);
            ctx.json(s);
        });
        r.delete("/api/subscriptions/{id}", ctx -> {
            String id = RequestValidation.subscriptionId("subscription id", ctx.pathParam("id"));
            String integration = ops.listSubscriptions(null).stream().filter(s -> id.equals(s.subscriptionId()))
                    .map(dev.beacon.control.ops.SubscriptionView::integrationId).findFirst().orElse(null);
            if (!ops.deleteSubscription(id)) {
                throw new NotFoundException("no subscription '" + id + "'");
            }
            actions.log(ctx, "subscriptions delete", integration, "subscription " + id);
            ctx.status(HttpStatus.NO_CONTENT);
        });

        // a browser opens it with a sign-in link's ticket (beaconctl login), or an admin with the bearer token
        r.get("/api/org/{org_id}/ms-teams/connect", this::connect, Access.OPEN);
        // Entra answers with response_mode=form_post (what MSAL4J asks for): a POST of a form; GET for query mode
        r.get("/api/org/{org_id}/ms-teams/callback", this::callback, Access.OPEN);
        r.post("/api/org/{org_id}/ms-teams/callback", this::callback, Access.OPEN);

        extraRoutes.forEach(extra -> extra.accept(r));

        r.exception(Unauthorized.class, (e, ctx) -> ctx.status(HttpStatus.UNAUTHORIZED)
                .header("WWW-Authenticate", "Bearer realm=\"beacon\"")
                .json(Map.of("error", "unauthorized: send Authorization: Bearer <admin token>")));
        r.exception(IllegalArgumentException.class, (e, ctx) ->
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", String.valueOf(e.getMessage()))));
        r.exception(NotFoundException.class, (e, ctx) ->
                ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", e.getMessage())));
        r.exception(NoSuchElementException.class, (e, ctx) ->
                ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", String.valueOf(e.getMessage()))));
        r.exception(HttpResponseException.class, (e, ctx) ->
                ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
        r.exception(Exception.class, (e, ctx) -> {
            String errorId = UUID.randomUUID().toString();
            LOG.error("{} {} failed, error id {}", ctx.method(), LogSafe.value(ctx.path()), errorId, e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                    .json(Map.of("error", "internal error; the server log has details under this id",
                            "errorId", errorId));
        });
    }

    private boolean ready() {
        try {
            return ops.readiness().ready();
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.getClass().getSimpleName());
            return false;
        }
    }

    private void readyz(Context ctx) {
        Readiness readiness;
        try {
            readiness = ops.readiness();
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.getClass().getSimpleName());
            readiness = new Readiness(false, List.of("readiness check failed: " + e.getClass().getSimpleName()));
        }
        ctx.status(readiness.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(readiness);
    }

    /**
     * Starts an auth-code sign-in: redirects to Entra. Allowed with the admin bearer token, or with a
     * {@code ticket} from {@code beaconctl login} (single use, short-lived, for this integration only). A refused
     * ticket gets a page saying why, and no redirect.
     */
    private void connect(Context ctx) {
        String id = ctx.pathParam("org_id");
        String ticket = ctx.queryParam("ticket");
        if (ticket == null) {
            if (!auth.allows(ctx.header("Authorization"))) {
                throw new Unauthorized();
            }
            if (ops.integration(id).isEmpty()) {
                throw noIntegration(id);
            }
            ctx.redirect(ops.authorizationUrl(id).toString(), HttpStatus.FOUND);
            return;
        }
        if (ops.integration(id).isEmpty()) { // without the admin token, say no more than for a bad ticket
            page(ctx, HttpStatus.FORBIDDEN, "Sign-in link refused", "This sign-in link is not valid. Run "
                    + "'beaconctl login <integration>' for a new link.");
            return;
        }
        try {
            ctx.redirect(ops.authorizationUrlWithTicket(id, ticket).toString(), HttpStatus.FOUND);
        } catch (ConnectLinkRefusedException e) {
            page(ctx, HttpStatus.FORBIDDEN, "Sign-in link refused", e.getMessage());
        }
    }

    /**
     * Entra's answer after an auth-code sign-in: a form POST ({@code response_mode=form_post}) or a GET with the
     * parameters in the query. A person reads the answer, so it is a small HTML page. Nothing the request carries is
     * logged unescaped ({@link LogSafe}), and the code never.
     */
    private void callback(Context ctx) {
        String id = ctx.pathParam("org_id");
        String error = callbackParam(ctx, "error");
        if (error != null) {
            String description = callbackParam(ctx, "error_description");
            LOG.warn("auth-code sign-in for {} refused by Entra: {}", LogSafe.value(id), LogSafe.value(error));
            try {
                ops.authorizationDenied(id, callbackParam(ctx, "state"), error, description);
            } catch (IllegalArgumentException | NoSuchElementException e) {
                LOG.warn("auth-code refusal for {} not recorded: {}", LogSafe.value(id),
                        LogSafe.value(e.getMessage()));
            }
            page(ctx, HttpStatus.BAD_REQUEST, "Sign-in failed",
                    "Microsoft Entra answered: " + error + (description == null ? "" : " — " + description));
            return;
        }
        String code = callbackParam(ctx, "code");
        String state = callbackParam(ctx, "state");
        if (code == null || code.isBlank() || state == null || state.isBlank()) {
            page(ctx, HttpStatus.BAD_REQUEST, "Sign-in failed", "The callback is missing its code or state.");
            return;
        }
        try {
            LoginView v = ops.completeAuthorization(id, code, state);
            if ("signed-in".equals(v.phase())) {
                page(ctx, HttpStatus.OK, "Signed in", "Beacon is signed in as "
                        + (v.username() == null ? "the service account" : v.username())
                        + ". You can close this window.");
            } else {
                page(ctx, HttpStatus.BAD_REQUEST, "Sign-in failed", "Sign-in ended as " + v.phase()
                        + (v.detail() == null ? "" : ": " + v.detail()));
            }
        } catch (IllegalArgumentException | NoSuchElementException e) {
            page(ctx, HttpStatus.BAD_REQUEST, "Sign-in failed", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("auth-code callback for {} failed, error id {}", LogSafe.value(id), errorId, e);
            page(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "Sign-in failed",
                    "Internal error; the server log has details under id " + errorId + ".");
        }
    }

    /** A callback parameter: from the form body of a POST (form_post), else from the query. */
    private static String callbackParam(Context ctx, String name) {
        if ("POST".equals(ctx.method().name())) {
            return ctx.formParam(name);
        }
        return ctx.queryParam(name);
    }

    private static void page(Context ctx, HttpStatus status, String title, String text) {
        ctx.status(status).html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Beacon: "
                + escape(title) + "</title></head><body><h1>" + escape(title) + "</h1><p>" + escape(text)
                + "</p></body></html>");
    }

    private <T> T body(Context ctx, Class<T> type) {
        return RequestBodies.read(ctx, type);
    }

    private static String integrationParam(Context ctx) {
        return RequestValidation.integrationId("integration id", ctx.pathParam("id"));
    }

    private String existingIntegration(Context ctx) {
        String id = integrationParam(ctx);
        if (ops.integration(id).isEmpty()) {
            throw noIntegration(id);
        }
        return id;
    }

    private static NotFoundException noIntegration(String id) {
        return new NotFoundException("no integration '" + id + "'");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** No or wrong admin token. */
    private static final class Unauthorized extends RuntimeException {
        Unauthorized() {
            super("unauthorized", null, false, false);
        }
    }
}
