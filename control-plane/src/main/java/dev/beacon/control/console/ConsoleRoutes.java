package dev.beacon.control.console;

import dev.beacon.control.LogSafe;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp.Access;
import dev.beacon.control.ops.ControlPlaneOperations;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.store.Sql;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.SameSite;
import io.javalin.http.UnauthorizedResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops console: a page ({@code /console}, its script and style), sign-in with the admin token
 * ({@code POST /console/session}), and a small JSON API under {@code /console/api/}.
 *
 * <p>Security model. The admin token is typed once into the sign-in form and checked in constant time
 * ({@link AdminAuth}); the browser then holds only a session cookie: random, HttpOnly, SameSite=Strict, path
 * {@code /console}, Secure when the request or the public URL is https. Console API calls need that cookie (or the
 * admin bearer token, as the admin API does); every state-changing call with the cookie also needs the session's
 * CSRF token in {@value ConsoleSessions#CSRF_HEADER}, which the page reads from {@code GET /console/api/session}.
 * All console routes are {@link Access#OPEN} to the admin API's bearer check and do this check themselves.
 */
public final class ConsoleRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final Logger MANUAL_ACTIONS = LoggerFactory.getLogger("dev.beacon.control.audit.ManualAction");

    public static final String COOKIE = "beacon_console";

    private final ControlPlaneOperations ops;
    private final ConsoleQueries queries;
    private final ConsoleSessions sessions;
    private final AdminAuth auth;
    private final boolean alwaysSecure;
    private final ConsoleAssets assets = new ConsoleAssets();

    /**
     * @param alwaysSecure mark the cookie Secure even on plain-http requests (the public URL is https: TLS ends
     *                     in front of us)
     */
    public ConsoleRoutes(ControlPlaneOperations ops, ConsoleQueries queries, ConsoleSessions sessions,
                         AdminAuth auth, boolean alwaysSecure) {
        this.ops = Objects.requireNonNull(ops);
        this.queries = Objects.requireNonNull(queries);
        this.sessions = Objects.requireNonNull(sessions);
        this.auth = Objects.requireNonNull(auth);
        this.alwaysSecure = alwaysSecure;
    }

    /** The console on the control plane's database, with wall-clock sessions of the default lifetime. */
    public static ConsoleRoutes create(ControlPlaneOperations ops, DataSource dataSource, AdminAuth auth,
                                       java.net.URI publicUrl) {
        return new ConsoleRoutes(ops, new ConsoleQueries(new Sql(dataSource)),
                ConsoleSessions.withDefaults(Clock.systemUTC()), auth,
                publicUrl != null && "https".equalsIgnoreCase(publicUrl.getScheme()));
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    /** Registers the console's routes (pass to {@code ControlPlaneHttp.withRoutes}). */
    public void routes(RoutesConfig r) {
        r.get("/console", assets::page, Access.OPEN);
        r.get("/console/console.js", assets::script, Access.OPEN);
        r.get("/console/console.css", assets::style, Access.OPEN);

        r.post("/console/session", this::signIn, Access.OPEN);
        r.delete("/console/session", this::signOut, Access.OPEN);

        r.get("/console/api/session", ctx -> {
            ConsoleSessions.Session s = signedIn(ctx, false);
            ctx.json(Map.of("csrfHeader", ConsoleSessions.CSRF_HEADER,
                    "csrfToken", s == null ? "" : s.csrfToken(),
                    "expiresAt", s == null ? "" : s.expiresAt().toString()));
        }, Access.OPEN);
        r.get("/console/api/overview", ctx -> {
            signedIn(ctx, false);
            ctx.json(ConsoleOverview.build(ops, queries));
        }, Access.OPEN);
        r.get("/console/api/integrations/{id}/sign-in", ctx -> {
            signedIn(ctx, false);
            ctx.json(ops.loginState(existing(ctx)));
        }, Access.OPEN);
        r.post("/console/api/integrations/{id}/sign-in", ctx -> {
            signedIn(ctx, true);
            String id = existing(ctx);
            LoginView v = ops.startLogin(id); // what 'beaconctl login' starts: device code, or an auth-code link
            // the same audit line as the admin API's manual actions, naming the console as the actor
            MANUAL_ACTIONS.info("manual action: login started integration={} actor=console session ({})",
                    LogSafe.value(id), v.phase());
            ctx.json(v);
        }, Access.OPEN);
    }

    /** The sign-in form's POST: a good token starts a session and goes back to the page; a bad one says so. */
    private void signIn(Context ctx) {
        ConsoleAssets.securityHeaders(ctx);
        String token = ctx.formParam("token");
        if (token == null || token.isBlank() || !auth.allows("Bearer " + token.strip())) {
            LOG.warn("console: sign-in refused (wrong admin token) from {}", LogSafe.value(ctx.ip()));
            ctx.redirect("/console?signin=refused", HttpStatus.SEE_OTHER);
            return;
        }
        ConsoleSessions.Created created = sessions.create();
        ctx.cookie(new Cookie(COOKIE, created.id(), "/console", (int) sessions.lifetime().toSeconds(),
                secure(ctx), true, null, SameSite.STRICT));
        LOG.info("console: session started from {}", LogSafe.value(ctx.ip()));
        ctx.redirect("/console", HttpStatus.SEE_OTHER);
    }

    /** Logout: ends the server-side session and clears the cookie. Needs the CSRF header like every change. */
    private void signOut(Context ctx) {
        ConsoleAssets.securityHeaders(ctx);
        signedIn(ctx, true);
        sessions.end(ctx.cookie(COOKIE));
        ctx.cookie(new Cookie(COOKIE, "", "/console", 0, secure(ctx), true, null, SameSite.STRICT));
        LOG.info("console: session ended");
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /**
     * The caller's session, or null for a caller with the admin bearer token (no cookie, so no CSRF to fear).
     *
     * @param changes the request changes something: a cookie caller must send the CSRF header
     */
    private ConsoleSessions.Session signedIn(Context ctx, boolean changes) {
        ConsoleAssets.securityHeaders(ctx);
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (auth.allows(authorization)) {
                return null;
            }
            throw new UnauthorizedResponse("unauthorized: wrong admin token");
        }
        ConsoleSessions.Session s = sessions.find(ctx.cookie(COOKIE))
                .orElseThrow(() -> new UnauthorizedResponse("unauthorized: sign in to the console"));
        if (changes && !ConsoleSessions.csrfMatches(s, ctx.header(ConsoleSessions.CSRF_HEADER))) {
            throw new ForbiddenResponse("forbidden: missing or wrong " + ConsoleSessions.CSRF_HEADER + " header");
        }
        return s;
    }

    private String existing(Context ctx) {
        String id = ctx.pathParam("id");
        if (ops.integration(id).isEmpty()) {
            throw new NotFoundResponse("no integration '" + id + "'");
        }
        return id;
    }

    private boolean secure(Context ctx) {
        return alwaysSecure || "https".equalsIgnoreCase(ctx.scheme());
    }
}
