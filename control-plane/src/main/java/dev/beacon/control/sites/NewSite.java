package dev.beacon.control.sites;

import java.util.List;

/**
 * A site as ops send it ({@code PUT /api/sites/{id}}, {@code beaconctl sites add}); checked by
 * {@link SiteValidation}. The site id is the path's.
 */
public record NewSite(String tenantId, String name, List<String> matchTerms, String address, String building,
                      String floor, Double latitude, Double longitude, List<String> responders) {}
