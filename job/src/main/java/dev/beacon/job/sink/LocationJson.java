package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.correlate.StructuredLocation;
import java.util.ArrayList;

/**
 * The {@code location} object of a published fact ({@link FactJson}) and of the {@code emergency_call.location}
 * jsonb column: a {@link StructuredLocation} with snake_case field names. Every field is always present (null when
 * unknown), so consumers see one shape whichever feed the location came from.
 */
public final class LocationJson {

    private LocationJson() {}

    /** The object, or null for a fact without a structured location. */
    public static ObjectNode toJson(StructuredLocation l, ObjectMapper m) {
        if (l == null) {
            return null;
        }
        ObjectNode n = m.createObjectNode();
        n.put("source", l.source);
        n.put("site_id", l.siteId);
        n.put("site_name", l.siteName);
        n.put("address", l.address);
        n.put("building", l.building);
        n.put("floor", l.floor);
        n.put("house_number", l.houseNumber);
        n.put("street", l.street);
        n.put("city", l.city);
        n.put("state", l.state);
        n.put("postal_code", l.postalCode);
        n.put("country_or_region", l.countryOrRegion);
        n.put("latitude", finite(l.latitude));
        n.put("longitude", finite(l.longitude));
        ArrayNode responders = n.putArray("responders");
        if (l.responders != null) {
            l.responders.forEach(responders::add);
        }
        return n;
    }

    /**
     * The location a {@link #toJson} object describes; null for an absent or null field.
     *
     * @throws IllegalArgumentException if it is not an object or a coordinate is not a number (names the field)
     */
    public static StructuredLocation fromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("fact JSON field location must be an object");
        }
        StructuredLocation l = new StructuredLocation();
        l.source = text(n, "source");
        l.siteId = text(n, "site_id");
        l.siteName = text(n, "site_name");
        l.address = text(n, "address");
        l.building = text(n, "building");
        l.floor = text(n, "floor");
        l.houseNumber = text(n, "house_number");
        l.street = text(n, "street");
        l.city = text(n, "city");
        l.state = text(n, "state");
        l.postalCode = text(n, "postal_code");
        l.countryOrRegion = text(n, "country_or_region");
        l.latitude = number(n, "latitude");
        l.longitude = number(n, "longitude");
        l.responders = new ArrayList<>();
        for (JsonNode r : n.path("responders")) {
            l.responders.add(r.asText());
        }
        return l;
    }

    /** NaN and infinities have no JSON form (jsonb refuses them): published as unknown. */
    static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("fact JSON field location." + field + " must be a number");
        }
        return v.doubleValue();
    }
}
