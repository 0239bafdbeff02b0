package dev.beacon.control.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A Microsoft Teams incoming webhook or Workflows ("When a Teams webhook request is received") post: a message
 * with one Adaptive Card (1.4) attachment. The card holds the fact's lines and, for an update, what changed; it
 * has no actions or links. The URL is the only credential (it is stored sealed).
 */
public final class TeamsSender implements AlertSender {

    public static final String CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

    private final ObjectMapper json;
    private final HttpPoster http;

    public TeamsSender(ObjectMapper json) {
        this(json, new HttpPoster());
    }

    TeamsSender(ObjectMapper json, HttpPoster http) {
        this.json = json;
        this.http = http;
    }

    @Override
    public String send(AlertRouteStore.Target target, Alert alert) throws DeliveryFailure {
        try {
            http.post(target.url(), json.writeValueAsBytes(message(alert)), Map.of());
        } catch (JsonProcessingException e) {
            throw new DeliveryFailure("the card could not be written as JSON", true);
        }
        return null;
    }

    /** The message body Teams expects: {@code {"type":"message","attachments":[{adaptive card}]}}. */
    ObjectNode message(Alert a) {
        ObjectNode m = json.createObjectNode();
        m.put("type", "message");
        ObjectNode attachment = m.putArray("attachments").addObject();
        attachment.put("contentType", CARD_CONTENT_TYPE);
        attachment.putNull("contentUrl");
        attachment.set("content", card(a));
        return m;
    }

    private ObjectNode card(Alert a) {
        ObjectNode card = json.createObjectNode();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("size", "Large").put("weight", "Bolder").put("wrap", true)
                .put("color", a.fact().testCall() ? "Warning" : "Attention")
                .put("text", (a.update() ? "Update: " : "") + a.title());
        if (a.update() && !a.changes().isEmpty()) {
            StringBuilder changed = new StringBuilder("What changed:");
            a.changes().forEach(c -> changed.append("\n- ").append(c.describe()));
            body.addObject().put("type", "TextBlock").put("wrap", true).put("text", changed.toString());
        }
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        for (Map.Entry<String, String> e : a.lines().entrySet()) {
            facts.addObject().put("title", e.getKey()).put("value", e.getValue());
        }
        body.addObject().put("type", "TextBlock").put("isSubtle", true).put("size", "Small").put("wrap", true)
                .put("text", "Beacon alert " + a.alertId() + " · fact " + a.fact().factId() + " revision "
                        + a.fact().revision());
        return card;
    }
}
