package dev.beacon.control.backfill;

import java.util.List;

/**
 * What one backfill run found in its window.
 *
 * @param messages    ordinary messages ({@code messageType == message}), oldest modification first, one per message
 * @param skipped     other items (system events, …) seen and left out
 * @param requests    Graph requests made
 * @param missingChats chats Graph answered 404 for (deleted, or the account left them): skipped, named in a WARN
 */
public record Listing(List<ListedMessage> messages, int skipped, int requests, List<String> missingChats) {

    public Listing(List<ListedMessage> messages, int skipped, int requests) {
        this(messages, skipped, requests, List.of());
    }
}
