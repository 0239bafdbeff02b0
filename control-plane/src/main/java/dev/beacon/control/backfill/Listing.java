package dev.beacon.control.backfill;

import java.util.List;

/**
 * What one backfill run found in its window.
 *
 * @param messages    ordinary messages ({@code messageType == message}), oldest modification first, one per message
 * @param skipped     other items (system events, …) seen and left out
 * @param requests    Graph requests made
 */
public record Listing(List<ListedMessage> messages, int skipped, int requests) {}
