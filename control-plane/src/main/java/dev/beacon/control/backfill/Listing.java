package dev.beacon.control.backfill;

import java.util.List;
import java.util.Set;

/**
 * What one backfill run found in its window.
 *
 * @param messages       ordinary messages ({@code messageType == message}), oldest modification first, one per message
 * @param skipped        other items (system events, …) seen and left out
 * @param requests       Graph requests made
 * @param missingChats   chats Graph answered 404 for (deleted, or the account left them): skipped, named in a WARN
 * @param complete       false when the run's time budget stopped the listing at a page boundary: the window is only
 *                       partly listed, {@code completedUnits} says which parts are done
 * @param completedUnits the listing units finished in this window so far (this run's and the ones it resumed)
 */
public record Listing(List<ListedMessage> messages, int skipped, int requests, List<String> missingChats,
                      boolean complete, Set<String> completedUnits) {

    public Listing(List<ListedMessage> messages, int skipped, int requests) {
        this(messages, skipped, requests, List.of(), true, Set.of());
    }
}
