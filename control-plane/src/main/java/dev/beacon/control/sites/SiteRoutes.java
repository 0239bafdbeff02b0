package dev.beacon.control.sites;

import dev.beacon.control.http.RequestBodies;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import java.util.Map;

/**
 * The admin API of sites (admin token required, like every non-open route):
 * <ul>
 *   <li>{@code GET /api/sites}: every site;</li>
 *   <li>{@code PUT /api/sites/{id}}: add or replace ({@link NewSite}); 200 with the stored site once Kafka has the
 *       record, 400 for invalid input, 503 when Kafka did not acknowledge (nothing changed);</li>
 *   <li>{@code DELETE /api/sites/{id}}: 204 once the tombstone is acknowledged, 404 when there is no such site.</li>
 * </ul>
 * Also maps {@link ReferencePublisher.ReferencePublishException} to 503 for the security-line routes.
 */
public final class SiteRoutes {

    private final Sites sites;

    public SiteRoutes(Sites sites) {
        this.sites = sites;
    }

    public void register(RoutesConfig r) {
        r.get("/api/sites", ctx -> ctx.json(sites.list()));
        r.put("/api/sites/{id}", ctx -> ctx.json(sites.put(ctx.pathParam("id"),
                RequestBodies.read(ctx, NewSite.class))));
        r.delete("/api/sites/{id}", ctx -> {
            if (!sites.remove(ctx.pathParam("id"))) {
                throw new java.util.NoSuchElementException("no site '" + ctx.pathParam("id") + "'");
            }
            ctx.status(HttpStatus.NO_CONTENT);
        });
        r.exception(ReferencePublisher.ReferencePublishException.class, (e, ctx) ->
                ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", String.valueOf(e.getMessage()))));
    }
}
