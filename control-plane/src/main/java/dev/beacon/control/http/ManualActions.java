package dev.beacon.control.http;

import dev.beacon.control.LogSafe;
import io.javalin.http.Context;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per manual action through the admin API (integrations add/remove, login started, subscriptions
 * renew/delete, certificates rotated, backfill and directory sync requested), naming the action, the integration
 * and who asked: "admin token", the console session's actor ({@link ControlPlaneHttp#ACTOR_ATTRIBUTE}) or
 * "anonymous" when admin auth is disabled. Never a request body, token or user code. Logger
 * {@code dev.beacon.control.audit.ManualAction}, so operators can route it on its own.
 */
final class ManualActions {

    static final Logger LOG = LoggerFactory.getLogger("dev.beacon.control.audit.ManualAction");

    private final AdminAuth auth;

    ManualActions(AdminAuth auth) {
        this.auth = Objects.requireNonNull(auth);
    }

    void log(Context ctx, String action, String integration, String detail) {
        LOG.info("manual action: {} integration={} actor={}{}", action,
                integration == null ? "-" : LogSafe.value(integration), actor(ctx),
                detail == null ? "" : " (" + LogSafe.value(detail) + ")");
    }

    private String actor(Context ctx) {
        Object session = ctx.attribute(ControlPlaneHttp.ACTOR_ATTRIBUTE);
        if (session != null) {
            return LogSafe.value(session.toString());
        }
        return auth.enabled() ? "admin token" : "anonymous (admin auth disabled)";
    }
}
