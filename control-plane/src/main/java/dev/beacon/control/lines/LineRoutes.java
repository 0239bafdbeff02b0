package dev.beacon.control.lines;

import dev.beacon.control.http.RequestBodies;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import java.util.NoSuchElementException;

/**
 * The admin API of security lines (admin token required):
 * <ul>
 *   <li>{@code GET /api/lines[?integration=ID]}: lines and resource-account sync states ({@link LinesReport});</li>
 *   <li>{@code POST /api/integrations/{id}/lines} ({@link NewLine}): add or rename; 200 once Kafka has the record,
 *       400 for invalid input, 404 for an unknown integration, 503 when Kafka did not acknowledge;</li>
 *   <li>{@code DELETE /api/integrations/{id}/lines?line=LINE}: 204 once the tombstone is acknowledged, 404 when
 *       the integration has no such line. The line is a query parameter: {@code +} and {@code :} stay intact.</li>
 * </ul>
 */
public final class LineRoutes {

    private final SecurityLines lines;

    public LineRoutes(SecurityLines lines) {
        this.lines = lines;
    }

    public void register(RoutesConfig r) {
        r.get("/api/lines", ctx -> ctx.json(lines.report(ctx.queryParam("integration"))));
        r.post("/api/integrations/{id}/lines", ctx -> ctx.json(lines.add(ctx.pathParam("id"),
                RequestBodies.read(ctx, NewLine.class))));
        r.delete("/api/integrations/{id}/lines", ctx -> {
            String line = ctx.queryParam("line");
            if (line == null || line.isBlank()) {
                throw new IllegalArgumentException("name the line: ?line=+15550100 or ?line=28:orgid:<guid>");
            }
            if (!lines.remove(ctx.pathParam("id"), line)) {
                throw new NoSuchElementException("integration '" + ctx.pathParam("id") + "' has no line " + line);
            }
            ctx.status(HttpStatus.NO_CONTENT);
        });
    }
}
