package dev.beacon.job.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.contracts.fetched.FetchedMessage;

/**
 * Checks that a fetched message's decrypted chatMessage is the message its record names. The signature binds the
 * record's ids to the ciphertext, so a difference means the control plane published the wrong content under these
 * ids (a defect), and correlating it would key the message wrongly. Graph always returns {@code id}; {@code chatId}
 * may be absent.
 */
final class FetchedContent {

    private FetchedContent() {}

    /** What does not match, naming the fields only; null when the message is the one the record names. */
    static String mismatch(FetchedMessage record, JsonNode message) {
        String id = text(message, "id");
        if (id != null && !id.equals(record.messageId())) {
            return "the decrypted message's id is not message_id";
        }
        String chatId = text(message, "chatId");
        if (chatId != null && !chatId.equals(record.chatId())) {
            return "the decrypted message's chatId is not chat_id";
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
