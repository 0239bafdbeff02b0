package dev.beacon.job.correlate;

import java.util.ArrayList;
import java.util.Objects;

/**
 * Where a call came from, in structured form: the civic address and coordinates of a Graph emergency call event, or
 * the site ops mapped the chat's location text to. A POJO with concrete types, because it lives in keyed state.
 */
public class StructuredLocation {
    /** The civic address and coordinates Graph's emergency call event reported (Teams' emergency location). */
    public static final String FROM_EMERGENCY_CALL_EVENT = "emergency-call-event";
    /** A site from ops' site list matched the location text. */
    public static final String FROM_SITE = "site";

    /** {@link #FROM_EMERGENCY_CALL_EVENT} or {@link #FROM_SITE}. */
    public String source;
    public String siteId;
    public String siteName;
    /** The address as one line, for people: a site's address, or the event's civic address formatted. */
    public String address;
    public String building;
    public String floor;
    public String houseNumber;
    public String street;
    public String city;
    public String state;
    public String postalCode;
    public String countryOrRegion;
    /** WGS84 degrees, or null. */
    public Double latitude;
    public Double longitude;
    public ArrayList<String> responders = new ArrayList<>();

    public StructuredLocation() {}

    public StructuredLocation copy() {
        StructuredLocation c = new StructuredLocation();
        c.source = source;
        c.siteId = siteId;
        c.siteName = siteName;
        c.address = address;
        c.building = building;
        c.floor = floor;
        c.houseNumber = houseNumber;
        c.street = street;
        c.city = city;
        c.state = state;
        c.postalCode = postalCode;
        c.countryOrRegion = countryOrRegion;
        c.latitude = latitude;
        c.longitude = longitude;
        c.responders = new ArrayList<>(responders);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StructuredLocation l
                && Objects.equals(source, l.source) && Objects.equals(siteId, l.siteId)
                && Objects.equals(siteName, l.siteName) && Objects.equals(address, l.address)
                && Objects.equals(building, l.building) && Objects.equals(floor, l.floor)
                && Objects.equals(houseNumber, l.houseNumber) && Objects.equals(street, l.street)
                && Objects.equals(city, l.city) && Objects.equals(state, l.state)
                && Objects.equals(postalCode, l.postalCode) && Objects.equals(countryOrRegion, l.countryOrRegion)
                && Objects.equals(latitude, l.latitude) && Objects.equals(longitude, l.longitude)
                && Objects.equals(responders, l.responders);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, siteId, address, latitude, longitude);
    }

    @Override
    public String toString() {
        return "StructuredLocation{" + source + ", site=" + siteId + "}";
    }
}
