package dev.beacon.job.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keeps ACS's {@code incomingCallContext} out of dead letters: it is the token that answers or redirects the call,
 * so it is as good as a credential for a few minutes. Copy-on-write; the input is never changed.
 */
final class AzureEventRedaction {

    static final String FIELD = "incomingCallContext";

    private AzureEventRedaction() {}

    /** The event (or its data) with {@code incomingCallContext} masked; the node itself when it has none. */
    static JsonNode masked(JsonNode node) {
        if (node == null || !node.isObject()) {
            return node;
        }
        if (node.has(FIELD)) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            copy.put(FIELD, DeadLetterRaw.REDACTED);
            return copy;
        }
        JsonNode data = node.get("data");
        if (data != null && data.isObject() && data.has(FIELD)) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            ((ObjectNode) copy.get("data")).put(FIELD, DeadLetterRaw.REDACTED);
            return copy;
        }
        return node;
    }
}
