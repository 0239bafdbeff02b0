package dev.beacon.control.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A chatMessage found by a backfill listing, as Graph returned it. */
public record ListedMessage(String chatId, String messageId, Instant lastModified, JsonNode json) {

    @Override
    public String toString() {
        return "ListedMessage[" + chatId + "/" + messageId + " " + lastModified + "]"; // never the content
    }
}
