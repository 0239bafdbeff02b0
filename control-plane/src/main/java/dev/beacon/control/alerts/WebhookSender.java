package dev.beacon.control.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook: a JSON POST signed with HMAC-SHA256. The receiver checks
 * {@code X-Beacon-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>} and rejects a
 * {@code X-Beacon-Timestamp} (Unix seconds) older than its tolerance, which stops replays. {@code X-Beacon-Delivery}
 * ({@code route:fact:revision}) is the idempotency key: at-least-once delivery may repeat it.
 */
public final class WebhookSender implements AlertSender {

    public static final String SIGNATURE_HEADER = "X-Beacon-Signature";
    public static final String TIMESTAMP_HEADER = "X-Beacon-Timestamp";
    public static final String DELIVERY_HEADER = "X-Beacon-Delivery";

    private final ObjectMapper json;
    private final HttpPoster http;
    private final Clock clock;

    public WebhookSender(ObjectMapper json, Clock clock) {
        this(json, new HttpPoster(), clock);
    }

    WebhookSender(ObjectMapper json, HttpPoster http, Clock clock) {
        this.json = json;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String send(AlertRouteStore.Target target, Alert alert) throws DeliveryFailure {
        byte[] body = body(alert);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        http.post(target.url(), body, Map.of(
                TIMESTAMP_HEADER, timestamp,
                SIGNATURE_HEADER, "sha256=" + sign(target.secret(), timestamp, body),
                DELIVERY_HEADER, target.route().routeId() + ":" + alert.fact().factId() + ":" + alert.fact().revision()));
        return null;
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body}; receivers compute the same to verify. */
    public static String sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] body(Alert a) throws DeliveryFailure {
        ObjectNode n = json.createObjectNode();
        n.put("type", a.update() ? "beacon.alert.updated" : "beacon.alert.created");
        n.put("alert_id", a.alertId().toString());
        n.put("fact_id", a.fact().factId());
        n.put("revision", a.fact().revision());
        n.put("is_test_call", a.fact().testCall());
        n.put("title", a.title());
        ObjectNode lines = n.putObject("summary");
        a.lines().forEach(lines::put);
        var changes = n.putArray("changes");
        for (AlertSummary.Change c : a.changes()) {
            changes.addObject().put("field", c.label()).put("before", c.before()).put("after", c.after());
        }
        n.set("fact", a.fact().json());
        try {
            return json.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("the alert could not be written as JSON", true);
        }
    }
}
