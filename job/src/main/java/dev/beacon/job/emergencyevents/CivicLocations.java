package dev.beacon.job.emergencyevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.correlate.StructuredLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the caller's emergency location of a Graph {@code emergencyCallEvent} ({@code callerInfo.location}: a Graph
 * {@code location} with a {@code physicalAddress} and {@code outlookGeoCoordinates}) into a {@link StructuredLocation}.
 *
 * <p>Tolerant by design: a location is extra detail on a call that is valid without it, so a malformed part (a
 * coordinate that is no number, an address member of the wrong type) is left out rather than failing the event.
 * Coordinates come as numbers or as strings ({@code "47.6396"}, Microsoft's documented sample); {@code 0,0} (the
 * documented placeholder {@code "00.0000"}) and values out of range mean "unknown".
 */
final class CivicLocations {

    private CivicLocations() {}

    /** The location, or null when {@code location} says nothing usable. */
    static StructuredLocation read(JsonNode location) {
        if (location == null || !location.isObject()) {
            return null;
        }
        StructuredLocation l = new StructuredLocation();
        l.source = StructuredLocation.FROM_EMERGENCY_CALL_EVENT;
        JsonNode address = location.get("address");
        if (address != null && address.isObject()) {
            JsonNode extra = address.path("additionalData");
            l.houseNumber = scalar(extra, "houseNumber");
            l.street = joined(" ", scalar(address, "street"), scalar(extra, "streetSuffix"));
            l.city = scalar(address, "city");
            l.state = scalar(address, "state");
            l.postalCode = scalar(address, "postalCode");
            l.countryOrRegion = scalar(address, "countryOrRegion");
            l.floor = scalar(extra, "additionalInfo");
        }
        l.building = scalar(location, "displayName");
        JsonNode coordinates = location.get("coordinates");
        if (coordinates != null && coordinates.isObject()) {
            Double latitude = degrees(coordinates.get("latitude"), 90);
            Double longitude = degrees(coordinates.get("longitude"), 180);
            boolean nullIsland = latitude != null && longitude != null && latitude == 0.0 && longitude == 0.0;
            if (latitude != null && longitude != null && !nullIsland) {
                l.latitude = latitude;
                l.longitude = longitude;
            }
        }
        l.address = oneLine(l);
        boolean empty = l.address == null && l.latitude == null && l.building == null;
        return empty ? null : l;
    }

    /**
     * The civic address as one line for people, e.g. {@code 725 Microsoft Way, 700, Redmond, WA 98052, United
     * States}; null when the address has no part.
     */
    static String oneLine(StructuredLocation l) {
        List<String> parts = new ArrayList<>();
        add(parts, joined(" ", l.houseNumber, l.street));
        add(parts, l.floor);
        add(parts, l.city);
        add(parts, joined(" ", l.state, l.postalCode));
        add(parts, l.countryOrRegion);
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /** A string or number member as trimmed text; null when absent, empty or of another type. */
    private static String scalar(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !(v.isTextual() || v.isNumber())) {
            return null;
        }
        String text = v.asText().strip();
        return text.isEmpty() ? null : text;
    }

    private static Double degrees(JsonNode v, double limit) {
        double d;
        if (v == null) {
            return null;
        } else if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) && Math.abs(d) <= limit ? d : null;
    }

    private static String joined(String separator, String... parts) {
        List<String> present = new ArrayList<>();
        add(present, parts);
        return present.isEmpty() ? null : String.join(separator, present);
    }

    private static void add(List<String> to, String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                to.add(v);
            }
        }
    }
}
