package dev.beacon.control.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The console's three static files, bundled in the jar under {@code /console/} and read once: no CDN, no build
 * step. Every console response gets {@link #securityHeaders}: a Content-Security-Policy that allows this origin's
 * script, style and fetches only (no inline script or style, no framing, forms post only here).
 */
final class ConsoleAssets {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    final byte[] html = read("index.html");
    final byte[] script = read("console.js");
    final byte[] style = read("console.css");

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    void page(Context ctx) {
        serve(ctx, "text/html; charset=utf-8", html);
    }

    void script(Context ctx) {
        serve(ctx, "text/javascript; charset=utf-8", script);
    }

    void style(Context ctx) {
        serve(ctx, "text/css; charset=utf-8", style);
    }

    private static void serve(Context ctx, String contentType, byte[] body) {
        securityHeaders(ctx);
        ctx.contentType(contentType).result(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset /console/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
