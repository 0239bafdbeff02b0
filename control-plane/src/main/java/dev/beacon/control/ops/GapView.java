package dev.beacon.control.ops;

import java.time.Instant;

/** A period in which notifications may have been lost; {@code to} null while still open. */
public record GapView(long gapId, String integrationId, String resource, String subscriptionId, Instant from,
                      Instant to, String reason) {}
