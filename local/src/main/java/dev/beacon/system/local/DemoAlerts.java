package dev.beacon.system.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.beacon.control.alerts.AlertRouteStore;
import dev.beacon.control.alerts.NewAlertRoute;
import dev.beacon.control.alerts.WebhookSender;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's alert receivers: a local webhook endpoint that checks the HMAC signature and prints each alert, and a
 * local SMTP server (GreenMail) for the e-mail route. Routes: webhook for real calls, e-mail for all calls.
 */
final class DemoAlerts implements AutoCloseable {

    static final String FROM = "beacon@demo.example";
    static final String TO = "security-desk@demo.example";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private final HttpServer webhook;
    private volatile byte[] secret;

    DemoAlerts(Consumer<String> say) throws IOException {
        mail.start();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String ts = ex.getRequestHeaders().getFirst(WebhookSender.TIMESTAMP_HEADER);
            boolean signed = secret != null && ("sha256=" + WebhookSender.sign(secret, ts, body))
                    .equals(ex.getRequestHeaders().getFirst(WebhookSender.SIGNATURE_HEADER));
            JsonNode alert = JSON.readTree(body);
            say.accept("   -> webhook alert (" + (signed ? "signature verified" : "BAD SIGNATURE") + "): "
                    + alert.path("title").asText() + (alert.path("changes").isEmpty() ? ""
                    : "; changed: " + alert.path("changes")));
            ex.sendResponseHeaders(signed ? 204 : 401, -1);
            ex.close();
        });
        webhook.start();
    }

    /** The control plane's SMTP settings for the local server. */
    Map<String, String> controlPlaneEnv() {
        return Map.of("BEACON_SMTP_HOST", "127.0.0.1", "BEACON_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()),
                "BEACON_SMTP_FROM", FROM, "BEACON_SMTP_STARTTLS", "off");
    }

    /** Adds the demo's routes to an integration. */
    void addRoutes(AlertRouteStore routes, String integration) {
        var added = routes.add(integration, new NewAlertRoute("demo-webhook", "webhook", "real",
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts", null, null));
        secret = added.generatedSecret().getBytes(StandardCharsets.UTF_8);
        routes.add(integration, new NewAlertRoute("demo-email", "email", "both", null, null, List.of(TO)));
    }

    /** The e-mails received so far: subject and threading headers. */
    List<String> mails() throws Exception {
        var out = new java.util.ArrayList<String>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            String[] replyTo = m.getHeader("In-Reply-To");
            out.add("to " + TO + ": \"" + m.getSubject() + "\"" + (replyTo == null ? "" : " (reply to " + replyTo[0]
                    + ")"));
        }
        return out;
    }

    @Override
    public void close() {
        webhook.stop(0);
        mail.stop();
    }
}
