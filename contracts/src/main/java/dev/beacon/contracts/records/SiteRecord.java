package dev.beacon.contracts.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A site ops maintain with {@code beaconctl sites}, on {@link ReferenceTopics#SITES} (key {@link #siteId}). The job
 * matches a fact's location text against {@link #matchTerms} (the site's name, and network-site tokens or other
 * names the location text may carry) and gives the fact the site's structured location.
 *
 * @param tenantId   the tenant the site belongs to; null for a site of every tenant
 * @param matchTerms what identifies the site in location text, case-insensitively; never empty
 * @param latitude   WGS84 degrees, or null
 * @param responders who responds there (names, teams or numbers), in ops' order
 */
public record SiteRecord(
        String siteId, String tenantId, String name, List<String> matchTerms, String address, String building,
        String floor, Double latitude, Double longitude, List<String> responders) {

    public SiteRecord {
        matchTerms = matchTerms == null ? List.of() : List.copyOf(matchTerms);
        responders = responders == null ? List.of() : List.copyOf(responders);
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("site_id", siteId);
        n.put("tenant_id", tenantId);
        n.put("name", name);
        ArrayNode terms = n.putArray("match_terms");
        matchTerms.forEach(terms::add);
        n.put("address", address);
        n.put("building", building);
        n.put("floor", floor);
        n.put("latitude", latitude);
        n.put("longitude", longitude);
        ArrayNode who = n.putArray("responders");
        responders.forEach(who::add);
        return n;
    }

    public static SiteRecord fromJson(JsonNode n) throws ContractFormatException {
        if (n == null || !n.isObject()) {
            throw new ContractFormatException("a site is a JSON object");
        }
        List<String> terms = Fields.optionalTextList(n, "match_terms");
        if (terms.isEmpty()) {
            throw new ContractFormatException("match_terms", ContractFormatException.Problem.MISSING,
                    "match_terms is missing or empty");
        }
        return new SiteRecord(
                Fields.requiredText(n, "site_id"),
                Fields.optionalText(n, "tenant_id"),
                Fields.requiredText(n, "name"),
                terms,
                Fields.optionalText(n, "address"),
                Fields.optionalText(n, "building"),
                Fields.optionalText(n, "floor"),
                Fields.optionalDouble(n, "latitude"),
                Fields.optionalDouble(n, "longitude"),
                Fields.optionalTextList(n, "responders"));
    }
}
