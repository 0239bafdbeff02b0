package dev.beacon.control.lines;

import java.time.Instant;

/**
 * A configured security line and what was last published for it.
 *
 * @param resourceAccountMatched whether a synced resource account fills the descriptive fields
 */
public record LineView(String lineId, String integrationId, String name, String displayName,
                       String userPrincipalName, String phoneNumber, String acsResourceId,
                       boolean resourceAccountMatched, Instant updatedAt) {}
