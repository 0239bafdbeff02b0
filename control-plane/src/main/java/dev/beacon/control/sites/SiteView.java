package dev.beacon.control.sites;

import java.time.Instant;
import java.util.List;

/** A site as the API shows it: the stored row. */
public record SiteView(String siteId, String tenantId, String name, List<String> matchTerms, String address,
                       String building, String floor, Double latitude, Double longitude, List<String> responders,
                       Instant updatedAt) {}
